/** RENAME (with its subtree; INBOX moves its messages). RFC 9051 §6.3.6. */
import { getMailboxByName, renameMailbox } from '../../mail/mailboxes.ts';
import { AUTH, no, ok, type Command } from './common.ts';

export const rename: Command<'RENAME'> = {
  states: AUTH,
  async run(s, req) {
    const mb = await getMailboxByName(s.ctx.store, s.account!, req.args.from, { counts: false });
    if (!mb) return no('no such mailbox', 'NONEXISTENT');
    const to = req.args.to.replace(/\/+$/, '');
    if (to.toUpperCase() === 'INBOX') return no('INBOX exists', 'ALREADYEXISTS');
    // RFC 9051 §6.3.6: renaming INBOX moves all its messages to a new mailbox of the given name
    // and leaves INBOX empty (its inferiors stay). The service does that in one transaction; no
    // origin is given, so a session with INBOX selected hears the expunges through the feed.
    await renameMailbox(s.ctx.store, s.account!, mb.id, to);
    if (s.selected?.id === mb.id) s.markDirty();
    return ok('RENAME completed');
  },
};
