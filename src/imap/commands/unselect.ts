/** UNSELECT: leave the mailbox without expunging. RFC 3691, RFC 9051 §6.4.2. */
import { ok, SELECTED, type Command } from './common.ts';

export const unselect: Command<'UNSELECT'> = {
  states: SELECTED,
  async run(s) {
    s.selected = null;
    s.state = 'authenticated';
    return ok('UNSELECT completed');
  },
};
