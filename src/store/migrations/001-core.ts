/** Core tables: domains, accounts, addresses, mailboxes, messages, placements, blobs, change log. */
import { sql, type Kysely } from 'kysely';
import { idType, type Dialect, type Migration } from './types.ts';

export const m001Core: Migration = {
  name: '001-core',
  async up(db: Kysely<any>, dialect: Dialect) {
    const id = idType(dialect);
    const big = 'bigint' as const;
    await db.schema.createTable('kv').addColumn('key', 'text', (c) => c.primaryKey()).addColumn('value', 'text', (c) => c.notNull()).execute();
    await db.schema
      .createTable('domains')
      .addColumn('id', id, (c) => c.primaryKey().autoIncrement())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('default_quota', big, (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('accounts')
      .addColumn('id', id, (c) => c.primaryKey().autoIncrement())
      .addColumn('domain_id', big, (c) => c.notNull().references('domains.id'))
      .addColumn('local_part', 'text', (c) => c.notNull())
      .addColumn('first_name', 'text', (c) => c.notNull())
      .addColumn('last_name', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('role', 'text', (c) => c.notNull().defaultTo('user'))
      .addColumn('password_hash', 'text')
      .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('password_changed_at', big)
      .addColumn('quota_bytes', big, (c) => c.notNull())
      .addColumn('used_bytes', big, (c) => c.notNull().defaultTo(0))
      .addColumn('modseq', big, (c) => c.notNull().defaultTo(1))
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
      .addColumn('created_at', big, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('accounts_domain_local').on('accounts').columns(['domain_id', 'local_part']).unique().execute();
    await db.schema
      .createTable('addresses')
      .addColumn('address', 'text', (c) => c.primaryKey())
      .addColumn('account_id', big, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('domain_id', big, (c) => c.notNull().references('domains.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('addresses_account').on('addresses').column('account_id').execute();
    await db.schema
      .createTable('mailboxes')
      .addColumn('id', id, (c) => c.primaryKey().autoIncrement())
      .addColumn('account_id', big, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('role', 'text')
      .addColumn('uid_validity', big, (c) => c.notNull())
      .addColumn('uid_next', big, (c) => c.notNull().defaultTo(1))
      .addColumn('highest_modseq', big, (c) => c.notNull().defaultTo(1))
      .addColumn('subscribed', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_modseq', big, (c) => c.notNull())
      .addColumn('updated_modseq', big, (c) => c.notNull())
      .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(100))
      .execute();
    await db.schema.createIndex('mailboxes_account_name').on('mailboxes').columns(['account_id', 'name']).unique().execute();
    await db.schema
      .createTable('threads')
      .addColumn('id', id, (c) => c.primaryKey().autoIncrement())
      .addColumn('account_id', big, (c) => c.notNull())
      .addColumn('base_subject', 'text', (c) => c.notNull())
      .addColumn('updated_at', big, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('threads_subject').on('threads').columns(['account_id', 'base_subject']).execute();
    await db.schema
      .createTable('thread_refs')
      .addColumn('account_id', big, (c) => c.notNull())
      .addColumn('message_id_header', 'text', (c) => c.notNull())
      .addColumn('thread_id', big, (c) => c.notNull())
      .addPrimaryKeyConstraint('thread_refs_pk', ['account_id', 'message_id_header'])
      .execute();
    await db.schema
      .createTable('blobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('size', big, (c) => c.notNull())
      .addColumn('refcount', big, (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('unreferenced_at', big)
      .execute();
    await db.schema.createIndex('blobs_unreferenced').on('blobs').column('unreferenced_at').execute();
    await db.schema
      .createTable('bodies')
      .addColumn('id', id, (c) => c.primaryKey().autoIncrement())
      .addColumn('blob_id', 'text', (c) => c.notNull().unique())
      .addColumn('size', big, (c) => c.notNull())
      .addColumn('sent_at', big)
      .addColumn('message_id', 'text')
      .addColumn('in_reply_to', 'text')
      .addColumn('references', 'text')
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('from_addr', 'text', (c) => c.notNull())
      .addColumn('sender', 'text', (c) => c.notNull())
      .addColumn('to_addr', 'text', (c) => c.notNull())
      .addColumn('cc_addr', 'text', (c) => c.notNull())
      .addColumn('bcc_addr', 'text', (c) => c.notNull())
      .addColumn('reply_to', 'text', (c) => c.notNull())
      .addColumn('preview', 'text', (c) => c.notNull())
      .addColumn('has_attachment', 'integer', (c) => c.notNull())
      .addColumn('structure', 'text', (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('messages')
      .addColumn('id', id, (c) => c.primaryKey().autoIncrement())
      .addColumn('account_id', big, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('body_id', big, (c) => c.notNull().references('bodies.id'))
      .addColumn('blob_id', 'text', (c) => c.notNull())
      .addColumn('thread_id', big, (c) => c.notNull())
      .addColumn('size', big, (c) => c.notNull())
      .addColumn('received_at', big, (c) => c.notNull())
      .addColumn('verdict', 'text')
      .addColumn('created_modseq', big, (c) => c.notNull())
      .addColumn('updated_modseq', big, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('messages_account_body').on('messages').columns(['account_id', 'body_id']).execute();
    await db.schema.createIndex('messages_account_received').on('messages').columns(['account_id', 'received_at']).execute();
    await db.schema.createIndex('messages_thread').on('messages').columns(['account_id', 'thread_id']).execute();
    await db.schema.createIndex('messages_blob').on('messages').column('blob_id').execute();
    await db.schema.createIndex('messages_body').on('messages').column('body_id').execute();
    await db.schema
      .createTable('mailbox_messages')
      .addColumn('account_id', big, (c) => c.notNull())
      .addColumn('mailbox_id', big, (c) => c.notNull().references('mailboxes.id').onDelete('cascade'))
      .addColumn('uid', big, (c) => c.notNull())
      .addColumn('message_id', big, (c) => c.notNull())
      .addColumn('flags', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('modseq', big, (c) => c.notNull())
      .addColumn('expunged_modseq', big)
      .addColumn('internal_date', big, (c) => c.notNull())
      .addPrimaryKeyConstraint('mailbox_messages_pk', ['mailbox_id', 'uid'])
      .execute();
    await db.schema.createIndex('mm_message').on('mailbox_messages').columns(['message_id']).execute();
    await db.schema.createIndex('mm_modseq').on('mailbox_messages').columns(['mailbox_id', 'modseq']).execute();
    await db.schema
      .createTable('changes')
      .addColumn('id', id, (c) => c.primaryKey().autoIncrement())
      .addColumn('account_id', big, (c) => c.notNull())
      .addColumn('modseq', big, (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('object_id', big, (c) => c.notNull())
      .addColumn('op', 'text', (c) => c.notNull())
      .addColumn('mailbox_id', big)
      .execute();
    await db.schema.createIndex('changes_account_type_modseq').on('changes').columns(['account_id', 'type', 'modseq']).execute();
    await db.schema
      .createTable('groups')
      .addColumn('id', id, (c) => c.primaryKey().autoIncrement())
      .addColumn('domain_id', big, (c) => c.notNull().references('domains.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('address', 'text')
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created_at', big, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('group_members')
      .addColumn('group_id', big, (c) => c.notNull().references('groups.id').onDelete('cascade'))
      .addColumn('account_id', big, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'account_id'])
      .execute();
    // Full-text index (ARCHITECTURE.md "Data model"): FTS5 on SQLite, tsvector on PostgreSQL,
    // one document per body (rowid = bodies.id): a bulletin to 50 000 staff is indexed once and a
    // search joins the account's messages on body_id. Text is diacritic-folded in JS for both.
    if (dialect === 'sqlite') {
      await sql`CREATE VIRTUAL TABLE message_fts USING fts5(subject, addrs, body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')`.execute(db);
    } else {
      await sql`CREATE TABLE message_fts (body_id bigint PRIMARY KEY, tsv tsvector NOT NULL)`.execute(db);
      await sql`CREATE INDEX message_fts_tsv ON message_fts USING gin (tsv)`.execute(db);
    }
  },
};
