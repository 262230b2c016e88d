/** Blob sweeper: deletes unreferenced blobs after a grace period, with their bodies and full-text rows, and orphan blob files. */
import { sql } from 'kysely';
import type { Store, WriteTx } from '../store/store.ts';
import type { BlobStore } from '../blobs/blob-store.ts';
import type { BlobId } from '../store/ids.ts';
import { chunks } from './placements.ts';

export interface SweepResult {
  /** Blobs whose refcount was 0 for longer than the grace period: rows and files deleted. */
  blobs: number;
  /** `bodies` rows (and their message_fts documents) deleted with them. */
  bodies: number;
  /** Files older than the grace period with no `blobs` row (a crash between blob write and commit). */
  orphans: number;
}

// Limit: blobs handled per transaction, so the single SQLite writer is never held long.
const BATCH = 200;

/**
 * Delete blobs unreferenced for longer than `graceMs` (refcount 0, `unreferenced_at` older),
 * their body rows and full-text documents, then their files (after commit: a file is never
 * deleted while a committed row may still point at it), and orphan files older than `graceMs`.
 * A blob referenced again meanwhile (refcount > 0 or a messages row) is kept.
 */
export async function sweepBlobs(deps: { store: Store; blobs: BlobStore }, graceMs: number): Promise<SweepResult> {
  const { store, blobs } = deps;
  const out: SweepResult = { blobs: 0, bodies: 0, orphans: 0 };
  const cutoff = store.clock() - graceMs;
  for (;;) {
    const cand = await store.db.selectFrom('blobs').select('id').where('refcount', '<=', 0).where('unreferenced_at', 'is not', null).where('unreferenced_at', '<', cutoff).orderBy('unreferenced_at').limit(BATCH).execute();
    if (!cand.length) break;
    const { result } = await store.write([], async (tx) => {
      const ids = cand.map((c) => c.id);
      const still = await tx.db
        .selectFrom('blobs')
        .select('id')
        .where('id', 'in', ids)
        .where('refcount', '<=', 0)
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('messages').select('messages.id').whereRef('messages.blob_id', '=', 'blobs.id'))))
        .execute();
      const gone = still.map((r) => r.id);
      if (!gone.length) return { gone, bodies: 0, skipped: ids.length };
      const bodyCount = await deleteBodies(tx, gone);
      await tx.db.deleteFrom('blobs').where('id', 'in', gone).execute();
      return { gone, bodies: bodyCount, skipped: ids.length - gone.length };
    });
    for (const id of result.gone) await blobs.delete(id as BlobId, { olderThanMs: graceMs });
    out.blobs += result.gone.length;
    out.bodies += result.bodies;
    // Rows kept (referenced again) would be selected forever: stop when a batch made no progress.
    if (!result.gone.length) break;
  }
  out.orphans = await sweepOrphans(store, blobs, graceMs);
  return out;
}

async function sweepOrphans(store: Store, blobs: BlobStore, graceMs: number): Promise<number> {
  let n = 0;
  let batch: BlobId[] = [];
  const flush = async () => {
    if (!batch.length) return;
    const ids = batch;
    batch = [];
    // Delete the body rows of blobs without a `blobs` row and without any email (a delivery that
    // committed its body but stored no message, or a crash), then the files.
    const { result: orphans } = await store.write([], async (tx) => {
      const known = new Set((await tx.db.selectFrom('blobs').select('id').where('id', 'in', ids).execute()).map((r) => r.id));
      const used = new Set((await tx.db.selectFrom('messages').select('blob_id').where('blob_id', 'in', ids).execute()).map((r) => r.blob_id));
      const orphans = ids.filter((id) => !known.has(id) && !used.has(id));
      if (orphans.length) await deleteBodies(tx, orphans);
      return orphans;
    });
    for (const id of orphans) await blobs.delete(id, { olderThanMs: graceMs });
    n += orphans.length;
  };
  for await (const id of blobs.list(graceMs)) {
    batch.push(id);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  return n;
}

/** Delete the bodies of these blobs and their full-text documents; returns how many. */
async function deleteBodies(tx: WriteTx, blobIds: string[]): Promise<number> {
  const bodies = await tx.db.selectFrom('bodies').select('id').where('blob_id', 'in', blobIds).execute();
  const bodyIds = bodies.map((b) => Number(b.id));
  for (const part of chunks(bodyIds)) {
    if (tx.dialect === 'sqlite') await sql`DELETE FROM message_fts WHERE rowid IN (${sql.join(part)})`.execute(tx.db);
    else await sql`DELETE FROM message_fts WHERE body_id IN (${sql.join(part)})`.execute(tx.db);
    await tx.db.deleteFrom('bodies').where('id', 'in', part).execute();
  }
  return bodyIds.length;
}
