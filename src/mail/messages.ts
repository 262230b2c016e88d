/** Messages in mailboxes: UIDs, metadata, STORE with UNCHANGEDSINCE, COPY/MOVE, EXPUNGE, JMAP mailboxIds/keywords/destroy. RFC 9051 §6.4, RFC 7162 §3.1.3, RFC 4315, RFC 6851, RFC 8621 §4. */
import { sql } from 'kysely';
import type { Store, WriteTx } from '../store/store.ts';
import type { AccountId, BlobId, EmailId, MailboxId, ModSeq, ThreadId, Uid } from '../store/ids.ts';
import { MailError } from './errors.ts';
import { applyFlagOp, formatFlags, hasFlag, parseFlags, sameFlags, withDeletedOf, type FlagOp } from './flags.ts';
import { allocUids, chunks, insertPlacements, loadMailbox, mirrorKeywords, rangeBatches, BODY_COLUMNS, toBody, type BodyFields, type WriteOpts, settleEmails, tombstone, touchMailboxes, writeFlags, type UidRange } from './placements.ts';

export type { UidRange } from './placements.ts';
export { destroyEmail, getEmails, setKeywords, setMailboxIds, type EmailRow } from './emails.ts';
export type { BodyFields, WriteOpts } from './placements.ts';

/** One live placement (IMAP message in the selected mailbox). */
export interface PlacementRow {
  uid: Uid;
  flags: string[];
  modseq: ModSeq;
  internalDate: number;
  size: number;
  emailId: EmailId;
  threadId: ThreadId;
  blobId: BlobId;
  body?: BodyFields;
}

/** UIDs of the live placements of a mailbox, ascending (IMAP SELECT builds its sequence map from it). */
export async function listUids(store: Store, account: AccountId, mailbox: MailboxId): Promise<Uid[]> {
  // One aggregated string instead of one row object per message: SELECT of a 100 000-message
  // mailbox stays a few milliseconds of JavaScript (ARCHITECTURE.md "Keeping the event loop free").
  // SQLite: no ORDER BY inside group_concat, which sorts in a temporary B-tree (38–110 ms for
  // 100 000 UIDs instead of 12–20); the covering index mm_status yields UID order, checked below.
  const agg = store.dialect === 'postgres' ? sql<string | null>`string_agg(uid::text, ',' ORDER BY uid)` : sql<string | null>`group_concat(uid, ',')`;
  const row = await store.db.selectFrom('mailbox_messages').select(agg.as('uids')).where('mailbox_id', '=', mailbox).where('account_id', '=', account).where('expunged_modseq', 'is', null).executeTakeFirst();
  const text = row?.uids;
  if (!text) return [];
  // Digits read in one pass (2–3 ms for 100 000 UIDs instead of 7–12 for split and Number).
  const out: Uid[] = [];
  let n = 0;
  let sorted = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 44) n = n * 10 + (c - 48);
    else {
      if (out.length && n <= out[out.length - 1]!) sorted = false;
      out.push(n as Uid);
      n = 0;
    }
  }
  if (out.length && n <= out[out.length - 1]!) sorted = false;
  out.push(n as Uid);
  return sorted ? out : out.sort((a, b) => a - b);
}

function ascending(xs: readonly number[]): boolean {
  for (let i = 1; i < xs.length; i++) if (xs[i]! <= xs[i - 1]!) return false;
  return true;
}

/** UID, modseq and stored flags (space-separated atoms, '' for none) of a chunk of placements. */
export interface FlagChunk {
  uids: Uid[];
  modseqs: ModSeq[];
  flags: string[];
}

/**
 * fetchFlags for IMAP's `UID FETCH 1:* (FLAGS)` answer, without one object per message: on SQLite
 * each chunk is one group_concat string ("uid modseq flags" lines) cut into three arrays (the
 * row objects and flag arrays cost 2–4× more for 100 000 messages). Ascending UIDs, like fetchFlags.
 */
