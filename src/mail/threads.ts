/** Threads: the emails of a thread (JMAP Thread/get, RFC 8621 §3) and the base subject shared with IMAP THREAD/SORT (RFC 5256 §2.1). */
import type { Store } from '../store/store.ts';
import type { AccountId, EmailId, ThreadId } from '../store/ids.ts';
import { chunks } from './placements.ts';

export { baseSubject } from '../mime/index.ts';

export interface ThreadRow {
  id: ThreadId;
  /** Oldest first (receivedAt, then id), RFC 8621 §3. */
  emailIds: EmailId[];
}

/** Threads of `account` among `ids`; a thread without emails (or of another account) is absent (notFound). */
export async function getThreads(store: Store, account: AccountId, ids: readonly ThreadId[]): Promise<ThreadRow[]> {
  const byThread = new Map<number, EmailId[]>();
  for (const part of chunks([...new Set(ids)])) {
    const rows = await store.db.selectFrom('messages').select(['id', 'thread_id']).where('account_id', '=', account).where('thread_id', 'in', part).orderBy('received_at').orderBy('id').execute();
    for (const r of rows) {
      const l = byThread.get(Number(r.thread_id)) ?? [];
      l.push(Number(r.id) as EmailId);
      byThread.set(Number(r.thread_id), l);
    }
  }
  return ids.filter((id, i) => byThread.has(id) && ids.indexOf(id) === i).map((id) => ({ id, emailIds: byThread.get(id)! }));
}
