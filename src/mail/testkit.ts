/** Test kit for the mail services: a store on SQLite (temp dir) or PostgreSQL (fresh database), two accounts, a message factory. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshPgDatabase } from '../store/contract/pg-fixture.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/store.ts';
import type { AccountId, MailboxId } from '../store/ids.ts';
import { FsBlobStore } from '../blobs/fs-blob-store.ts';
import { createAccount, createDomain } from '../accounts/service.ts';
import { ingest, type IngestDelivery } from './ingest.ts';

export interface Backend {
  name: 'sqlite' | 'postgres';
  skip: string | false;
}

export const BACKENDS: Backend[] = [
  { name: 'sqlite', skip: false },
  { name: 'postgres', skip: process.env.PREAU_TEST_PG ? false : 'PREAU_TEST_PG not set: no PostgreSQL to run the mail services against' },
];

export interface Kit {
  store: Store;
  blobs: FsBlobStore;
  dir: string;
  a: AccountId;
  b: AccountId;
  /** Mailbox id by role. */
  role(account: AccountId, role: string): Promise<MailboxId>;
  deliver(account: AccountId, msg?: MessageSpec, target?: { mailbox?: MailboxId; keywords?: string[]; receivedAt?: number }): Promise<IngestDelivery>;
  close(): Promise<void>;
}

export interface MessageSpec {
  from?: string;
  to?: string;
  cc?: string;
  subject?: string;
  body?: string;
  date?: string;
  messageId?: string;
  inReplyTo?: string;
  headers?: string[];
  /** Pad the body to about this many bytes. */
  pad?: number;
}

let counter = 0;

/** An RFC 5322 message (CRLF line ends). */
export function rawMessage(m: MessageSpec = {}): Buffer {
  counter++;
  const lines = [
    `From: ${m.from ?? 'Jean Dupont <jean.dupont@ac-test.fr>'}`,
    `To: ${m.to ?? 'Élodie Lefèvre <elodie.lefevre@ac-test.fr>'}`,
    ...(m.cc ? [`Cc: ${m.cc}`] : []),
    `Subject: ${m.subject ?? `Message ${counter}`}`,
    `Date: ${m.date ?? 'Mon, 02 Mar 2026 10:00:00 +0100'}`,
    `Message-ID: <${m.messageId ?? `m${counter}.${Date.now()}@ac-test.fr`}>`,
    ...(m.inReplyTo ? [`In-Reply-To: <${m.inReplyTo}>`] : []),
    ...(m.headers ?? []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    m.body ?? `Corps du message ${counter}.`,
    ...(m.pad ? ['x'.repeat(m.pad)] : []),
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

const freshPg = (base: string) => freshPgDatabase(base, 'preau_test');

/** Open a store on `backend` with domain ac-test.fr and two accounts (a, b). */
export async function openKit(backend: Backend, quota = 10_000_000): Promise<Kit> {
  const dir = mkdtempSync(join(tmpdir(), 'preau-mail-'));
  const db = backend.name === 'postgres' ? await freshPg(process.env.PREAU_TEST_PG!) : null;
  const store = await openStore({ dataDir: dir, databaseUrl: db?.url, listen: false });
  const blobs = new FsBlobStore(join(dir, 'blobs'));
  await createDomain(store, 'ac-test.fr', quota);
  const a = (await createAccount(store, { domain: 'ac-test.fr', firstName: 'Élodie', lastName: 'Lefèvre', password: 'correct horse battery' })).id;
  const b = (await createAccount(store, { domain: 'ac-test.fr', firstName: 'Jean', lastName: 'Dupont', password: 'correct horse battery' })).id;
  const role = async (account: AccountId, r: string) => {
    const row = await store.db.selectFrom('mailboxes').select('id').where('account_id', '=', account).where('role', '=', r).executeTakeFirstOrThrow();
    return Number(row.id) as MailboxId;
  };
  return {
    store,
    blobs,
    dir,
    a,
    b,
    role,
    async deliver(account, msg = {}, target = {}) {
      const r = await ingest({ store, blobs }, { raw: rawMessage(msg), targets: [{ account, mailbox: target.mailbox, keywords: target.keywords }], receivedAt: target.receivedAt });
      if (!r.delivered.length) throw new Error('not delivered');
      return r.delivered[0];
    },
    async close() {
      await store.close();
      await db?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Sum of the sizes of the account's emails, and the stored usage. */
export async function usage(store: Store, account: AccountId): Promise<{ stored: number; computed: number }> {
  const a = await store.db.selectFrom('accounts').select('used_bytes').where('id', '=', account).executeTakeFirstOrThrow();
  const rows = await store.db.selectFrom('messages').select('size').where('account_id', '=', account).execute();
  return { stored: Number(a.used_bytes), computed: rows.reduce((n, r) => n + Number(r.size), 0) };
}