export async function* fetchFlagChunks(store: Store, account: AccountId, mailbox: MailboxId, uids: readonly UidRange[] | 'all', opts: { changedSince?: ModSeq; chunkSize?: number } = {}): AsyncGenerator<FlagChunk> {
  if (store.dialect !== 'sqlite') {
    for await (const rows of fetchFlags(store, account, mailbox, uids, opts)) yield { uids: rows.map((r) => r.uid), modseqs: rows.map((r) => r.modseq), flags: rows.map((r) => r.flags.join(' ')) };
    return;
  }
  const size = Math.max(1, Math.min(opts.chunkSize ?? 5000, 20000));
  const batches = uids === 'all' ? [{ between: { start: 1, end: Number.MAX_SAFE_INTEGER } }] : rangeBatches(uids);
  for (const batch of batches) {
    let from = 'between' in batch ? batch.between.start : 0;
    for (;;) {
      const q = flagRows(store, account, mailbox, batch, from, size, opts.changedSince);
      const row = await store.db
        .selectFrom(q.as('x'))
        .select([sql<string | null>`group_concat("x"."uid" || ' ' || "x"."modseq" || ' ' || "x"."flags", char(10))`.as('t'), sql<number>`count(*)`.as('n')])
        .executeTakeFirst();
      const chunk = flagChunk(row?.t ?? null);
      if (chunk.uids.length) yield chunk;
      if ('in' in batch || Number(row?.n ?? 0) < size) break;
      from = chunk.uids[chunk.uids.length - 1]! + 1;
    }
  }
}

/** Live placements of one batch of `rangeBatches` (a list, or a range read `size` rows at a time from `from`), by UID. */
function flagRows(store: Store, account: AccountId, mailbox: MailboxId, batch: ReturnType<typeof rangeBatches>[number], from: number, size: number, changedSince: ModSeq | undefined) {
  let q = store.db.selectFrom('mailbox_messages').select(['uid', 'flags', 'modseq']).where('mailbox_id', '=', mailbox).where('account_id', '=', account).where('expunged_modseq', 'is', null).orderBy('uid');
  if (changedSince !== undefined) q = q.where('modseq', '>', changedSince);
  return 'in' in batch ? q.where('uid', 'in', batch.in) : q.where('uid', '>=', from).where('uid', '<=', batch.between.end).limit(size);
}

/** "uid modseq flags" lines → a FlagChunk, ascending by UID. */
function flagChunk(text: string | null): FlagChunk {
  const out: FlagChunk = { uids: [], modseqs: [], flags: [] };
  if (!text) return out;
  for (const line of text.split('\n')) {
    const a = line.indexOf(' ');
    const b = line.indexOf(' ', a + 1);
    const f = line.slice(b + 1);
    out.uids.push(Number(line.slice(0, a)) as Uid);
    out.modseqs.push(Number(line.slice(a + 1, b)) as ModSeq);
    // Stored flags are single-space separated; anything else is normalised as parseFlags does.
    out.flags.push(f === '' || (f[0] !== ' ' && f[f.length - 1] !== ' ' && !f.includes('  ')) ? f : parseFlags(f).join(' '));
  }
  if (ascending(out.uids)) return out;
  // The subquery's ORDER BY gives UID order in practice; SQL does not promise it to group_concat.
  const order = out.uids.map((_, i) => i).sort((i, j) => out.uids[i]! - out.uids[j]!);
  return { uids: order.map((i) => out.uids[i]!), modseqs: order.map((i) => out.modseqs[i]!), flags: order.map((i) => out.flags[i]!) };
}

/**
 * Metadata of the live placements whose UID is in `uids` (or every one: 'all'), ascending by UID,
 * yielded in chunks of at most `chunkSize` so a 100 000-message FETCH never holds all rows.
 * `body: true` adds the `bodies` columns; `changedSince` keeps placements with modseq > it
 * (FETCH CHANGEDSINCE, RFC 7162 §3.1.4.1).
 */
