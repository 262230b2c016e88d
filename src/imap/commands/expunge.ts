/** EXPUNGE and UID EXPUNGE. RFC 9051 §6.4.3 and §6.4.9, RFC 4315 §2.1, RFC 7162 §3.2.10 (VANISHED). */
import { expunge as expungeMessages } from '../../mail/messages.ts';
import { toRanges } from '../selected.ts';
import { no, ok, SELECTED, type Command } from './common.ts';

export const expunge: Command<'EXPUNGE'> = {
  states: SELECTED,
  async run(s, req) {
    const sel = s.selected!;
    if (sel.readOnly) return no('mailbox is read-only', 'READ-ONLY');
    const uids = req.args.uids ? toRanges(sel.resolve(req.args.uids, true)) : undefined;
    if (uids && !uids.length) return ok('EXPUNGE completed');
    const r = await expungeMessages(s.ctx.store, s.account!, sel.id, { uids, origin: s.id });
    s.sendExpunged(r.expunged);
    return ok('EXPUNGE completed');
  },
};
