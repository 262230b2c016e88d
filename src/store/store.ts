/** The Store: per-account write transactions with modseq + change log, group commit on SQLite,
 *  advisory locks on PostgreSQL, StateChange published after commit (ARCHITECTURE.md). */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from './schema.ts';
import type { AccountId, DataType, MailboxId, ModSeq, SessionId, StateChange } from './ids.ts';
import { ChangeFeed } from './feed.ts';
import type { Dialect } from './migrations/types.ts';
import { runCompiled, type DirectSqlite } from './compiled-query.ts';

export type Db = Kysely<DB> | Transaction<DB>;

/** Handle given to a write function: the transaction plus modseq allocation and change logging. */
export class WriteTx {
  readonly db: Transaction<DB>;
  readonly dialect: Dialect;
  readonly now: number;
  /** SQLite: the held connection, for runCompiled (see QueryTarget.direct). */
  readonly direct: DirectSqlite | null;
  #modseqs = new Map<AccountId, ModSeq>();
  #types = new Map<AccountId, Set<DataType>>();
  #mailboxes = new Map<AccountId, Set<MailboxId>>();
  #origin?: SessionId;

  constructor(db: Transaction<DB>, dialect: Dialect, now: number, origin?: SessionId, direct: DirectSqlite | null = null) {
    this.db = db;
    this.dialect = dialect;
    this.now = now;
    this.#origin = origin;
    this.direct = direct;
  }

  /** The modseq of this transaction for `account`, allocated on first use (one per transaction). */
  async modseq(account: AccountId): Promise<ModSeq> {
    let m = this.#modseqs.get(account);
    if (m !== undefined) return m;
    const [row] = await runCompiled(this, 'store.modseq', { id: account }, (v) =>
      this.db
        .updateTable('accounts')
        .set({ modseq: sql`modseq + 1` })
        .where('id', '=', v.id)
        .returning('modseq'),
    );
    if (!row) throw new StoreError('ACCOUNT_NOT_FOUND', `account ${account} not found`);
    m = Number(row.modseq) as ModSeq;
    this.#modseqs.set(account, m);
    return m;
  }

  /** Append one change-log row under this transaction's modseq and mark the type as changed. */
  async change(account: AccountId, type: DataType, objectId: number, op: 'created' | 'updated' | 'destroyed', mailboxId?: MailboxId): Promise<ModSeq> {
    const modseq = await this.modseq(account);
    await this.db.insertInto('changes').values({ account_id: account, modseq, type, object_id: objectId, op, mailbox_id: mailboxId ?? null }).execute();
    this.touch(account, type, mailboxId);
    return modseq;
  }

  /** Bulk form of `change` (fan-out): one INSERT per 500 rows. */
  async changes(rows: { account: AccountId; type: DataType; objectId: number; op: 'created' | 'updated' | 'destroyed'; mailboxId?: MailboxId }[]): Promise<void> {
    const values = [];
    for (const r of rows) {
      const modseq = await this.modseq(r.account);
      values.push({ account_id: r.account, modseq, type: r.type, object_id: r.objectId, op: r.op, mailbox_id: r.mailboxId ?? null });
      this.touch(r.account, r.type, r.mailboxId);
    }
    for (let i = 0; i < values.length; i += 500) {
      const part = values.slice(i, i + 500);
      const cols = { a: part.map((r) => r.account_id), m: part.map((r) => r.modseq), t: part.map((r) => r.type), o: part.map((r) => r.object_id), op: part.map((r) => r.op), mb: part.map((r) => r.mailbox_id) };
      await runCompiled(this, 'store.changes', cols, (v: typeof cols) =>
        this.db.insertInto('changes').values(v.a.map((a, j) => ({ account_id: a, modseq: v.m[j]!, type: v.t[j]!, object_id: v.o[j]!, op: v.op[j]!, mailbox_id: v.mb[j]! }))),
      );
    }
  }

  /** Mark a type (and mailbox) as changed without a change-log row. */
  touch(account: AccountId, type: DataType, mailboxId?: MailboxId): void {
    let t = this.#types.get(account);
    if (!t) this.#types.set(account, (t = new Set()));
    t.add(type);
    if (mailboxId !== undefined) {
      let b = this.#mailboxes.get(account);
      if (!b) this.#mailboxes.set(account, (b = new Set()));
      b.add(mailboxId);
    }
  }

  /** Pre-set a modseq (bulk allocation by the caller). */
  setModseq(account: AccountId, modseq: ModSeq): void {
    this.#modseqs.set(account, modseq);
  }