export async function* fetchPlacements(
  store: Store,
  account: AccountId,
  mailbox: MailboxId,
  uids: readonly UidRange[] | 'all',
  opts: { body?: boolean; changedSince?: ModSeq; chunkSize?: number } = {},
): AsyncGenerator<PlacementRow[]> {
  const size = Math.max(1, Math.min(opts.chunkSize ?? 500, 5000));
  const batches = uids === 'all' ? [{ between: { start: 1, end: Number.MAX_SAFE_INTEGER } }] : rangeBatches(uids);
  for (const batch of batches) {
    let from = 'between' in batch ? batch.between.start : 0;
    for (;;) {
      let q = store.db
        .selectFrom('mailbox_messages as mm')
        .innerJoin('messages as m', 'm.id', 'mm.message_id')
        .select(['mm.uid', 'mm.flags', 'mm.modseq', 'mm.internal_date', 'm.id', 'm.thread_id', 'm.size', 'm.blob_id', 'm.body_id'])
        .where('mm.mailbox_id', '=', mailbox)
        .where('mm.account_id', '=', account)
        .where('mm.expunged_modseq', 'is', null)
        .orderBy('mm.uid');
      if (opts.body) q = q.innerJoin('bodies as b', 'b.id', 'm.body_id').select([...BODY_COLUMNS]) as any;
      if (opts.changedSince !== undefined) q = q.where('mm.modseq', '>', opts.changedSince);
      if ('in' in batch) q = q.where('mm.uid', 'in', batch.in);
      else q = q.where('mm.uid', '>=', from).where('mm.uid', '<=', batch.between.end).limit(size);
      const rows = (await q.execute()) as any[];
      for (let i = 0; i < rows.length; i += size) {
        yield rows.slice(i, i + size).map((r) => ({
          uid: Number(r.uid) as Uid,
          flags: parseFlags(r.flags),
          modseq: Number(r.modseq) as ModSeq,
          internalDate: Number(r.internal_date),
          size: Number(r.size),
          emailId: Number(r.id) as EmailId,
          threadId: Number(r.thread_id) as ThreadId,
          blobId: r.blob_id as BlobId,
          body: opts.body ? toBody(r) : undefined,
        }));
      }
      if ('in' in batch || rows.length < size) break;
      from = Number(rows[rows.length - 1].uid) + 1;
    }
  }
}

/**
 * UID, flags and modseq of the live placements in `uids` (UID FETCH 1:* (FLAGS MODSEQ), QRESYNC),
 * ascending, in chunks; answered from the covering index alone, without the emails.
 */
export async function* fetchFlags(store: Store, account: AccountId, mailbox: MailboxId, uids: readonly UidRange[] | 'all', opts: { changedSince?: ModSeq; chunkSize?: number } = {}): AsyncGenerator<{ uid: Uid; flags: string[]; modseq: ModSeq }[]> {
  const size = Math.max(1, Math.min(opts.chunkSize ?? 5000, 20000));
  const batches = uids === 'all' ? [{ between: { start: 1, end: Number.MAX_SAFE_INTEGER } }] : rangeBatches(uids);
  for (const batch of batches) {
    let from = 'between' in batch ? batch.between.start : 0;
    for (;;) {
      const rows = await flagRows(store, account, mailbox, batch, from, size, opts.changedSince).execute();
      if (rows.length) yield rows.map((r) => ({ uid: Number(r.uid) as Uid, flags: parseFlags(r.flags), modseq: Number(r.modseq) as ModSeq }));
      if ('in' in batch || rows.length < size) break;
      from = Number(rows[rows.length - 1].uid) + 1;
    }
  }
}

interface LiveRow {
  uid: Uid;
  messageId: EmailId;
  flags: string[];
  modseq: ModSeq;
  internalDate: number;
}

/** Live placements of `mailbox` within `uids`, ascending (inside a transaction). */
async function livePlacements(tx: WriteTx, account: AccountId, mailbox: MailboxId, uids: readonly UidRange[] | 'all', extra?: (q: any) => any): Promise<LiveRow[]> {
  const out: LiveRow[] = [];
  const batches = uids === 'all' ? [{ between: { start: 1, end: Number.MAX_SAFE_INTEGER } }] : rangeBatches(uids);
  for (const b of batches) {
    let q = tx.db.selectFrom('mailbox_messages').select(['uid', 'message_id', 'flags', 'modseq', 'internal_date']).where('mailbox_id', '=', mailbox).where('account_id', '=', account).where('expunged_modseq', 'is', null);
    q = 'in' in b ? q.where('uid', 'in', b.in) : q.where('uid', '>=', b.between.start).where('uid', '<=', b.between.end);
    if (extra) q = extra(q);
    for (const r of await q.orderBy('uid').execute()) out.push({ uid: Number(r.uid) as Uid, messageId: Number(r.message_id) as EmailId, flags: parseFlags(r.flags), modseq: Number(r.modseq) as ModSeq, internalDate: Number(r.internal_date) });
  }
  return out;
}

