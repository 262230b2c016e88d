/** The header fields IMAP THREAD needs (Message-ID, In-Reply-To, References, Subject, Date), read for a set of UIDs. RFC 5256 §2.2, §3. */
import type { Store } from '../store/store.ts';
import type { AccountId, MailboxId, Uid } from '../store/ids.ts';
import { chunks } from './placements.ts';

export interface ThreadHeaders {
  uid: Uid;
  /** Message-ID without angle brackets, as parsed at delivery; null when absent. */
  messageId: string | null;
  /** Message-IDs of In-Reply-To, space-separated; null when absent. */
  inReplyTo: string | null;
  /** Message-IDs of References, space-separated; null when absent. */
  references: string | null;
  /** Decoded Subject ('' when absent). */
  subject: string;
  /** Date header in epoch ms; null when absent or unparsable. */
  sentAt: number | null;
  /** INTERNALDATE of the placement, epoch ms. */
  internalDate: number;
}

// Above this many UIDs one pass over the mailbox's placements (filtered in memory) costs less
// than repeated IN lists of CHUNK UIDs, each an index probe per UID.
const SCAN_THRESHOLD = 2_000;

/**
 * Threading headers of the live placements `uids` of `mailbox` (of `account`), in UID order. UIDs
 * that are expunged or absent are left out. Reads only the columns threading needs: a few hundred
 * bytes per message, so 100 000 messages are one scan of the mailbox joined to its bodies.
 */
export async function threadHeaders(store: Store, account: AccountId, mailbox: MailboxId, uids: readonly Uid[]): Promise<ThreadHeaders[]> {
  if (uids.length === 0) return [];
  const base = () =>
    store.db
      .selectFrom('mailbox_messages as mm')
      .innerJoin('messages as m', 'm.id', 'mm.message_id')
      .innerJoin('bodies as b', 'b.id', 'm.body_id')
      .select(['mm.uid', 'mm.internal_date', 'b.message_id', 'b.in_reply_to', 'b.references', 'b.subject', 'b.sent_at'])
      .where('mm.mailbox_id', '=', mailbox)
      .where('mm.account_id', '=', account)
      .where('mm.expunged_modseq', 'is', null);
  const rows: any[] = [];
  if (uids.length > SCAN_THRESHOLD) {
    const wanted = new Set<number>(uids);
    for (const r of await base().execute()) if (wanted.has(Number(r.uid))) rows.push(r);
  } else {
    for (const part of chunks([...new Set(uids)])) rows.push(...(await base().where('mm.uid', 'in', part).execute()));
  }
  return rows
    .map((r) => ({
      uid: Number(r.uid) as Uid,
      messageId: r.message_id ?? null,
      inReplyTo: r.in_reply_to ?? null,
      references: r.references ?? null,
      subject: r.subject ?? '',
      sentAt: r.sent_at === null || r.sent_at === undefined ? null : Number(r.sent_at),
      internalDate: Number(r.internal_date),
    }))
    .sort((a, b) => a.uid - b.uid);
}
