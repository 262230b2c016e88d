/** Kysely over pg. int8 values are returned as JS numbers (ids, sizes, modseqs stay below 2^53). */
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { DB } from '../schema.ts';

pg.types.setTypeParser(20, (v: string) => Number(v));

export function openPostgres(url: string, max = 10): { db: Kysely<DB>; pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString: url, max });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool };
}