  stateChanges(): StateChange[] {
    const out: StateChange[] = [];
    for (const [account, modseq] of this.#modseqs) {
      out.push({ account, modseq, types: this.#types.get(account) ?? new Set(), mailboxes: this.#mailboxes.get(account), origin: this.#origin });
    }
    return out;
  }
}

export class StoreError extends Error {
  code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

interface Job {
  accounts: AccountId[];
  fn: (tx: WriteTx) => Promise<unknown>;
  origin?: SessionId;
  resolve: (v: { result: unknown; changes: StateChange[] }) => void;
  reject: (e: unknown) => void;
}

export interface WriteOptions {
  origin?: SessionId;
}

export class Store {
  readonly db: Kysely<DB>;
  readonly dialect: Dialect;
  readonly feed: ChangeFeed;
  readonly nodeId = randomUUID();
  clock: () => number = Date.now;
  /** SQLite: makes every commit so far durable (fsync of the WAL); awaited before acknowledging. */
  durable: (() => Promise<void>) | null = null;
  /** SQLite: the one connection, for statements inside write transactions (QueryTarget.direct). */
  direct: DirectSqlite | null = null;
  /** SQLite: run a WAL checkpoint now (normally done in the background shortly after commits). */
  checkpoint: (() => Promise<{ busy: number; log: number; checkpointed: number }>) | null = null;
  #queue: Job[] = [];
  #flushing = false;
  #closing: (() => Promise<void>) | null;

  constructor(db: Kysely<DB>, dialect: Dialect, feed = new ChangeFeed(), onClose: (() => Promise<void>) | null = null) {
    this.db = db;
    this.dialect = dialect;
    this.feed = feed;
    this.#closing = onClose;
  }

  /** Read-only access. Every query of user data must filter by account_id. */
  read<T>(fn: (db: Kysely<DB>) => Promise<T>): Promise<T> {
    return fn(this.db);
  }

  /**
   * One transaction for one or more accounts. The function must not wait for anything but the
   * database (write blobs first). Resolves after commit; StateChanges are published after commit.
   */
  write<T>(accounts: AccountId | AccountId[], fn: (tx: WriteTx) => Promise<T>, opts: WriteOptions = {}): Promise<{ result: T; changes: StateChange[] }> {
    const list = Array.isArray(accounts) ? accounts : [accounts];
    return new Promise((resolve, reject) => {
      const job: Job = { accounts: list, fn, origin: opts.origin, resolve: resolve as Job['resolve'], reject };
      if (this.dialect === 'postgres') {
        void this.#runPg(job);
      } else {
        this.#queue.push(job);
        if (!this.#flushing) {
          this.#flushing = true;
          setImmediate(() => void this.#flushSqlite());
        }
      }
    });
  }

  async #runPg(job: Job): Promise<void> {
    let tx!: WriteTx;
    try {
      const result = await this.db.transaction().execute(async (trx) => {
        // Writes for an account are serialised by an advisory lock (ARCHITECTURE.md "The store's shape").
        for (const a of [...new Set(job.accounts)].sort((x, y) => x - y)) await sql`SELECT pg_advisory_xact_lock(${a}::bigint)`.execute(trx);
        tx = new WriteTx(trx, this.dialect, this.clock(), job.origin);
        return job.fn(tx);
      });
      const changes = tx.stateChanges();
      job.resolve({ result, changes });
      for (const c of changes) this.feed.publish(c);
    } catch (e) {
      job.reject(e);
    }
  }

  /** Group commit: every job queued since the last flush shares one transaction and one fsync. */
  async #flushSqlite(): Promise<void> {
    while (this.#queue.length) {
      const jobs = this.#queue.splice(0, 512);
      const done: { job: Job; result: unknown; tx: WriteTx }[] = [];
      const failed: { job: Job; error: unknown }[] = [];
      try {
        const trx = await this.db.startTransaction().execute();
        try {
          const exec = async (q: string) => {
            if (this.direct) this.direct.prepare(q).run([]);
            else await sql.raw(q).execute(trx);
          };
          for (const job of jobs) {
            await exec('SAVEPOINT job');
            const tx = new WriteTx(trx, this.dialect, this.clock(), job.origin, this.direct);
            try {
              const result = await job.fn(tx);
              await exec('RELEASE SAVEPOINT job');
              done.push({ job, result, tx });
            } catch (error) {
              await exec('ROLLBACK TO SAVEPOINT job');
              await exec('RELEASE SAVEPOINT job');
              failed.push({ job, error });
            }
          }
          await trx.commit().execute();
        } catch (e) {
          await trx.rollback().execute().catch(() => {});
          throw e;
        }
        // Group commit: one fsync for every job of the batch, off the event loop; jobs that arrive
        // meanwhile form the next batch.
        if (done.length) await this.durable?.();
      } catch (e) {
        for (const j of jobs) j.reject(e);
        continue;
      }
      for (const f of failed) f.job.reject(f.error);
      for (const d of done) {
        const changes = d.tx.stateChanges();
        d.job.resolve({ result: d.result, changes });
        for (const c of changes) this.feed.publish(c);
      }
    }
    this.#flushing = false;
  }

  async close(): Promise<void> {
    await this.db.destroy();
    await this.#closing?.();
  }
}