export interface FlagResult {
  uid: Uid;
  flags: string[];
  modseq: ModSeq;
  /** False when the operation left the flags as they were (the modseq is then unchanged). */
  changed: boolean;
}

export interface StoreFlagsResult {
  /** Every placement that passed the UNCHANGEDSINCE test, with its flags after the operation. */
  results: FlagResult[];
  /** UIDs that failed the UNCHANGEDSINCE test (RFC 7162 §3.1.3 MODIFIED response code). */
  modified: Uid[];
  /** Modseq of the transaction, null when nothing changed. */
  modseq: ModSeq | null;
}

/**
 * STORE FLAGS / +FLAGS / -FLAGS on the placements `uids` of `mailbox` (RFC 9051 §6.4.6). With
 * `unchangedSince`, a placement whose modseq is greater is left alone and reported in `modified`
 * (RFC 7162 §3.1.3). Keywords are per email: every flag but \Deleted is mirrored to the email's
 * placements in other mailboxes, so JMAP `keywords` are well defined; \Deleted stays per placement.
 */
export async function setFlags(store: Store, account: AccountId, mailbox: MailboxId, uids: readonly UidRange[] | 'all', op: FlagOp, flags: readonly string[], opts: WriteOpts & { unchangedSince?: ModSeq } = {}): Promise<StoreFlagsResult> {
  const { result } = await store.write(account, async (tx) => {
    await loadMailbox(tx.db, account, mailbox);
    const rows = await livePlacements(tx, account, mailbox, uids);
    const out: StoreFlagsResult = { results: [], modified: [], modseq: null };
    const updates: { uid: Uid; flags: string }[] = [];
    const shared = new Map<EmailId, string[]>();
    let seenChanged = false;
    for (const r of rows) {
      // RFC 7162 §3.1.3: a metadata item with a greater mod-sequence fails the test (0 always fails).
      if (opts.unchangedSince !== undefined && r.modseq > opts.unchangedSince) {
        out.modified.push(r.uid);
        continue;
      }
      const next = applyFlagOp(r.flags, op, flags);
      if (sameFlags(next, r.flags)) {
        out.results.push({ uid: r.uid, flags: r.flags, modseq: r.modseq, changed: false });
        continue;
      }
      out.modseq ??= await tx.modseq(account);
      updates.push({ uid: r.uid, flags: formatFlags(next) });
      out.results.push({ uid: r.uid, flags: next, modseq: out.modseq, changed: true });
      if (hasFlag(next, '\\Seen') !== hasFlag(r.flags, '\\Seen')) seenChanged = true;
      if (!sameFlags(withDeletedOf(next, []), withDeletedOf(r.flags, []))) shared.set(r.messageId, withDeletedOf(next, []));
    }
    if (out.modseq === null) return out;
    await writeFlags(tx, account, mailbox, updates, out.modseq);
    const touched = new Set<MailboxId>([mailbox]);
    if (shared.size) {
      const other = await mirrorKeywords(tx, account, shared, out.modseq, mailbox);
      for (const m of other.mailboxes) touched.add(m);
      seenChanged ||= other.seenChanged;
      await tx.changes([...shared.keys()].map((id) => ({ account, type: 'Email' as const, objectId: id, op: 'updated' as const })));
    }
    await touchMailboxes(tx, account, touched, out.modseq, seenChanged);
    return out;
  }, { origin: opts.origin });
  return result;
}

/** STORE +FLAGS. */
export function addFlags(store: Store, account: AccountId, mailbox: MailboxId, uids: readonly UidRange[] | 'all', flags: readonly string[], opts: WriteOpts & { unchangedSince?: ModSeq } = {}) {
  return setFlags(store, account, mailbox, uids, 'add', flags, opts);
}

/** STORE -FLAGS. */
export function removeFlags(store: Store, account: AccountId, mailbox: MailboxId, uids: readonly UidRange[] | 'all', flags: readonly string[], opts: WriteOpts & { unchangedSince?: ModSeq } = {}) {
  return setFlags(store, account, mailbox, uids, 'remove', flags, opts);
}

