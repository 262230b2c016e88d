/** Changes since a state: JMAP /changes from the change log (RFC 8620 §5.2, RFC 8621 §2.2), IMAP QRESYNC helpers (RFC 7162 §3.2). */
import type { Store } from '../store/store.ts';
import type { AccountId, DataType, MailboxId, ModSeq, Uid } from '../store/ids.ts';
import { parseFlags } from './flags.ts';

export interface ChangesResult {
  /** True when the log no longer covers `sinceModseq` (pruned, or a state from the future): JMAP cannotCalculateChanges. */
  cannotCalculate: boolean;
  /** True when a single transaction changed more than `maxChanges` objects: no intermediate state exists. */
  tooManyChanges: boolean;
  created: number[];
  updated: number[];
  destroyed: number[];
  /** The state the client is at after applying these changes. */
  newState: ModSeq;
  hasMoreChanges: boolean;
  /**
   * Mailbox only: when every updated mailbox changed only its counts, the JMAP
   * `updatedProperties` (RFC 8621 §2.2); null when other properties may have changed.
   */
  updatedProperties: string[] | null;
}

const COUNT_PROPERTIES = ['totalEmails', 'unreadEmails', 'totalThreads', 'unreadThreads'];

/** Current per-account modseq (the JMAP state string of every type, IMAP HIGHESTMODSEQ upper bound). */
export async function currentModseq(store: Store, account: AccountId): Promise<ModSeq | null> {
  const r = await store.db.selectFrom('accounts').select('modseq').where('id', '=', account).executeTakeFirst();
  return r ? (Number(r.modseq) as ModSeq) : null;
}

async function kvNumber(store: Store, key: string): Promise<number> {
  const r = await store.db.selectFrom('kv').select('value').where('key', '=', key).executeTakeFirst();
  return Number(r?.value ?? 0);
}

// Limit: rows of the log read per page while collecting changes.
const PAGE = 5000;

/**
 * Objects of `type` created, updated and destroyed after `sinceModseq`, at most `maxChanges`
 * ids in all (RFC 8620 §5.2): an object created and destroyed in the range is omitted; created
 * then updated is only "created"; updated then destroyed is only "destroyed". Changes of one
 * transaction are never split, so `newState` is always a real state.
 */
export async function changesSince(store: Store, account: AccountId, type: DataType, sinceModseq: number, maxChanges = Number.MAX_SAFE_INTEGER): Promise<ChangesResult> {
  const current = await currentModseq(store, account);
  const empty = (s: number): ChangesResult => ({ cannotCalculate: false, tooManyChanges: false, created: [], updated: [], destroyed: [], newState: s as ModSeq, hasMoreChanges: false, updatedProperties: null });
  if (current === null || !Number.isSafeInteger(sinceModseq) || sinceModseq < 0 || sinceModseq > current) return { ...empty(current ?? 0), cannotCalculate: true };
  if (sinceModseq < (await kvNumber(store, `mail.changes.pruned.${account}`))) return { ...empty(current), cannotCalculate: true };
  const first = new Map<number, string>();
  const last = new Map<number, string>();
  let cursor = sinceModseq;
  let newState = current as number;
  let hasMore = false;
  let tooMany = false;
  outer: for (;;) {
    const rows = await store.db.selectFrom('changes').select(['modseq', 'object_id', 'op']).where('account_id', '=', account).where('type', '=', type).where('modseq', '>', cursor).orderBy('modseq').orderBy('id').limit(PAGE).execute();
    // A page may end inside a transaction: only whole modseq groups are consumed.
    const full = rows.length === PAGE;
    const lastModseq = rows.length ? Number(rows[rows.length - 1].modseq) : 0;
    let i = 0;
    while (i < rows.length) {
      const m = Number(rows[i].modseq);
      if (full && m === lastModseq) break;
      let j = i;
      const group: typeof rows = [];
      while (j < rows.length && Number(rows[j].modseq) === m) group.push(rows[j++]);
      const fresh = new Set(group.map((r) => Number(r.object_id)).filter((id) => !first.has(id)));
      if (first.size + fresh.size > maxChanges) {
        if (first.size === 0) tooMany = true;
        hasMore = true;
        newState = cursor;
        break outer;
      }
      for (const r of group) {
        const id = Number(r.object_id);
        if (!first.has(id)) first.set(id, r.op);
        last.set(id, r.op);
      }
      cursor = m;
      i = j;
    }
    if (!full) break;
    if (i === 0) {
      // One transaction larger than a page: read it whole.
      const group = await store.db.selectFrom('changes').select(['modseq', 'object_id', 'op']).where('account_id', '=', account).where('type', '=', type).where('modseq', '=', lastModseq).orderBy('id').execute();
      const ids = new Set(group.map((r) => Number(r.object_id)));
      if (ids.size + first.size > maxChanges) {
        tooMany = first.size === 0;
        hasMore = true;
        newState = cursor;
        break;
      }
      for (const r of group) {
        const id = Number(r.object_id);
        if (!first.has(id)) first.set(id, r.op);
        last.set(id, r.op);
      }
      cursor = lastModseq;
    }
  }
  if (tooMany) return { ...empty(sinceModseq), tooManyChanges: true, hasMoreChanges: true };
  const out = empty(hasMore ? newState : current);
  out.hasMoreChanges = hasMore;
  for (const [id, op] of first) {
    const end = last.get(id)!;
    if (end === 'destroyed') {
      // RFC 8620 §5.2: created and destroyed since the old state: SHOULD be omitted entirely.
      if (op !== 'created') out.destroyed.push(id);
    } else if (op === 'created') out.created.push(id);
    else out.updated.push(id);
  }
  if (type === 'Mailbox' && out.updated.length) out.updatedProperties = await countsOnly(store, account, out.updated, sinceModseq);
  return out;
}

