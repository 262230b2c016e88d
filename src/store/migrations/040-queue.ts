/** Outbound queue, per-recipient delivery state, DKIM keys and submission rate counters (RFC 5321 §4.5.4, RFC 6376). */
import type { Kysely } from 'kysely';
import { idType, type Dialect, type Migration } from './types.ts';

export const m040Queue: Migration = {
  name: '040-queue',
  async up(db: Kysely<any>, dialect: Dialect) {
    const id = idType(dialect);
    const big = 'bigint' as const;
    await db.schema
      .createTable('queue_messages')
      .addColumn('id', id, (c) => c.primaryKey().autoIncrement())
      .addColumn('account_id', big, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      // The queue holds its own reference on blobs.refcount until done_at is set.
      .addColumn('blob_id', 'text', (c) => c.notNull())
      .addColumn('size', big, (c) => c.notNull())
      .addColumn('mail_from', 'text', (c) => c.notNull())
      .addColumn('header_from', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('dsn_envid', 'text')
      .addColumn('dsn_ret', 'text')
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('send_at', big, (c) => c.notNull())
      .addColumn('save_sent', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('sent_saved', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('delay_warned', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('done_at', big)
      .execute();
    await db.schema.createIndex('queue_messages_account').on('queue_messages').columns(['account_id', 'created_at']).execute();
    await db.schema.createIndex('queue_messages_done').on('queue_messages').column('done_at').execute();
    await db.schema
      .createTable('queue_recipients')
      .addColumn('id', id, (c) => c.primaryKey().autoIncrement())
      .addColumn('queue_id', big, (c) => c.notNull().references('queue_messages.id').onDelete('cascade'))
      .addColumn('account_id', big, (c) => c.notNull())
      .addColumn('rcpt', 'text', (c) => c.notNull())
      .addColumn('domain', 'text', (c) => c.notNull())
      .addColumn('local', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', big, (c) => c.notNull())
      .addColumn('last_attempt_at', big)
      .addColumn('last_error', 'text')
      .addColumn('remote_mta', 'text')
      .addColumn('dsn_notify', 'text')
      .addColumn('dsn_orcpt', 'text')
      .addColumn('claimed_by', 'text')
      .addColumn('claimed_until', big, (c) => c.notNull().defaultTo(0))
      .addColumn('updated_at', big, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('queue_recipients_due').on('queue_recipients').columns(['state', 'next_attempt_at']).execute();
    await db.schema.createIndex('queue_recipients_queue').on('queue_recipients').column('queue_id').execute();
    await db.schema
      .createTable('dkim_keys')
      .addColumn('id', id, (c) => c.primaryKey().autoIncrement())
      .addColumn('domain_id', big, (c) => c.notNull().references('domains.id').onDelete('cascade'))
      .addColumn('selector', 'text', (c) => c.notNull())
      .addColumn('algorithm', 'text', (c) => c.notNull())
      .addColumn('private_key', 'text', (c) => c.notNull())
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('dkim_keys_domain_selector').on('dkim_keys').columns(['domain_id', 'selector']).unique().execute();
    await db.schema
      .createTable('submission_counters')
      .addColumn('account_id', big, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('hour', big, (c) => c.notNull())
      .addColumn('messages', big, (c) => c.notNull().defaultTo(0))
      .addColumn('recipients', big, (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('submission_counters_pk', ['account_id', 'hour'])
      .execute();
  },
};