export interface CopyResult {
  /** UIDVALIDITY of the destination (COPYUID, RFC 4315 §3). */
  uidValidity: number;
  /** Source UID → destination UID, ascending by source UID. */
  map: { src: Uid; dst: Uid }[];
  modseq: ModSeq | null;
}

/**
 * COPY (RFC 9051 §6.4.7): a new placement of the same email in `dest`, flags and internal date
 * kept; no quota is used since the email is stored once. An email already in `dest` (COPY into
 * the mailbox it is in) becomes a new email instead (counted against the quota, OVERQUOTA).
 */
export async function copyMessages(store: Store, account: AccountId, src: MailboxId, uids: readonly UidRange[] | 'all', dest: MailboxId, opts: WriteOpts = {}): Promise<CopyResult> {
  const { result } = await store.write(account, (tx) => transfer(tx, account, src, uids, dest, false), { origin: opts.origin });
  return result;
}

/**
 * MOVE (RFC 6851 §3.1): new placements in `dest` and tombstones in `src` in one transaction, so a
 * message is never in both or in neither. An email already in `dest` keeps one placement there (the new one).
 */
export async function moveMessages(store: Store, account: AccountId, src: MailboxId, uids: readonly UidRange[] | 'all', dest: MailboxId, opts: WriteOpts = {}): Promise<CopyResult> {
  const { result } = await store.write(account, (tx) => transfer(tx, account, src, uids, dest, true), { origin: opts.origin });
  return result;
}

async function transfer(tx: WriteTx, account: AccountId, src: MailboxId, uids: readonly UidRange[] | 'all', dest: MailboxId, move: boolean): Promise<CopyResult> {
  await loadMailbox(tx.db, account, src);
  const dst = await loadMailbox(tx.db, account, dest);
  const rows = await livePlacements(tx, account, src, uids);
  if (!rows.length) return { uidValidity: dst.uidValidity, map: [], modseq: null };
  const modseq = await tx.modseq(account);
  const inDest = new Map<EmailId, Uid>();
  for (const part of chunks(rows.map((r) => r.messageId))) {
    const q = await tx.db.selectFrom('mailbox_messages').select(['message_id', 'uid']).where('mailbox_id', '=', dest).where('account_id', '=', account).where('message_id', 'in', part).where('expunged_modseq', 'is', null).execute();
    for (const r of q) inDest.set(Number(r.message_id) as EmailId, Number(r.uid) as Uid);
  }
  if (move) {
    await tombstone(tx, account, src, rows.map((r) => r.uid), modseq);
    if (src !== dest) await tombstone(tx, account, dest, [...inDest.values()], modseq);
    inDest.clear();
  }
  const messageOf = new Map<Uid, EmailId>();
  const dups = rows.filter((r) => inDest.has(r.messageId) || (!move && src === dest));
  if (dups.length) {
    const ids = await duplicateEmails(tx, account, dups.map((r) => r.messageId), modseq);
    dups.forEach((r, i) => messageOf.set(r.uid, ids[i]));
  }
  const first = await allocUids(tx, account, dest, rows.length, modseq);
  const map = rows.map((r, i) => ({ src: r.uid, dst: (first + i) as Uid }));
  await insertPlacements(tx, account, rows.map((r, i) => ({ mailbox: dest, uid: map[i].dst, messageId: messageOf.get(r.uid) ?? r.messageId, flags: formatFlags(r.flags), internalDate: r.internalDate })), modseq);
  await touchMailboxes(tx, account, move ? [src, dest] : [dest], modseq, true);
  await settleEmails(tx, account, rows.filter((r) => !messageOf.has(r.uid)).map((r) => r.messageId));
  return { uidValidity: dst.uidValidity, map, modseq };
}