/** RFC 8621 §2.2: updatedProperties lists the count properties when nothing else changed. */
async function countsOnly(store: Store, account: AccountId, ids: number[], since: number): Promise<string[] | null> {
  const rows = await store.db.selectFrom('mailboxes').select(['id', 'updated_modseq']).where('account_id', '=', account).where('id', 'in', ids).execute();
  if (rows.length !== ids.length) return null;
  return rows.every((r) => Number(r.updated_modseq) <= since) ? [...COUNT_PROPERTIES] : null;
}

/** Delete change-log rows older than `beforeModseq`; later /changes from before it answer cannotCalculate. */
export async function pruneChanges(store: Store, account: AccountId, beforeModseq: ModSeq): Promise<number> {
  const { result } = await store.write(account, async (tx) => {
    const r = await tx.db.deleteFrom('changes').where('account_id', '=', account).where('modseq', '<', beforeModseq).executeTakeFirst();
    const key = `mail.changes.pruned.${account}`;
    const prev = await tx.db.selectFrom('kv').select('value').where('key', '=', key).executeTakeFirst();
    // A state s is still computable when every change after s is kept: s >= beforeModseq - 1.
    const value = String(Math.max(Number(prev?.value ?? 0), beforeModseq - 1));
    await tx.db.insertInto('kv').values({ key, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
    return Number(r.numDeletedRows);
  });
  return result;
}

/**
 * UIDs expunged from `mailbox` after `sinceModseq` (QRESYNC VANISHED (EARLIER), RFC 7162
 * §3.2.5.1), ascending, optionally within `within`. `complete` is false when tombstones that old
 * were purged: the caller then reports every UID the client may know that is not live.
 */
export async function vanishedSince(store: Store, account: AccountId, mailbox: MailboxId, sinceModseq: number, within?: { start: number; end: number }[]): Promise<{ uids: Uid[]; complete: boolean }> {
  const rows = await store.db
    .selectFrom('mailbox_messages')
    .select('uid')
    .where('mailbox_id', '=', mailbox)
    .where('account_id', '=', account)
    .where('expunged_modseq', 'is not', null)
    .where('expunged_modseq', '>', sinceModseq)
    .orderBy('uid')
    .execute();
  let uids = rows.map((r) => Number(r.uid) as Uid);
  if (within) uids = uids.filter((u) => within.some((r) => u >= Math.min(r.start, r.end) && u <= Math.max(r.start, r.end)));
  const purged = await kvNumber(store, `mail.tombstones.purged.${account}`);
  return { uids, complete: sinceModseq + 1 >= purged };
}

/** Live placements of `mailbox` changed after `sinceModseq` (QRESYNC / FETCH CHANGEDSINCE, RFC 7162 §3.1.4.1), ascending by UID. */
export async function changedSince(store: Store, account: AccountId, mailbox: MailboxId, sinceModseq: number): Promise<{ uid: Uid; flags: string[]; modseq: ModSeq }[]> {
  const rows = await store.db
    .selectFrom('mailbox_messages')
    .select(['uid', 'flags', 'modseq'])
    .where('mailbox_id', '=', mailbox)
    .where('account_id', '=', account)
    .where('modseq', '>', sinceModseq)
    .where('expunged_modseq', 'is', null)
    .orderBy('uid')
    .execute();
  return rows.map((r) => ({ uid: Number(r.uid) as Uid, flags: parseFlags(r.flags), modseq: Number(r.modseq) as ModSeq }));
}
