/** Kysely over pg. int8 values are returned as JS numbers (ids, sizes, modseqs stay below 2^53). */
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { DB } from '../schema.ts';

pg.types.setTypeParser(20, (v: string) => Number(v));

export function openPostgres(url: string, max = 10): { db: Kysely<DB>; pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle client whose server connection ends (restart, failover, DROP DATABASE … FORCE) emits
  // 'error' on the pool; without a listener that would crash the process. The pool replaces it.
  pool.on('error', () => {});
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool };
}
