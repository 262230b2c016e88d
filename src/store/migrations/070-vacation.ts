/** Vacation replies already sent: one row per account and sender, for the 7-day rule. RFC 3834 §2, RFC 5230 §4.2. */
import type { Kysely } from 'kysely';
import type { Dialect, Migration } from './types.ts';

export const m070Vacation: Migration = {
  name: '070-vacation',
  async up(db: Kysely<any>, _dialect: Dialect) {
    await db.schema
      .createTable('vacation_replies')
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('address', 'text', (c) => c.notNull())
      .addColumn('response_hash', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('vacation_replies_pk', ['account_id', 'address'])
      .execute();
  },
};
