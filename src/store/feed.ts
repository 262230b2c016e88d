/** Change feed: thin StateChange signals after commit; in-process, plus LISTEN/NOTIFY between nodes. */
import type { AccountId, DataType, MailboxId, ModSeq, SessionId, StateChange } from './ids.ts';

export type ChangeListener = (change: StateChange) => void;

export class ChangeFeed {
  #listeners = new Set<ChangeListener>();
  #remote: ((c: StateChange) => void) | null = null;

  /** Subscribe; returns the unsubscribe function. Listeners must be cheap (coalesce, then re-read). */
  subscribe(fn: ChangeListener): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /** Publish locally and to other nodes (when a remote transport is attached). */
  publish(change: StateChange): void {
    this.deliver(change);
    this.#remote?.(change);
  }

  /** Deliver to local listeners only (used for signals that arrive from other nodes). */
  deliver(change: StateChange): void {
    for (const fn of this.#listeners) {
      try {
        fn(change);
      } catch {
        // A faulty listener must not stop the others.
      }
    }
  }

  attachRemote(send: (c: StateChange) => void): void {
    this.#remote = send;
  }

  /** Resolve with the next change for `account` that matches `pred` (tests await events, never sleep). */
  next(account: AccountId, pred: (c: StateChange) => boolean = () => true, timeoutMs = 10_000): Promise<StateChange> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error('timed out waiting for a change'));
      }, timeoutMs);
      const off = this.subscribe((c) => {
        if (c.account === account && pred(c)) {
          clearTimeout(timer);
          off();
          resolve(c);
        }
      });
    });
  }
}

/** Wire form for NOTIFY payloads (PostgreSQL limits them to 8000 bytes). */
export function encodeChange(node: string, c: StateChange): string {
  const mailboxes = c.mailboxes && c.mailboxes.size <= 200 ? [...c.mailboxes] : undefined;
  return JSON.stringify({ n: node, a: c.account, m: c.modseq, t: [...c.types], b: mailboxes, o: c.origin });
}

export function decodeChange(payload: string): { node: string; change: StateChange } {
  const p = JSON.parse(payload);
  return {
    node: p.n,
    change: {
      account: p.a as AccountId,
      modseq: p.m as ModSeq,
      types: new Set(p.t as DataType[]),
      mailboxes: p.b ? new Set(p.b as MailboxId[]) : undefined,
      origin: p.o as SessionId | undefined,
    },
  };
}
