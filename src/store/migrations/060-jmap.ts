/** JMAP-owned tables: identities, email submissions, vacation responses, uploads. RFC 8621 §6, §7, §8; RFC 8620 §6.1. */
import type { Kysely } from 'kysely';
import { idType, type Dialect, type Migration } from './types.ts';

export const m060Jmap: Migration = {
  name: '060-jmap',
  async up(db: Kysely<any>, dialect: Dialect) {
    const id = idType(dialect);
    const big = 'bigint' as const;
    const acct = (c: any) => c.notNull().references('accounts.id').onDelete('cascade');
    await db.schema
      .createTable('jmap_identities')
      .addColumn('id', id, (c) => c.primaryKey().autoIncrement())
      .addColumn('account_id', big, acct)
      .addColumn('name', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('reply_to', 'text')
      .addColumn('bcc', 'text')
      .addColumn('text_signature', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('html_signature', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('may_delete', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('updated_modseq', big, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('jmap_identities_account').on('jmap_identities').column('account_id').execute();
    await db.schema
      .createTable('jmap_submissions')
      .addColumn('id', id, (c) => c.primaryKey().autoIncrement())
      .addColumn('account_id', big, acct)
      .addColumn('identity_id', big, (c) => c.notNull())
      .addColumn('email_id', big, (c) => c.notNull())
      .addColumn('thread_id', big, (c) => c.notNull())
      .addColumn('envelope', 'text', (c) => c.notNull())
      .addColumn('send_at', big, (c) => c.notNull())
      .addColumn('undo_status', 'text', (c) => c.notNull())
      .addColumn('delivery_status', 'text')
      .addColumn('queue_ref', 'text')
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('updated_modseq', big, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('jmap_submissions_account').on('jmap_submissions').columns(['account_id', 'send_at']).execute();
    await db.schema
      .createTable('jmap_vacation')
      .addColumn('account_id', big, (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
      .addColumn('is_enabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('from_date', big)
      .addColumn('to_date', big)
      .addColumn('subject', 'text')
      .addColumn('text_body', 'text')
      .addColumn('html_body', 'text')
      .addColumn('updated_modseq', big, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('jmap_uploads')
      .addColumn('account_id', big, acct)
      .addColumn('blob_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('size', big, (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('expires_at', big, (c) => c.notNull())
      .addPrimaryKeyConstraint('jmap_uploads_pk', ['account_id', 'blob_id'])
      .execute();
    await db.schema.createIndex('jmap_uploads_expiry').on('jmap_uploads').column('expires_at').execute();
  },
};
