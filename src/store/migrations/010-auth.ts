/** Sign-in and account security tables: sessions, second factors, app passwords, history, reset tokens, audit log. */
import type { Kysely } from 'kysely';
import { idType, type Dialect, type Migration } from './types.ts';

export const m010Auth: Migration = {
  name: '010-auth',
  async up(db: Kysely<any>, dialect: Dialect) {
    const id = idType(dialect);
    const big = 'bigint' as const;
    const acct = (c: any) => c.notNull().references('accounts.id').onDelete('cascade');
    await db.schema
      .createTable('auth_sessions')
      .addColumn('id', id, (c) => c.primaryKey().autoIncrement())
      .addColumn('account_id', big, acct)
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('stage', 'text', (c) => c.notNull())
      .addColumn('shared', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('last_seen_at', big, (c) => c.notNull())
      .addColumn('idle_ms', big, (c) => c.notNull())
      .addColumn('expires_at', big, (c) => c.notNull())
      .addColumn('ip', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('user_agent', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('challenge', 'text')
      .execute();
    await db.schema.createIndex('auth_sessions_account').on('auth_sessions').column('account_id').execute();
    await db.schema
      .createTable('auth_profile')
      .addColumn('account_id', big, (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
      .addColumn('recovery_email', 'text')
      .addColumn('password_weak', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('updated_at', big, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('auth_totp')
      .addColumn('account_id', big, (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('confirmed', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_time_step', big, (c) => c.notNull().defaultTo(-1))
      .addColumn('created_at', big, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('auth_recovery_codes')
      .addColumn('id', id, (c) => c.primaryKey().autoIncrement())
      .addColumn('account_id', big, acct)
      .addColumn('code_hash', 'text', (c) => c.notNull())
      .addColumn('used_at', big)
      .addColumn('created_at', big, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('auth_recovery_account').on('auth_recovery_codes').column('account_id').execute();
    await db.schema
      .createTable('auth_passkeys')
      .addColumn('id', id, (c) => c.primaryKey().autoIncrement())
      .addColumn('account_id', big, acct)
      .addColumn('credential_id', 'text', (c) => c.notNull().unique())
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('counter', big, (c) => c.notNull().defaultTo(0))
      .addColumn('transports', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('last_used_at', big)
      .execute();
    await db.schema.createIndex('auth_passkeys_account').on('auth_passkeys').column('account_id').execute();
    await db.schema
      .createTable('auth_app_passwords')
      .addColumn('id', id, (c) => c.primaryKey().autoIncrement())
      .addColumn('account_id', big, acct)
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('protocols', 'text', (c) => c.notNull())
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('last_used_at', big)
      .addColumn('last_used_ip', 'text')
      .execute();
    await db.schema.createIndex('auth_app_passwords_account').on('auth_app_passwords').columns(['account_id', 'secret_hash']).execute();
    await db.schema
      .createTable('auth_sign_ins')
      .addColumn('id', id, (c) => c.primaryKey().autoIncrement())
      .addColumn('account_id', big, (c) => c.references('accounts.id').onDelete('cascade'))
      .addColumn('at', big, (c) => c.notNull())
      .addColumn('ip', 'text', (c) => c.notNull())
      .addColumn('user_agent', 'text', (c) => c.notNull())
      .addColumn('protocol', 'text', (c) => c.notNull())
      .addColumn('result', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('auth_sign_ins_account_at').on('auth_sign_ins').columns(['account_id', 'at']).execute();
    await db.schema.createIndex('auth_sign_ins_at').on('auth_sign_ins').column('at').execute();
    await db.schema
      .createTable('auth_devices')
      .addColumn('account_id', big, acct)
      .addColumn('device_hash', 'text', (c) => c.notNull())
      .addColumn('first_seen_at', big, (c) => c.notNull())
      .addColumn('last_seen_at', big, (c) => c.notNull())
      .addPrimaryKeyConstraint('auth_devices_pk', ['account_id', 'device_hash'])
      .execute();
    await db.schema
      .createTable('auth_reset_tokens')
      .addColumn('id', id, (c) => c.primaryKey().autoIncrement())
      .addColumn('account_id', big, acct)
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('created_by', big)
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('expires_at', big, (c) => c.notNull())
      .addColumn('used_at', big)
      .execute();
    await db.schema
      .createTable('audit_log')
      .addColumn('id', id, (c) => c.primaryKey().autoIncrement())
      .addColumn('at', big, (c) => c.notNull())
      .addColumn('actor_id', big)
      .addColumn('account_id', big)
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('ip', 'text', (c) => c.notNull())
      .addColumn('details', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
  },
};
