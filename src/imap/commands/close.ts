/** CLOSE: silent expunge of \Deleted messages, then back to the authenticated state. RFC 9051 §6.4.1. */
import { expunge } from '../../mail/messages.ts';
import { ok, SELECTED, type Command } from './common.ts';

export const close: Command<'CLOSE'> = {
  states: SELECTED,
  async run(s) {
    const sel = s.selected!;
    s.selected = null;
    s.state = 'authenticated';
    // No EXPUNGE responses are sent (RFC 9051 §6.4.1); nothing happens in a read-only mailbox.
    if (!sel.readOnly) await expunge(s.ctx.store, s.account!, sel.id, { origin: s.id });
    return ok('CLOSE completed');
  },
};
