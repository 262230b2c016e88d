/** APPEND through the one ingest entry point. RFC 9051 §6.3.12, RFC 4315 (APPENDUID), RFC 3502, RFC 7889. */
import { getMailboxByName } from '../../mail/mailboxes.ts';
import { ingestAll, IngestError } from '../../mail/ingest.ts';
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
    // RFC 3502 §6.3.11: MULTIAPPEND is atomic: every message is stored or none is (one transaction,
    // after every blob is written); an empty message or a quota overrun refuses the whole command.
    if (req.args.messages.some((m) => m.data.length === 0)) return no('empty message', 'CANNOT');
    let results;
    try {
      results = await ingestAll(
        { store, blobs },
        req.args.messages.map((m) => ({
          raw: m.data,
          // \Recent is server-managed (RFC 3501 §2.3.2); it is never stored.
          targets: [{ account, mailbox: mb.id, keywords: m.flags.filter((f) => f.toLowerCase() !== '\\recent') }],
          receivedAt: m.date ?? undefined,
        })),
      );
    } catch (e) {
      if (e instanceof IngestError && e.code === 'OVERQUOTA') return no('quota exceeded', 'OVERQUOTA');
      throw e;
    }
    const uids = results.map((r) => r.delivered[0]!.uid);
    const uidValidity = results[0]?.delivered[0]?.uidValidity ?? mb.uidValidity;
    // The session hears its own append through the change feed (no origin given), so the
    // selected mailbox gets its EXISTS before the tagged OK.
    if (s.selected?.id === mb.id) s.markDirty();
    return ok('APPEND completed', codes.appendUid(uidValidity, uids));
  },
};
