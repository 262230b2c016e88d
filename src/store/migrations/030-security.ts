/** Protection tables: Bayesian token counts per domain and per user, trained-message log, allow/block lists. */
import type { Kysely } from 'kysely';
import { idType, type Dialect, type Migration } from './types.ts';

export const m030Security: Migration = {
  name: '030-security',
  async up(db: Kysely<any>, dialect: Dialect) {
    const big = 'bigint' as const;
    // scope: "d:<domain>" (shared by a domain, account_id 0) or "a:<account id>" (one user).
    await db.schema
      .createTable('bayes_tokens')
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('account_id', big, (c) => c.notNull())
      .addColumn('token', 'text', (c) => c.notNull())
      .addColumn('spam', big, (c) => c.notNull().defaultTo(0))
      .addColumn('ham', big, (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('bayes_tokens_pk', ['scope', 'token'])
      .execute();
    await db.schema.createIndex('bayes_tokens_account').on('bayes_tokens').column('account_id').execute();
    await db.schema
      .createTable('bayes_totals')
      .addColumn('scope', 'text', (c) => c.primaryKey())
      .addColumn('account_id', big, (c) => c.notNull())
      .addColumn('spam', big, (c) => c.notNull().defaultTo(0))
      .addColumn('ham', big, (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createTable('bayes_trained')
      .addColumn('account_id', big, (c) => c.notNull())
      .addColumn('msg_key', 'text', (c) => c.notNull())
      .addColumn('class', 'text', (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addPrimaryKeyConstraint('bayes_trained_pk', ['account_id', 'msg_key'])
      .execute();
    await db.schema
      .createTable('sender_lists')
      .addColumn('id', idType(dialect), (c) => c.primaryKey().autoIncrement())
      .addColumn('account_id', big, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('pattern', 'text', (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sender_lists_unique').on('sender_lists').columns(['account_id', 'kind', 'pattern']).unique().execute();
  },
};
