/** Append-only audit log: each row chained to the previous one by SHA-256, so tampering shows. */
import { sql } from 'kysely';
import type { Store, WriteTx } from '../store/store.ts';
import { sha256Hex } from './crypto.ts';

export interface AuditEntry {
  actorId: number | null;
  accountId: number | null;
  action: string;
  ip?: string;
  /** Never a secret: ids, names, reasons. */
  details?: Record<string, unknown>;
}

const GENESIS = '0'.repeat(64);

function rowHash(prev: string, r: { at: number; actor_id: number | null; account_id: number | null; action: string; ip: string; details: string }): string {
  return sha256Hex(JSON.stringify([prev, r.at, r.actor_id, r.account_id, r.action, r.ip, r.details]));
}

/** Append inside the caller's transaction (so the entry commits with the change it records). */
export async function appendAudit(tx: WriteTx, entry: AuditEntry): Promise<void> {
  // The chain needs a total order: serialise appenders. SQLite writes are already serial.
  if (tx.dialect === 'postgres') await sql`SELECT pg_advisory_xact_lock(7061756469)`.execute(tx.db);
  const last = await tx.db.selectFrom('audit_log').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst();
  const prev = last?.hash ?? GENESIS;
  const row = {
    at: tx.now,
    actor_id: entry.actorId,
    account_id: entry.accountId,
    action: entry.action,
    ip: entry.ip ?? '',
    details: JSON.stringify(entry.details ?? {}),
  };
  await tx.db.insertInto('audit_log').values({ ...row, prev_hash: prev, hash: rowHash(prev, row) }).execute();
}

export async function audit(store: Store, entry: AuditEntry): Promise<void> {
  const ids = [entry.accountId, entry.actorId].filter((x): x is number => x !== null) as never[];
  await store.write(ids, (tx) => appendAudit(tx, entry));
}

/** Walk the whole chain; returns the first row whose link or hash does not match. */
export async function verifyAudit(store: Store): Promise<{ ok: true; count: number } | { ok: false; brokenAt: number; count: number }> {
  let prev = GENESIS;
  let count = 0;
  let after = 0;
  for (;;) {
    const rows = await store.db.selectFrom('audit_log').selectAll().where('id', '>', after).orderBy('id').limit(1000).execute();
    if (!rows.length) return { ok: true, count };
    for (const r of rows) {
      const norm = { at: Number(r.at), actor_id: r.actor_id === null ? null : Number(r.actor_id), account_id: r.account_id === null ? null : Number(r.account_id), action: r.action, ip: r.ip, details: r.details };
      if (r.prev_hash !== prev || rowHash(prev, norm) !== r.hash) return { ok: false, brokenAt: Number(r.id), count };
      prev = r.hash;
      count++;
      after = Number(r.id);
    }
  }
}

export async function listAudit(store: Store, opts: { limit?: number; before?: number } = {}) {
  let q = store.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(Math.min(opts.limit ?? 100, 1000));
  if (opts.before) q = q.where('id', '<', opts.before);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: Number(r.id),
    at: Number(r.at),
    actorId: r.actor_id === null ? null : Number(r.actor_id),
    accountId: r.account_id === null ? null : Number(r.account_id),
    action: r.action,
    ip: r.ip,
    details: JSON.parse(r.details) as Record<string, unknown>,
    hash: r.hash,
  }));
}
