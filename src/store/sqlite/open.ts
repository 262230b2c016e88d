/** Kysely over node:sqlite: WAL, synchronous=FULL, foreign keys, a statement cache. */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { open, type FileHandle } from 'node:fs/promises';
import { Kysely, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';
import type { DB } from '../schema.ts';

class CachedStatement implements SqliteStatement {
  readonly reader: boolean;
  #stmt: StatementSync;
  constructor(stmt: StatementSync) {
    this.#stmt = stmt;
    this.reader = stmt.columns().length > 0;
  }
  all(parameters: ReadonlyArray<unknown>): unknown[] {
    return this.#stmt.all(...(parameters as any[]));
  }
  run(parameters: ReadonlyArray<unknown>) {
    return this.#stmt.run(...(parameters as any[]));
  }
  iterate(parameters: ReadonlyArray<unknown>): IterableIterator<unknown> {
    return this.#stmt.iterate(...(parameters as any[])) as IterableIterator<unknown>;
  }
}

/** Wraps DatabaseSync with a bounded prepared-statement cache (Kysely prepares on every query). */
export class NodeSqliteDatabase implements SqliteDatabase {
  readonly raw: DatabaseSync;
  #cache = new Map<string, CachedStatement>();
  constructor(path: string) {
    this.raw = new DatabaseSync(path);
    this.raw.exec('PRAGMA journal_mode=WAL');
    // Durability: commits write the WAL without fsync on the event loop; the Store then fsyncs the
    // WAL file asynchronously, once for every transaction of a group commit, before any success is
    // acknowledged (walSync below). That is synchronous=FULL's guarantee (WAL synced at commit)
    // without blocking every connection for the length of an fsync. Checkpoints still sync.
    this.raw.exec('PRAGMA synchronous=NORMAL');
    this.raw.exec('PRAGMA foreign_keys=ON');
    this.raw.exec('PRAGMA busy_timeout=5000');
    this.raw.exec('PRAGMA cache_size=-65536');
    this.raw.exec('PRAGMA temp_store=MEMORY');
  }
  prepare(sql: string): SqliteStatement {
    let s = this.#cache.get(sql);
    if (!s) {
      if (this.#cache.size > 2000) this.#cache.clear();
      s = new CachedStatement(this.raw.prepare(sql));
      this.#cache.set(sql, s);
    }
    return s;
  }
  close(): void {
    this.#cache.clear();
    this.raw.close();
  }
}

/** fsync the WAL file (shared by all transactions committed since the previous call). */
export function walSyncer(path: string): { sync: () => Promise<void>; close: () => Promise<void> } {
  let fh: FileHandle | null = null;
  return {
    sync: async () => {
      fh ??= await open(`${path}-wal`, 'r+');
      await fh.sync();
    },
    close: async () => {
      await fh?.close();
      fh = null;
    },
  };
}

export function openSqlite(path: string): { db: Kysely<DB>; raw: NodeSqliteDatabase; walSync: ReturnType<typeof walSyncer> } {
  const raw = new NodeSqliteDatabase(path);
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: raw }) });
  return { db, raw, walSync: walSyncer(path) };
}
