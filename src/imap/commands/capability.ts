/** CAPABILITY. RFC 9051 §6.1.1. */
import { ANY, ok, type Command } from './common.ts';

export const capability: Command<'CAPABILITY'> = {
  states: ANY,
  async run(s) {
    s.send({ type: 'capability', caps: s.capabilities() });
    return ok('CAPABILITY completed');
  },
};
