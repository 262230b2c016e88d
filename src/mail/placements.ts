/** Transaction-level building blocks shared by the mail services: UIDs, placements, tombstones, settling emails. RFC 9051 §2.3.1.1, RFC 7162 §3.2. */
import { sql } from 'kysely';
import { runCompiled } from '../store/compiled-query.ts';
import type { WriteTx, Db } from '../store/store.ts';
import type { AccountId, EmailId, MailboxId, ModSeq, SessionId, ThreadId, Uid } from '../store/ids.ts';
import { MailError } from './errors.ts';
import { formatFlags, hasFlag, parseFlags, sameFlags, withDeletedOf } from './flags.ts';

/** Rows per statement: keeps every IN list and multi-row INSERT far below SQLite's and PostgreSQL's parameter limits. */
export const CHUNK = 500;

export function chunks<T>(list: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

export interface MailboxRow {
  id: MailboxId;
  name: string;
  role: string | null;
  uidValidity: number;
  uidNext: number;
  highestModseq: ModSeq;
  subscribed: boolean;
  createdModseq: ModSeq;
  updatedModseq: ModSeq;
  sortOrder: number;
}

export function toMailboxRow(r: any): MailboxRow {
  return {
    id: Number(r.id) as MailboxId,
    name: r.name,
    role: r.role ?? null,
    uidValidity: Number(r.uid_validity),
    uidNext: Number(r.uid_next),
    highestModseq: Number(r.highest_modseq) as ModSeq,
    subscribed: !!Number(r.subscribed),
    createdModseq: Number(r.created_modseq) as ModSeq,
    updatedModseq: Number(r.updated_modseq) as ModSeq,
    sortOrder: Number(r.sort_order),
  };
}

/** The mailbox `id` of `account`, or MAILBOX_NOT_FOUND (another account's id behaves as unknown). */
export async function loadMailbox(db: Db, account: AccountId, id: MailboxId): Promise<MailboxRow> {
  const r = await db.selectFrom('mailboxes').selectAll().where('id', '=', id).where('account_id', '=', account).executeTakeFirst();
  if (!r) throw new MailError('MAILBOX_NOT_FOUND', `mailbox ${id} not found`);
  return toMailboxRow(r);
}

/** Reserve `n` UIDs in a mailbox and raise its HIGHESTMODSEQ; returns the first UID (RFC 9051 §2.3.1.1: strictly ascending). */
export async function allocUids(tx: WriteTx, account: AccountId, mailbox: MailboxId, n: number, modseq: ModSeq): Promise<Uid> {
  const [r] = await runCompiled(tx, 'placements.allocUids', { n, modseq, mailbox, account }, (v) =>
    tx.db
      .updateTable('mailboxes')
      .set({ uid_next: sql`uid_next + ${v.n}`, highest_modseq: v.modseq })
      .where('id', '=', v.mailbox)
      .where('account_id', '=', v.account)
      .returning('uid_next'),
  );
  if (!r) throw new MailError('MAILBOX_NOT_FOUND', `mailbox ${mailbox} not found`);
  return (Number(r.uid_next) - n) as Uid;
}

/** Raise HIGHESTMODSEQ of mailboxes whose content changed and log "Mailbox updated" (counts changed, RFC 8621 §2.2). */
export async function touchMailboxes(tx: WriteTx, account: AccountId, mailboxes: Iterable<MailboxId>, modseq: ModSeq, logCounts: boolean): Promise<void> {
  const ids = [...new Set(mailboxes)];
  if (!ids.length) return;
  for (const part of chunks(ids)) {
    await runCompiled(tx, 'placements.touch', { modseq, account, ids: part }, (v) => tx.db.updateTable('mailboxes').set({ highest_modseq: v.modseq }).where('account_id', '=', v.account).where('id', 'in', v.ids));
  }
  if (logCounts) await tx.changes(ids.map((id) => ({ account, type: 'Mailbox' as const, objectId: id, op: 'updated' as const, mailboxId: id })));
  else for (const id of ids) tx.touch(account, 'Email', id);
}

export interface NewPlacement {
  mailbox: MailboxId;
  uid: Uid;
  messageId: EmailId;
  flags: string;
  internalDate: number;
}

export async function insertPlacements(tx: WriteTx, account: AccountId, rows: NewPlacement[], modseq: ModSeq): Promise<void> {
  for (const part of chunks(rows)) {
    const v0 = { account, modseq, mb: part.map((p) => p.mailbox), uid: part.map((p) => p.uid), msg: part.map((p) => p.messageId), flags: part.map((p) => p.flags), date: part.map((p) => p.internalDate) };
    await runCompiled(tx, 'placements.insert', v0, (v: typeof v0) =>
      tx.db
        .insertInto('mailbox_messages')
        .values(v.mb.map((mb, i) => ({ account_id: v.account, mailbox_id: mb, uid: v.uid[i]!, message_id: v.msg[i]!, flags: v.flags[i]!, modseq: v.modseq, expunged_modseq: null, internal_date: v.date[i]! }))),
    );
  }
}

/** Turn live placements into tombstones (RFC 7162 §3.2.10: kept for VANISHED). */
export async function tombstone(tx: WriteTx, account: AccountId, mailbox: MailboxId, uids: readonly Uid[], modseq: ModSeq): Promise<void> {
  for (const part of chunks(uids)) {
    await runCompiled(tx, 'placements.tombstone', { modseq, mailbox, account, uids: part }, (v) =>
      tx.db
        .updateTable('mailbox_messages')
        .set({ expunged_modseq: v.modseq, modseq: v.modseq })
        .where('mailbox_id', '=', v.mailbox)
        .where('account_id', '=', v.account)
        .where('uid', 'in', v.uids)
        .where('expunged_modseq', 'is', null),
    );
  }
}

export interface Settled {
  destroyed: EmailId[];
  updated: EmailId[];
  freedBytes: number;
}

/**
 * After placements of `messageIds` changed: an email with no live placement left is destroyed
 * (row deleted, quota usage and blob refcount decremented, blob marked unreferenced at 0, "Email
 * destroyed", its thread updated or destroyed); the others get "Email updated" (mailboxIds changed).
 */
export async function settleEmails(tx: WriteTx, account: AccountId, messageIds: Iterable<EmailId>): Promise<Settled> {
  const ids = [...new Set(messageIds)];
  const out: Settled = { destroyed: [], updated: [], freedBytes: 0 };
  if (!ids.length) return out;
  const live = new Set<number>();
  for (const part of chunks(ids)) {
    const rows = await runCompiled(tx, 'settle.live', { account, ids: part }, (v) =>
      tx.db.selectFrom('mailbox_messages').select('message_id').distinct().where('account_id', '=', v.account).where('message_id', 'in', v.ids).where('expunged_modseq', 'is', null),
    );
    for (const r of rows) live.add(Number(r.message_id));
  }
  const dead = ids.filter((id) => !live.has(id));
  out.updated = ids.filter((id) => live.has(id));
  const threads = new Set<ThreadId>();
  const blobs = new Map<string, number>();
  for (const part of chunks(dead)) {
    const rows = await runCompiled(tx, 'settle.dead', { account, ids: part }, (v) => tx.db.selectFrom('messages').select(['id', 'size', 'blob_id', 'thread_id']).where('account_id', '=', v.account).where('id', 'in', v.ids));
    for (const r of rows) {
      out.destroyed.push(Number(r.id) as EmailId);
      out.freedBytes += Number(r.size);
      threads.add(Number(r.thread_id) as ThreadId);
      blobs.set(r.blob_id, (blobs.get(r.blob_id) ?? 0) + 1);
    }
    await runCompiled(tx, 'settle.delete', { account, ids: part }, (v) => tx.db.deleteFrom('messages').where('account_id', '=', v.account).where('id', 'in', v.ids));
  }
  if (out.freedBytes) {
    await runCompiled(tx, 'settle.quota', { freed: out.freedBytes, account }, (v) => tx.db.updateTable('accounts').set({ used_bytes: sql`used_bytes - ${v.freed}` }).where('id', '=', v.account));
    tx.touch(account, 'Quota');
  }
  for (const [blob, n] of blobs) await releaseBlob(tx, blob, n);
  const rows: Parameters<WriteTx['changes']>[0] = [
    ...out.destroyed.map((id) => ({ account, type: 'Email' as const, objectId: id, op: 'destroyed' as const })),
    ...out.updated.map((id) => ({ account, type: 'Email' as const, objectId: id, op: 'updated' as const })),
  ];
  if (threads.size) rows.push(...(await threadChanges(tx, account, threads)));
  if (rows.length) await tx.changes(rows);
  return out;
}

/** Decrement a blob's reference count; at 0 it becomes unreferenced (the sweeper deletes it after a grace period). */
export async function releaseBlob(tx: WriteTx, blob: string, n: number): Promise<void> {
  await runCompiled(tx, 'blob.release', { n, n2: n, now: tx.now, blob }, (v) =>
    tx.db
      .updateTable('blobs')
      .set({
        refcount: sql`refcount - ${v.n}`,
        unreferenced_at: sql`CASE WHEN refcount - ${v.n2} <= 0 THEN ${v.now} ELSE unreferenced_at END`,
      })
      .where('id', '=', v.blob),
  );
}

async function threadChanges(tx: WriteTx, account: AccountId, threads: Set<ThreadId>) {
  const ids = [...threads];
  const alive = new Set<number>();
  for (const part of chunks(ids)) {
    const rows = await runCompiled(tx, 'settle.threads', { account, ids: part }, (v) => tx.db.selectFrom('messages').select('thread_id').distinct().where('account_id', '=', v.account).where('thread_id', 'in', v.ids));
    for (const r of rows) alive.add(Number(r.thread_id));
  }
  // RFC 8621 §3: a Thread exists while it has at least one Email.
  return ids.map((id) => ({ account, type: 'Thread' as const, objectId: id, op: alive.has(id) ? ('updated' as const) : ('destroyed' as const) }));
}

/** An inclusive UID range; a set is a list of them (IMAP sequence-set after `*` is resolved). */
export interface UidRange {
  start: number;
  end: number;
}

/** Sort, orient ("5:2" = "2:5", RFC 9051 §9 seq-range) and merge overlapping or adjacent ranges. */
export function normaliseRanges(ranges: readonly UidRange[]): UidRange[] {
  const list = ranges
    .map((r) => ({ start: Math.max(1, Math.min(r.start, r.end)), end: Math.max(r.start, r.end) }))
    .filter((r) => r.end >= 1)
    .sort((a, b) => a.start - b.start);
  const out: UidRange[] = [];
  for (const r of list) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end + 1) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}

