/** Process-wide cache of mailbox UID lists for SELECT, brought up to date from the change log
 *  (tombstones and placement modseqs) instead of re-reading 100 000 UIDs. RFC 9051 §2.3.1.1, RFC 7162. */
import type { Store } from '../store/store.ts';
import type { AccountId, MailboxId, Uid } from '../store/ids.ts';
import { listUids } from '../mail/messages.ts';
import { changedSince, vanishedSince } from '../mail/changes.ts';

interface Entry {
  /** The UID list is exact at least up to this modseq (later commits may already be in it). */
  modseq: number;
  uids: readonly Uid[];
}

// Limit: at most this many UIDs cached per process (8 bytes each: 16 MB), least recently used out.
const MAX_UIDS = 2_000_000;

const caches = new WeakMap<Store, Map<string, Entry>>();
let total = 0;

/**
 * The live UIDs of `mailbox`, ascending, as of at least `highestModseq` (read just before). Applying
 * the changes since the cached modseq is idempotent: a UID committed after the list was read is
 * already there (then not appended twice), an expunged one already absent (removal is a no-op).
 * Returns the cached array itself, shared by every session that selects the mailbox at that state:
 * callers must not modify it (Selected copies it on its first change).
 */
export async function selectUids(store: Store, account: AccountId, mailbox: MailboxId, highestModseq: number): Promise<readonly Uid[]> {
  let map = caches.get(store);
  if (!map) caches.set(store, (map = new Map()));
  const key = `${account}:${mailbox}`;
  const e = map.get(key);
  let uids: readonly Uid[];
  if (e && e.modseq >= highestModseq) uids = e.uids;
  else if (e) uids = (await applyChanges(store, account, mailbox, e)) ?? (await listUids(store, account, mailbox));
  else uids = await listUids(store, account, mailbox);
  if (e) {
    map.delete(key);
    total -= e.uids.length;
  }
  map.set(key, { modseq: Math.max(highestModseq, e?.modseq ?? 0), uids });
  total += uids.length;
  for (const [k, old] of map) {
    if (total <= MAX_UIDS) break;
    map.delete(k);
    total -= old.uids.length;
  }
  return uids;
}

/** The cached list moved forward (the same array when only flags changed), or null when
 *  tombstones that old were purged. */
async function applyChanges(store: Store, account: AccountId, mailbox: MailboxId, e: Entry): Promise<readonly Uid[] | null> {
  const v = await vanishedSince(store, account, mailbox, e.modseq);
  if (!v.complete) return null;
  const gone = new Set<number>(v.uids);
  const last = e.uids.length ? e.uids[e.uids.length - 1]! : 0;
  const fresh: Uid[] = [];
  for (const r of await changedSince(store, account, mailbox, e.modseq)) if (r.uid > last && !gone.has(r.uid)) fresh.push(r.uid);
  const dropped = gone.size > 0 && e.uids.some((u) => gone.has(u));
  if (!dropped && !fresh.length) return e.uids;
  const out = dropped ? e.uids.filter((u) => !gone.has(u)) : e.uids.slice();
  for (const u of fresh) out.push(u);
  return out;
}
