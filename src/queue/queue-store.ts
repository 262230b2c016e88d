/** Durable outbound queue: enqueue, claim with a lease (SKIP LOCKED on PostgreSQL), results, admin. RFC 5321 §4.5.4.1. */
import { EventEmitter } from 'node:events';
import { sql } from 'kysely';
import type { Store, WriteTx } from '../store/store.ts';
import type { AccountId, BlobId } from '../store/ids.ts';
import type { QueueMessagesTable, QueueRecipientsTable, RecipientState } from './tables.ts';
import type { Selectable } from 'kysely';
import './tables.ts';

export type QueueMessageRow = Selectable<QueueMessagesTable>;
export type QueueRecipientRow = Selectable<QueueRecipientsTable>;

/** Wakes the in-process worker when something is queued (other nodes poll). */
export const queueSignal = new EventEmitter();

export interface EnqueueInput {
  account: AccountId;
  blobId: BlobId;
  size: number;
  mailFrom: string;
  headerFrom: string;
  sendAt: number;
  saveSent: boolean;
  dsn?: { envid?: string | null; ret?: string | null };
  recipients: { rcpt: string; domain: string; local: boolean; notify?: string | null; orcpt?: string | null }[];
}

/** Insert a message and its recipients and take a reference on the blob, inside `tx`. */
export async function enqueue(tx: WriteTx, input: EnqueueInput): Promise<number> {
  // The queue's own reference keeps the sweeper away from the blob (ARCHITECTURE.md "Durability").
  await tx.db
    .insertInto('blobs')
    .values({ id: input.blobId, size: input.size, refcount: 1, created_at: tx.now, unreferenced_at: null })
    .onConflict((oc) => oc.column('id').doUpdateSet({ refcount: sql`blobs.refcount + 1`, unreferenced_at: null }))
    .execute();
  const m = await tx.db
    .insertInto('queue_messages')
    .values({
      account_id: input.account,
      blob_id: input.blobId,
      size: input.size,
      mail_from: input.mailFrom,
      header_from: input.headerFrom,
      dsn_envid: input.dsn?.envid ?? null,
      dsn_ret: input.dsn?.ret ?? null,
      created_at: tx.now,
      send_at: input.sendAt,
      save_sent: input.saveSent ? 1 : 0,
      sent_saved: 0,
      delay_warned: 0,
      done_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const queueId = Number(m.id);
  const rows = input.recipients.map((r) => ({
    queue_id: queueId,
    account_id: input.account,
    rcpt: r.rcpt,
    domain: r.domain,
    local: r.local ? 1 : 0,
    state: 'queued' as const,
    attempts: 0,
    next_attempt_at: input.sendAt,
    last_attempt_at: null,
    last_error: null,
    remote_mta: null,
    dsn_notify: r.notify ?? null,
    dsn_orcpt: r.orcpt ?? null,
    claimed_by: null,
    claimed_until: 0,
    updated_at: tx.now,
  }));
  for (let i = 0; i < rows.length; i += 200) await tx.db.insertInto('queue_recipients').values(rows.slice(i, i + 200)).execute();
  return queueId;
}

const ACTIVE: RecipientState[] = ['queued', 'deferred', 'sending'];

/**
 * Claim up to `limit` due recipients for `worker` until `leaseUntil`. A row is due when its time
 * has come and no live lease holds it (a crashed worker's lease simply expires). PostgreSQL:
 * `FOR UPDATE SKIP LOCKED` so concurrent nodes never claim the same row; SQLite has one writer.
 */
export async function claimDue(store: Store, worker: string, now: number, leaseUntil: number, limit: number): Promise<QueueRecipientRow[]> {
  const pick = (db: typeof store.db) => {
    let q = db.selectFrom('queue_recipients').select('id').where('state', 'in', ACTIVE).where('next_attempt_at', '<=', now).where('claimed_until', '<', now).orderBy('next_attempt_at').limit(limit);
    if (store.dialect === 'postgres') q = q.forUpdate().skipLocked();
    return q;
  };
  const run = (db: typeof store.db) =>
    db
      .updateTable('queue_recipients')
      .set({ state: 'sending', claimed_by: worker, claimed_until: leaseUntil, updated_at: now })
      .where('id', 'in', pick(db))
      // Re-checked on the locked row: a row claimed meanwhile by another node is left alone.
      .where('claimed_until', '<', now)
      .where('state', 'in', ACTIVE)
      .returningAll()
      .execute();
  if (store.dialect === 'postgres') return store.db.transaction().execute((trx) => run(trx as unknown as typeof store.db));
  return run(store.db);
}

export interface RecipientResult {
  id: number;
  state: 'delivered' | 'deferred' | 'failed';
  error?: string | null;
  remoteMta?: string | null;
  nextAttemptAt?: number;
}

/** Record attempt results (only rows this worker still holds), then close finished messages. */
export async function recordResults(store: Store, account: AccountId, queueId: number, worker: string, results: RecipientResult[]): Promise<void> {
  await store.write(account, async (tx) => {
    for (const r of results) {
      await tx.db
        .updateTable('queue_recipients')
        .set({
          state: r.state,
          attempts: sql`attempts + 1`,
          last_attempt_at: tx.now,
          last_error: r.error ?? null,
          remote_mta: r.remoteMta ?? null,
          next_attempt_at: r.nextAttemptAt ?? tx.now,
          claimed_by: null,
          claimed_until: 0,
          updated_at: tx.now,
        })
        .where('id', '=', r.id)
        .where('account_id', '=', account)
        .where('claimed_by', '=', worker)
        .execute();
    }
    await closeIfDone(tx, account, queueId);
  });
}

/** When no recipient is left to try, mark the message done and release its blob reference. */
async function closeIfDone(tx: WriteTx, account: AccountId, queueId: number): Promise<void> {
  const left = await tx.db.selectFrom('queue_recipients').select('id').where('queue_id', '=', queueId).where('account_id', '=', account).where('state', 'in', ACTIVE).limit(1).executeTakeFirst();
  if (left) return;
  const m = await tx.db.updateTable('queue_messages').set({ done_at: tx.now }).where('id', '=', queueId).where('account_id', '=', account).where('done_at', 'is', null).returning('blob_id').executeTakeFirst();
  if (m) await releaseBlob(tx, m.blob_id);
}

async function releaseBlob(tx: WriteTx, blobId: string): Promise<void> {
  await tx.db.updateTable('blobs').set({ refcount: sql`refcount - 1` }).where('id', '=', blobId).execute();
  await tx.db.updateTable('blobs').set({ unreferenced_at: tx.now }).where('id', '=', blobId).where('refcount', '<=', 0).execute();
}

export async function getQueueMessage(store: Store, queueId: number, account?: AccountId): Promise<QueueMessageRow | null> {
  let q = store.db.selectFrom('queue_messages').selectAll().where('id', '=', queueId);
  if (account !== undefined) q = q.where('account_id', '=', account);
  return (await q.executeTakeFirst()) ?? null;
}

export async function recipientsOf(store: Store, queueId: number, account: AccountId): Promise<QueueRecipientRow[]> {
  return store.db.selectFrom('queue_recipients').selectAll().where('queue_id', '=', queueId).where('account_id', '=', account).orderBy('id').execute();
}

/** Set a flag column from 0 to 1 once; true for the caller that flipped it. */
export async function flipOnce(store: Store, account: AccountId, queueId: number, column: 'sent_saved' | 'delay_warned'): Promise<boolean> {
  const r = await store.db.updateTable('queue_messages').set({ [column]: 1 }).where('id', '=', queueId).where('account_id', '=', account).where(column, '=', 0).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Messages of the queue (admin: every account; pending ones unless `all`). */
export async function listQueue(store: Store, opts: { account?: AccountId; all?: boolean; limit?: number } = {}): Promise<{ message: QueueMessageRow; recipients: QueueRecipientRow[] }[]> {
  let q = store.db.selectFrom('queue_messages').selectAll().orderBy('id', 'desc').limit(opts.limit ?? 500);
  if (opts.account !== undefined) q = q.where('account_id', '=', opts.account);
  if (!opts.all) q = q.where('done_at', 'is', null);
  const msgs = await q.execute();
  if (!msgs.length) return [];
  const rcpts = await store.db.selectFrom('queue_recipients').selectAll().where('queue_id', 'in', msgs.map((m) => m.id)).orderBy('id').execute();
  return msgs.map((m) => ({ message: m, recipients: rcpts.filter((r) => Number(r.queue_id) === Number(m.id)) }));
}

/** Make every unfinished recipient of a message due now (admin "retry"). */
export async function retryNow(store: Store, queueId: number, now: number): Promise<number> {
  const r = await store.db.updateTable('queue_recipients').set({ next_attempt_at: now, updated_at: now }).where('queue_id', '=', queueId).where('state', 'in', ['queued', 'deferred']).executeTakeFirst();
  queueSignal.emit('queued');
  return Number(r.numUpdatedRows);
}

/**
 * Remove a message from the queue. `onlyUntouched`: only when no recipient was tried or claimed
 * yet (cancelling a scheduled send). Returns false when nothing was removed.
 */
export async function removeQueued(store: Store, queueId: number, opts: { account?: AccountId; onlyUntouched?: boolean } = {}): Promise<boolean> {
  const m = await getQueueMessage(store, queueId, opts.account);
  if (!m) return false;
  const account = Number(m.account_id) as AccountId;
  const { result } = await store.write(account, async (tx) => {
    if (opts.onlyUntouched) {
      const busy = await tx.db
        .selectFrom('queue_recipients')
        .select('id')
        .where('queue_id', '=', queueId)
        .where((eb) => eb.or([eb('state', '!=', 'queued'), eb('attempts', '>', 0), eb('claimed_until', '>=', tx.now)]))
        .limit(1)
        .executeTakeFirst();
      if (busy) return false;
    }
    const gone = await tx.db.deleteFrom('queue_messages').where('id', '=', queueId).where('account_id', '=', account).returning(['blob_id', 'done_at']).executeTakeFirst();
    if (!gone) return false;
    await tx.db.deleteFrom('queue_recipients').where('queue_id', '=', queueId).execute();
    if (gone.done_at === null) await releaseBlob(tx, gone.blob_id);
    return true;
  });
  return result;
}

/** Forget finished messages older than `before` (their blob reference is already released). */
export async function purgeDone(store: Store, before: number): Promise<void> {
  const old = await store.db.selectFrom('queue_messages').select('id').where('done_at', '<', before).limit(500).execute();
  if (!old.length) return;
  const ids = old.map((o) => o.id);
  await store.db.deleteFrom('queue_recipients').where('queue_id', 'in', ids).execute();
  await store.db.deleteFrom('queue_messages').where('id', 'in', ids).execute();
}
