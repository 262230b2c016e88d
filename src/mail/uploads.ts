/** Uploaded blobs of an account (jmap_uploads of migration 060), with an expiry, counted against the quota; and which blobs an account may read. RFC 8620 §6.1, §6.2. */
import { sql } from 'kysely';
import type { Store } from '../store/store.ts';
import type { AccountId, BlobId } from '../store/ids.ts';
import type { MimePart } from '../mime/types.ts';

export interface JmapUploadsTable {
  account_id: number;
  blob_id: string;
  type: string;
  size: number;
  created_at: number;
  expires_at: number;
}

declare module '../store/schema.ts' {
  interface DB {
    jmap_uploads: JmapUploadsTable;
  }
}

/** Bytes of the account's unexpired uploads (they count against the quota until they expire). */
export async function pendingUploadBytes(store: Store, account: AccountId, now: number): Promise<number> {
  const r = await store.db.selectFrom('jmap_uploads').select(sql<number>`coalesce(sum(size), 0)`.as('n')).where('account_id', '=', account).where('expires_at', '>', now).executeTakeFirst();
  return Number(r?.n ?? 0);
}

/**
 * Make room for a new upload (RFC 8620 §6: "when an upload would take the user over quota, the
 * server MUST delete unreferenced blobs in date order, oldest first, until there is room"): the
 * account's pending uploads are dropped oldest first until `need` bytes are freed. An upload
 * already used in a message (a draft's attachment) is stored there; dropping it frees what it
 * counted twice. Returns the bytes freed.
 */
export async function dropOldestUploads(store: Store, account: AccountId, need: number, now: number): Promise<number> {
  const rows = await store.db.selectFrom('jmap_uploads').select(['blob_id', 'size']).where('account_id', '=', account).where('expires_at', '>', now).orderBy('created_at').orderBy('blob_id').execute();
  const drop: string[] = [];
  let freed = 0;
  for (const r of rows) {
    if (freed >= need) break;
    drop.push(r.blob_id);
    freed += Number(r.size);
  }
  if (!drop.length) return 0;
  // Expired now: no longer usable nor counted; the blob sweeper removes unreferenced files later.
  await store.write(account, async (tx) => {
    await tx.db.updateTable('jmap_uploads').set({ expires_at: now }).where('account_id', '=', account).where('blob_id', 'in', drop).execute();
  });
  return freed;
}

/** Record an upload (the blob file is already durable). The blob row is kept unreferenced so the sweeper can collect it after expiry. */
export async function recordUpload(store: Store, u: { account: AccountId; blobId: BlobId; type: string; size: number; now: number; ttlMs: number }): Promise<void> {
  await store.write(u.account, async (tx) => {
    await tx.db
      .insertInto('blobs')
      .values({ id: u.blobId, size: u.size, refcount: 0, created_at: u.now, unreferenced_at: u.now + u.ttlMs })
      .onConflict((oc) => oc.column('id').doUpdateSet({ unreferenced_at: sql`CASE WHEN blobs.refcount = 0 THEN CAST(${u.now + u.ttlMs} AS bigint) ELSE NULL END` }))
      .execute();
    await tx.db
      .insertInto('jmap_uploads')
      .values({ account_id: u.account, blob_id: u.blobId, type: u.type, size: u.size, created_at: u.now, expires_at: u.now + u.ttlMs })
      .onConflict((oc) => oc.columns(['account_id', 'blob_id']).doUpdateSet({ expires_at: u.now + u.ttlMs, type: u.type }))
      .execute();
  });
}

/** The account's unexpired upload of `blobId`, or null. */
export async function findUpload(store: Store, account: AccountId, blobId: string, now: number): Promise<{ type: string; size: number } | null> {
  const r = await store.db.selectFrom('jmap_uploads').select(['type', 'size']).where('account_id', '=', account).where('blob_id', '=', blobId).where('expires_at', '>', now).executeTakeFirst();
  return r ? { type: r.type, size: Number(r.size) } : null;
}

/** Drop expired upload rows of every account (the blob sweeper deletes the files). */
export async function purgeExpiredUploads(store: Store, now: number): Promise<number> {
  const r = await store.db.deleteFrom('jmap_uploads').where('expires_at', '<=', now).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Is this whole-message blob one of the account's emails? (download authorisation, RFC 8620 §6.2) */
export async function emailBlobOwned(store: Store, account: AccountId, blobId: string): Promise<boolean> {
  const r = await store.db.selectFrom('messages').select('id').where('account_id', '=', account).where('blob_id', '=', blobId).limit(1).executeTakeFirst();
  return !!r;
}

/** The stored MIME structure (root part with offsets) of one of the account's emails by its blob, or null when the account holds no such email. */
export async function emailStructureByBlob(store: Store, account: AccountId, blobId: string): Promise<MimePart | null> {
  const r = await store.db
    .selectFrom('messages as m')
    .innerJoin('bodies as b', 'b.id', 'm.body_id')
    .select('b.structure')
    .where('m.account_id', '=', account)
    .where('m.blob_id', '=', blobId)
    .limit(1)
    .executeTakeFirst();
  return r ? ((JSON.parse(r.structure) as { root: MimePart }).root) : null;
}
