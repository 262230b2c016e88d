/** LOGOUT. RFC 9051 §6.1.3. */
import { ANY, type Command } from './common.ts';

export const logout: Command<'LOGOUT'> = {
  states: ANY,
  async run(s) {
    s.send({ type: 'untagged', status: 'BYE', text: 'Préau logging out' });
    return { status: 'OK', text: 'LOGOUT completed', skipSync: true, after: () => s.close() };
  },
};
