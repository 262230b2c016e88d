/** STATUS (and the STATUS data of LIST-STATUS). RFC 9051 §6.3.11, RFC 8438 (SIZE), RFC 7162 §3.1.6, RFC 7889, RFC 8474 §4.3 (MAILBOXID). */
import { getMailboxByName, type MailboxInfo } from '../../mail/mailboxes.ts';
import { search } from '../../mail/search.ts';
import type { StatusItem } from '../proto/types.ts';
import type { Session } from '../session.ts';
import { AUTH, no, ok, type Command } from './common.ts';

/** The values of the asked items for one mailbox. */
export async function statusValues(s: Session, mb: MailboxInfo, items: StatusItem[]): Promise<[StatusItem, number | string][]> {
  const out: [StatusItem, number | string][] = [];
  for (const it of items) {
    switch (it) {
      case 'MESSAGES': out.push([it, mb.totalEmails]); break;
      case 'UNSEEN': out.push([it, mb.unreadEmails]); break;
      case 'UIDNEXT': out.push([it, mb.uidNext]); break;
      case 'UIDVALIDITY': out.push([it, mb.uidValidity]); break;
      case 'RECENT': out.push([it, 0]); break;
      case 'SIZE': out.push([it, mb.size]); break;
      case 'HIGHESTMODSEQ': out.push([it, mb.highestModseq]); break;
      case 'APPENDLIMIT': out.push([it, s.opts.appendLimit]); break;
      // RFC 8474 §4.3: the JMAP id of the mailbox.
      case 'MAILBOXID': out.push([it, `(m${mb.id})`]); break;
      case 'DELETED': {
        const r = await search({ store: s.ctx.store }, { account: s.account!, mailbox: mb.id, filter: { type: 'flag', flag: '\\Deleted' } });
        out.push([it, r.uids.length]);
        break;
      }
    }
  }
  return out;
}

export const status: Command<'STATUS'> = {
  states: AUTH,
  async run(s, req) {
    const mb = await getMailboxByName(s.ctx.store, s.account!, req.args.mailbox, { size: req.args.items.includes('SIZE') });
    if (!mb) return no('no such mailbox', 'NONEXISTENT');
    s.send({ type: 'status', mailbox: mb.name, items: await statusValues(s, mb, req.args.items) });
    return ok('STATUS completed');
  },
};