/** Ranges as batches that fit one statement each: small ranges are expanded into IN lists, big ones kept as BETWEEN. */
export function rangeBatches(ranges: readonly UidRange[]): ({ in: number[] } | { between: UidRange })[] {
  const out: ({ in: number[] } | { between: UidRange })[] = [];
  let pending: number[] = [];
  const flush = () => {
    if (pending.length) out.push({ in: pending });
    pending = [];
  };
  for (const r of normaliseRanges(ranges)) {
    if (r.end - r.start < 64) {
      for (let u = r.start; u <= r.end; u++) {
        pending.push(u);
        if (pending.length >= CHUNK) flush();
      }
    } else {
      flush();
      out.push({ between: r });
    }
  }
  flush();
  return out;
}

/** Write new flag strings grouped by value: one UPDATE per distinct result (bulk STORE 1:* stays cheap). */
export async function writeFlags(tx: WriteTx, account: AccountId, mailbox: MailboxId, updates: { uid: Uid; flags: string }[], modseq: ModSeq): Promise<void> {
  const byValue = new Map<string, Uid[]>();
  for (const u of updates) {
    const l = byValue.get(u.flags);
    if (l) l.push(u.uid);
    else byValue.set(u.flags, [u.uid]);
  }
  for (const [flags, uids] of byValue) {
    for (const part of chunks(uids)) {
      await runCompiled(tx, 'placements.flags', { flags, modseq, mailbox, account, uids: part }, (v) =>
        tx.db.updateTable('mailbox_messages').set({ flags: v.flags, modseq: v.modseq }).where('mailbox_id', '=', v.mailbox).where('account_id', '=', v.account).where('uid', 'in', v.uids),
      );
    }
  }
}

