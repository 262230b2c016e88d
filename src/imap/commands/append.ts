/** APPEND through the one ingest entry point. RFC 9051 §6.3.12, RFC 4315 (APPENDUID), RFC 3502, RFC 7889. */
import { getMailboxByName } from '../../mail/mailboxes.ts';
import { ingest } from '../../mail/ingest.ts';
import { codes } from '../proto/format.ts';
import { AUTH, no, ok, type Command } from './common.ts';

export const append: Command<'APPEND'> = {
  states: AUTH,
  async run(s, req) {
    const { store, blobs } = s.ctx;
    const account = s.account!;
    const mb = await getMailboxByName(store, account, req.args.mailbox, { counts: false });
    // RFC 9051 §6.3.12: a missing target → NO [TRYCREATE].
    if (!mb) return no('no such mailbox', 'TRYCREATE');
    const uids: number[] = [];
    let uidValidity = mb.uidValidity;
    // TODO(RFC 3502 §6.3.11): MULTIAPPEND is atomic; messages are stored one by one here (not advertised).
    for (const m of req.args.messages) {
      if (m.data.length === 0) return no('empty message', 'CANNOT');
      // \Recent is server-managed (RFC 3501 §2.3.2); it is never stored.
      const keywords = m.flags.filter((f) => f.toLowerCase() !== '\\recent');
      const r = await ingest({ store, blobs }, { raw: m.data, targets: [{ account, mailbox: mb.id, keywords }], receivedAt: m.date ?? undefined });
      const d = r.delivered[0];
      if (!d) return no('quota exceeded', 'OVERQUOTA');
      uids.push(d.uid);
      uidValidity = d.uidValidity;
    }
    // The session hears its own append through the change feed (no origin given), so the
    // selected mailbox gets its EXISTS before the tagged OK.
    if (s.selected?.id === mb.id) s.markDirty();
    return ok('APPEND completed', codes.appendUid(uidValidity, uids));
  },
};
