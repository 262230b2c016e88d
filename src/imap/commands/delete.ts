/** DELETE. RFC 9051 §6.3.5. */
import { deleteMailbox as remove, getMailboxByName } from '../../mail/mailboxes.ts';
import { AUTH, no, ok, type Command } from './common.ts';

export const deleteMailbox: Command<'DELETE'> = {
  states: AUTH,
  async run(s, req) {
    if (req.args.mailbox === 'INBOX') return no('INBOX cannot be deleted', 'CANNOT');
    const mb = await getMailboxByName(s.ctx.store, s.account!, req.args.mailbox, { counts: false });
    if (!mb) return no('no such mailbox', 'NONEXISTENT');
    // RFC 9051 §6.3.5: the messages go with it; inferior names stay (they become \Noselect parents' children).
    await remove(s.ctx.store, s.account!, mb.id, { removeEmails: true, allowChildren: true });
    return ok('DELETE completed');
  },
};
