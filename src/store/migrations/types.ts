/** Migration shape: `up` receives the connection and the dialect so DDL can differ where it must. */
import type { Kysely } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

export interface Migration {
  name: string;
  up(db: Kysely<any>, dialect: Dialect): Promise<void>;
}

/** Auto-increment primary key type for the dialect. */
export function idType(dialect: Dialect): 'integer' | 'bigserial' {
  return dialect === 'sqlite' ? 'integer' : 'bigserial';
}