/** Give the other live placements of these emails the new shared flags (keeping their own \Deleted). */
export async function mirrorKeywords(tx: WriteTx, account: AccountId, shared: Map<EmailId, string[]>, modseq: ModSeq, exceptMailbox: MailboxId | null) {
  const mailboxes = new Set<MailboxId>();
  let seenChanged = false;
  const byMailbox = new Map<MailboxId, { uid: Uid; flags: string }[]>();
  for (const part of chunks([...shared.keys()])) {
    let q = tx.db.selectFrom('mailbox_messages').select(['mailbox_id', 'uid', 'message_id', 'flags']).where('account_id', '=', account).where('message_id', 'in', part).where('expunged_modseq', 'is', null);
    if (exceptMailbox !== null) q = q.where('mailbox_id', '!=', exceptMailbox);
    for (const r of await q.execute()) {
      const cur = parseFlags(r.flags);
      const next = withDeletedOf(shared.get(Number(r.message_id) as EmailId)!, cur);
      if (sameFlags(cur, next)) continue;
      if (hasFlag(cur, '\\Seen') !== hasFlag(next, '\\Seen')) seenChanged = true;
      const mb = Number(r.mailbox_id) as MailboxId;
      mailboxes.add(mb);
      const l = byMailbox.get(mb) ?? [];
      l.push({ uid: Number(r.uid) as Uid, flags: formatFlags(next) });
      byMailbox.set(mb, l);
    }
  }
  for (const [mb, ups] of byMailbox) await writeFlags(tx, account, mb, ups, modseq);
  return { mailboxes, seenChanged };
}

