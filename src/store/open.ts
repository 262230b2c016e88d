/** Choose and open the backend (SQLite in the data dir, or PostgreSQL), migrate, wire the feed. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { sql } from 'kysely';
import { Migrator, OperationNodeTransformer, type ColumnDefinitionNode, type Kysely, type KyselyPlugin, type MigrationProvider, type PluginTransformQueryArgs, type RootOperationNode, type UnknownRow, type QueryResult, type PluginTransformResultArgs } from 'kysely';
import { Store } from './store.ts';
import { ChangeFeed, decodeChange, encodeChange } from './feed.ts';
import { openSqlite } from './sqlite/open.ts';
import { startCheckpointer } from './sqlite/checkpointer.ts';
import { openPostgres } from './postgres/open.ts';
import { migrations } from './migrations/index.ts';
import type { Dialect } from './migrations/types.ts';

export interface OpenStoreOptions {
  dataDir: string;
  databaseUrl?: string;
  /** Listen for changes made by other nodes (PostgreSQL only). */
  listen?: boolean;
}

/** PostgreSQL has no AUTO_INCREMENT: `bigserial` (idType) already provides it, so drop the flag. */
class NoAutoIncrement extends OperationNodeTransformer {
  protected override transformColumnDefinition(node: ColumnDefinitionNode): ColumnDefinitionNode {
    const n = super.transformColumnDefinition(node);
    return n.autoIncrement ? { ...n, autoIncrement: undefined } : n;
  }
}

const noAutoIncrementPlugin: KyselyPlugin = {
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return new NoAutoIncrement().transformNode(args.node);
  },
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  },
};

export async function migrate(db0: Kysely<any>, dialect: Dialect): Promise<void> {
  const db = dialect === 'postgres' ? db0.withPlugin(noAutoIncrementPlugin) : db0;
  const provider: MigrationProvider = {
    async getMigrations() {
      return Object.fromEntries(migrations.map((m) => [m.name, { up: (d: Kysely<any>) => m.up(d, dialect) }]));
    },
  };
  const migrator = new Migrator({ db, provider, migrationTableName: 'preau_migrations', migrationLockTableName: 'preau_migrations_lock' });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? error}`);
  }
}

export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  const feed = new ChangeFeed();
  if (opts.databaseUrl) {
    const { db, pool } = openPostgres(opts.databaseUrl);
    await migrate(db, 'postgres');
    let listener: pg.Client | null = null;
    const store = new Store(db, 'postgres', feed, async () => {
      await listener?.end().catch(() => {});
    });
    if (opts.listen !== false) {
      listener = new pg.Client({ connectionString: opts.databaseUrl });
      await listener.connect();
      await listener.query('LISTEN preau_changes');
      listener.on('notification', (n) => {
        if (!n.payload) return;
        const { node, change } = decodeChange(n.payload);
        if (node !== store.nodeId) feed.deliver(change);
      });
      listener.on('error', () => {});
      feed.attachRemote((c) => {
        pool.query('SELECT pg_notify($1, $2)', ['preau_changes', encodeChange(store.nodeId, c)]).catch(() => {});
      });
    }
    return store;
  }
  mkdirSync(opts.dataDir, { recursive: true });
  const path = join(opts.dataDir, 'preau.sqlite');
  const { db, raw, walSync } = openSqlite(path);
  await migrate(db, 'sqlite');
  // Fresh statistics for the query planner (JMAP getEmails picks a 1 000× worse index without them).
  await sql`PRAGMA optimize=0x10002`.execute(db);
  await walSync.sync();
  // Checkpoints run on a worker thread (src/store/sqlite/checkpointer.ts), not inside a commit on
  // the event loop; if that worker fails, SQLite's automatic checkpoints come back.
  raw.raw.exec('PRAGMA wal_autocheckpoint=0');
  const checkpointer = startCheckpointer(path, () => raw.raw.exec('PRAGMA wal_autocheckpoint=1000'));
  const store = new Store(db, 'sqlite', feed, async () => {
    await checkpointer.close();
    await walSync.close();
  });
  store.durable = async () => {
    await walSync.sync();
    checkpointer.nudge();
  };
  store.checkpoint = () => checkpointer.checkpoint();
  store.direct = raw;
  return store;
}
