/** EmailSubmission records (RFC 8621 §7) of an account: the jmap_submissions rows of migration 060, with change-log entries of type EmailSubmission. */
import type { Generated } from 'kysely';
import type { Store } from '../store/store.ts';
import type { AccountId, SessionId } from '../store/ids.ts';

export interface JmapSubmissionsTable {
  id: Generated<number>;
  account_id: number;
  identity_id: number;
  email_id: number;
  thread_id: number;
  /** JSON Envelope (RFC 8621 §7). */
  envelope: string;
  send_at: number;
  undo_status: string; // pending | final | canceled
  /** JSON map rcpt → DeliveryStatus, null until known. */
  delivery_status: string | null;
  /** Reference in the outbound queue (queue_messages.id), when known. */
  queue_ref: string | null;
  created_at: number;
  updated_modseq: number;
}

declare module '../store/schema.ts' {
  interface DB {
    jmap_submissions: JmapSubmissionsTable;
  }
}

export type SubmissionRow = Omit<JmapSubmissionsTable, 'id'> & { id: number };

/** The account's submission records (all, or those among `ids`), oldest first. */
export async function listSubmissionRows(store: Store, account: AccountId, ids?: number[]): Promise<SubmissionRow[]> {
  let q = store.db.selectFrom('jmap_submissions').selectAll().where('account_id', '=', account);
  if (ids) {
    if (!ids.length) return [];
    q = q.where('id', 'in', ids);
  }
  const rows = await q.orderBy('id').execute();
  return rows.map((r) => ({ ...r, id: Number(r.id), send_at: Number(r.send_at), email_id: Number(r.email_id), thread_id: Number(r.thread_id), identity_id: Number(r.identity_id) }));
}

export async function insertSubmission(store: Store, account: AccountId, r: Omit<SubmissionRow, 'id' | 'account_id' | 'updated_modseq'>, origin?: SessionId): Promise<number> {
  const { result } = await store.write(account, async (tx) => {
    const modseq = await tx.modseq(account);
    const row = await tx.db.insertInto('jmap_submissions').values({ ...r, account_id: account, updated_modseq: modseq }).returning('id').executeTakeFirstOrThrow();
    await tx.change(account, 'EmailSubmission', Number(row.id), 'created');
    return Number(row.id);
  }, { origin });
  return result;
}

export async function setUndoStatus(store: Store, account: AccountId, id: number, undoStatus: string, origin?: SessionId): Promise<void> {
  await store.write(account, async (tx) => {
    const modseq = await tx.modseq(account);
    await tx.db.updateTable('jmap_submissions').set({ undo_status: undoStatus, updated_modseq: modseq }).where('account_id', '=', account).where('id', '=', id).execute();
    await tx.change(account, 'EmailSubmission', id, 'updated');
  }, { origin });
}

export async function deleteSubmission(store: Store, account: AccountId, id: number, origin?: SessionId): Promise<boolean> {
  const { result } = await store.write(account, async (tx) => {
    const r = await tx.db.deleteFrom('jmap_submissions').where('account_id', '=', account).where('id', '=', id).executeTakeFirst();
    if (!Number(r.numDeletedRows)) return false;
    await tx.change(account, 'EmailSubmission', id, 'destroyed');
    return true;
  }, { origin });
  return result;
}
