/** The selected mailbox of a session: the sequence number ↔ UID map, the last reported modseq and
 *  the saved search result. RFC 9051 §2.3.1.2 (sequence numbers), RFC 5182 (SEARCHRES), RFC 7162. */
import type { MailboxId, ModSeq, Uid } from '../store/ids.ts';
import type { UidRange } from '../mail/messages.ts';
import { filterBySequenceSet, inSequenceSet } from './proto/sequence.ts';
import type { SequenceSet } from './proto/types.ts';

export class Selected {
  readonly id: MailboxId;
  readonly name: string;
  readonly readOnly: boolean;
  readonly uidValidity: number;
  /**
   * uids[n - 1] is the UID of message sequence number n (ascending). Read-only: at SELECT it is the
   * process-wide cached list (uid-cache.ts), shared by every session of the mailbox (800 KB for
   * 100 000 messages), and it is copied on the first change (append, remove).
   */
  uids: readonly Uid[];
  #owned = false;
  /** Highest modseq whose flag changes this session has been told about. */
  modseq: ModSeq;
  /** RFC 5182: the result of the last SEARCH RETURN (SAVE), as UIDs. */
  saved: Uid[] = [];
  /** Expunged UIDs not yet reported (RFC 9051 §7.5.1: held during FETCH, STORE and SEARCH). */
  held = new Set<number>();

  constructor(init: { id: MailboxId; name: string; readOnly: boolean; uidValidity: number; uids: readonly Uid[]; modseq: ModSeq }) {
    this.id = init.id;
    this.name = init.name;
    this.readOnly = init.readOnly;
    this.uidValidity = init.uidValidity;
    this.uids = init.uids;
    this.modseq = init.modseq;
  }

  /** Adds new messages at the end (copy-on-write of a shared list). */
  append(uids: readonly Uid[]): void {
    if (!uids.length) return;
    const own = this.#owned ? (this.uids as Uid[]) : this.uids.slice();
    for (const u of uids) own.push(u);
    this.uids = own;
    this.#owned = true;
  }

  get exists(): number {
    return this.uids.length;
  }

  /** Sequence number of a UID, 0 when not in the map (binary search). */
  seqOf(uid: number): number {
    let lo = 0;
    let hi = this.uids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.uids[mid]!;
      if (v === uid) return mid + 1;
      if (v < uid) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  /**
   * UIDs named by a set, ascending. Sequence numbers: "*" is the last message; UIDs: "*" is the
   * largest UID in use (RFC 9051 §9 seq-number). "$" is the saved result (RFC 5182 §2.1).
   */
  resolve(set: SequenceSet, uid: boolean): Uid[] {
    if (set === '$') {
      const live = new Set(this.uids);
      return this.saved.filter((u) => live.has(u));
    }
    if (uid) return filterBySequenceSet(set, this.uids) as Uid[];
    const out: Uid[] = [];
    const n = this.uids.length;
    for (let i = 1; i <= n; i++) if (inSequenceSet(set, i, n)) out.push(this.uids[i - 1]!);
    return out;
  }

  /** Drops expunged UIDs; returns their former sequence numbers, highest first (each stays valid
   *  when EXPUNGE responses are sent in that order, RFC 9051 §7.5.1). */
  remove(gone: readonly number[]): number[] {
    const drop = new Set(gone);
    for (const u of gone) this.held.delete(u);
    const seqs: number[] = [];
    const kept: Uid[] = [];
    this.uids.forEach((u, i) => {
      if (drop.has(u)) seqs.push(i + 1);
      else kept.push(u);
    });
    this.uids = kept;
    this.#owned = true;
    return seqs.reverse();
  }
}

/** Ascending UIDs → compact ranges for the mail services. */
export function toRanges(uids: readonly number[]): UidRange[] {
  const out: UidRange[] = [];
  for (const u of uids) {
    const last = out[out.length - 1];
    if (last && u === last.end + 1) last.end = u;
    else out.push({ start: u, end: u });
  }
  return out;
}