export interface WriteOpts {
  /** Session making the change (not echoed back to it by the change feed). */
  origin?: SessionId;
}

/** Columns of `bodies`, as stored: address lists and `structure` are JSON strings the caller parses when needed. */
export interface BodyFields {
  bodyId: number;
  sentAt: number | null;
  messageId: string | null;
  inReplyTo: string | null;
  references: string | null;
  subject: string;
  from: string;
  sender: string;
  to: string;
  cc: string;
  bcc: string;
  replyTo: string;
  preview: string;
  hasAttachment: boolean;
  structure: string;
}

export function toBody(r: any): BodyFields {
  return {
    bodyId: Number(r.body_id),
    sentAt: r.sent_at === null ? null : Number(r.sent_at),
    messageId: r.b_message_id,
    inReplyTo: r.in_reply_to,
    references: r.references,
    subject: r.subject,
    from: r.from_addr,
    sender: r.sender,
    to: r.to_addr,
    cc: r.cc_addr,
    bcc: r.bcc_addr,
    replyTo: r.reply_to,
    preview: r.preview,
    hasAttachment: !!Number(r.has_attachment),
    structure: r.structure,
  };
}

export const BODY_COLUMNS = ['b.sent_at', 'b.message_id as b_message_id', 'b.in_reply_to', 'b.references', 'b.subject', 'b.from_addr', 'b.sender', 'b.to_addr', 'b.cc_addr', 'b.bcc_addr', 'b.reply_to', 'b.preview', 'b.has_attachment', 'b.structure'] as const;
