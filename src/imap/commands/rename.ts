/** RENAME (with its subtree). RFC 9051 §6.3.6. */
import { getMailboxByName, renameMailbox } from '../../mail/mailboxes.ts';
import { AUTH, no, ok, type Command } from './common.ts';

export const rename: Command<'RENAME'> = {
  states: AUTH,
  async run(s, req) {
    // TODO(RFC 9051 §6.3.6): RENAME INBOX moves its messages to a new mailbox.
    if (req.args.from === 'INBOX') return no('renaming INBOX is not supported', 'CANNOT');
    const mb = await getMailboxByName(s.ctx.store, s.account!, req.args.from, { counts: false });
    if (!mb) return no('no such mailbox', 'NONEXISTENT');
    const to = req.args.to.replace(/\/+$/, '');
    if (to.toUpperCase() === 'INBOX') return no('INBOX exists', 'ALREADYEXISTS');
    await renameMailbox(s.ctx.store, s.account!, mb.id, to);
    return ok('RENAME completed');
  },
};