/** New `messages` rows with the same content (same blob and body): quota and blob refcount grow. */
async function duplicateEmails(tx: WriteTx, account: AccountId, ids: EmailId[], modseq: ModSeq): Promise<EmailId[]> {
  const src = new Map<number, any>();
  for (const part of chunks([...new Set(ids)])) for (const r of await tx.db.selectFrom('messages').selectAll().where('account_id', '=', account).where('id', 'in', part).execute()) src.set(Number(r.id), r);
  const total = ids.reduce((n, id) => n + Number(src.get(id).size), 0);
  const acc = await tx.db.updateTable('accounts').set({ used_bytes: sql`used_bytes + ${total}` }).where('id', '=', account).returning(['used_bytes', 'quota_bytes']).executeTakeFirstOrThrow();
  // RFC 9208 §4.3.1, §5.1: a COPY that would exceed the STORAGE limit fails with OVERQUOTA.
  if (total > 0 && Number(acc.used_bytes) > Number(acc.quota_bytes)) throw new MailError('OVERQUOTA', 'quota exceeded');
  tx.touch(account, 'Quota');
  const out: EmailId[] = [];
  for (const id of ids) {
    const r = src.get(id);
    const row = await tx.db
      .insertInto('messages')
      .values({ account_id: account, body_id: r.body_id, blob_id: r.blob_id, thread_id: r.thread_id, size: r.size, received_at: r.received_at, verdict: r.verdict, created_modseq: modseq, updated_modseq: modseq })
      .returning('id')
      .executeTakeFirstOrThrow();
    out.push(Number(row.id) as EmailId);
    await tx.db.updateTable('blobs').set({ refcount: sql`refcount + 1`, unreferenced_at: null }).where('id', '=', r.blob_id).execute();
    await tx.change(account, 'Email', Number(row.id), 'created');
    await tx.change(account, 'Thread', Number(r.thread_id), 'updated');
  }
  return out;
}

export interface ExpungeResult {
  /** Expunged UIDs, ascending. */
  expunged: Uid[];
  /** Emails destroyed because this was their last placement. */
  destroyed: EmailId[];
  modseq: ModSeq | null;
}

/**
 * EXPUNGE (RFC 9051 §6.4.3) or UID EXPUNGE (RFC 4315 §2.1, `uids` given): placements with
 * \Deleted become tombstones; an email left without placement is destroyed (quota released).
 * `onlyDeleted: false` expunges the given UIDs whatever their flags.
 */
export async function expunge(store: Store, account: AccountId, mailbox: MailboxId, opts: WriteOpts & { uids?: readonly UidRange[]; onlyDeleted?: boolean } = {}): Promise<ExpungeResult> {
  const { result } = await store.write(account, async (tx) => {
    await loadMailbox(tx.db, account, mailbox);
    const rows = (await livePlacements(tx, account, mailbox, opts.uids ?? 'all')).filter((r) => opts.onlyDeleted === false || hasFlag(r.flags, '\\Deleted'));
    if (!rows.length) return { expunged: [], destroyed: [], modseq: null };
    const modseq = await tx.modseq(account);
    await tombstone(tx, account, mailbox, rows.map((r) => r.uid), modseq);
    await touchMailboxes(tx, account, [mailbox], modseq, true);
    const settled = await settleEmails(tx, account, rows.map((r) => r.messageId));
    return { expunged: rows.map((r) => r.uid), destroyed: settled.destroyed, modseq };
  }, { origin: opts.origin });
  return result;
}

/**
 * Remove tombstones expunged before `beforeModseq` (after every session has been told). Later
 * QRESYNC requests from before that point get `complete: false` from vanishedSince().
 */
export async function purgeTombstones(store: Store, account: AccountId, beforeModseq: ModSeq): Promise<number> {
  const { result } = await store.write(account, async (tx) => {
    const mbs = await tx.db.selectFrom('mailboxes').select('id').where('account_id', '=', account).execute();
    let n = 0;
    for (const part of chunks(mbs.map((m) => Number(m.id)))) {
      const r = await tx.db.deleteFrom('mailbox_messages').where('account_id', '=', account).where('mailbox_id', 'in', part).where('expunged_modseq', 'is not', null).where('expunged_modseq', '<', beforeModseq).executeTakeFirst();
      n += Number(r.numDeletedRows);
    }
    const key = `mail.tombstones.purged.${account}`;
    const prev = await tx.db.selectFrom('kv').select('value').where('key', '=', key).executeTakeFirst();
    const value = String(Math.max(Number(prev?.value ?? 0), beforeModseq));
    await tx.db.insertInto('kv').values({ key, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
    return n;
  });
  return result;
}
