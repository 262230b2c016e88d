/** NAMESPACE: one personal namespace, "/" separated. RFC 2342, RFC 9051 §6.3.10. */
import { AUTH, ok, type Command } from './common.ts';

export const namespace: Command<'NAMESPACE'> = {
  states: AUTH,
  async run(s) {
    s.send({ type: 'namespace', personal: [['', '/']], other: null, shared: null });
    return ok('NAMESPACE completed');
  },
};
