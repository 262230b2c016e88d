/** CREATE, with USE (special-use). RFC 9051 §6.3.4, RFC 6154 §3, RFC 8474 §4.1 (MAILBOXID). */
import { createMailbox, roleOfUseAttr } from '../../mail/mailboxes.ts';
import { AUTH, no, ok, type Command } from './common.ts';

export const create: Command<'CREATE'> = {
  states: AUTH,
  async run(s, req) {
    // RFC 9051 §6.3.4: a trailing separator only says the name will have children.
    const name = req.args.mailbox.replace(/\/+$/, '');
    if (name.toUpperCase() === 'INBOX') return no('INBOX exists', 'ALREADYEXISTS');
    let role: string | null = null;
    if (req.args.specialUse.length > 1) return no('one special use per mailbox', 'USEATTR');
    if (req.args.specialUse.length === 1) {
      role = roleOfUseAttr(req.args.specialUse[0]!);
      // RFC 6154 §3: an unknown attribute → NO [USEATTR].
      if (!role) return no('unsupported special-use attribute', 'USEATTR');
    }
    const r = await createMailbox(s.ctx.store, s.account!, name, { role });
    // RFC 8474 §4.1: the new mailbox's object id.
    return ok('CREATE completed', `MAILBOXID (m${r.id})`);
  },
};
