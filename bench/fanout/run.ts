/** bench/fanout: one 50 KB bulletin to N local recipients (default 50 000): seconds until every mailbox has it, bytes stored. */
import { performance } from 'node:perf_hooks';
import { statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/helpers/app.ts';
import { openStore } from '../../src/store/open.ts';
import { FsBlobStore } from '../../src/blobs/fs-blob-store.ts';
import { createDomain } from '../../src/accounts/service.ts';
import { ingest } from '../../src/mail/ingest.ts';
import { DEFAULT_MAILBOXES, newUidValidity } from '../../src/mail/default-mailboxes.ts';
import type { AccountId } from '../../src/store/ids.ts';

const N = Number(process.env.RECIPIENTS ?? 50_000);
const dataDir = tempDir('preau-fanout-');
const store = await openStore({ dataDir, databaseUrl: process.env.PREAU_BENCH_PG, listen: false });
const blobs = new FsBlobStore(join(dataDir, 'blobs'));
const domainId = await createDomain(store, 'ac-bench.fr', 50 * 1024 * 1024);
// Bulk provisioning (not measured): accounts, addresses and mailboxes rows.
const ids: AccountId[] = [];
const now = Date.now();
for (let i = 0; i < N; i += 500) {
  const rows = await store.db
    .insertInto('accounts')
    .values(Array.from({ length: Math.min(500, N - i) }, (_, k) => ({ domain_id: domainId, local_part: `agent.n${i + k}`, first_name: 'Agent', last_name: `N${i + k}`, display_name: `Agent N${i + k}`, title: '', role: 'user', password_hash: null, must_change_password: 0, password_changed_at: null, quota_bytes: 50 * 1024 * 1024, used_bytes: 0, modseq: 1, status: 'active', created_at: now })))
    .returning('id')
    .execute();
  const chunk = rows.map((r) => Number(r.id) as AccountId);
  ids.push(...chunk);
  for (let j = 0; j < chunk.length; j += 80) {
    await store.db.insertInto('mailboxes').values(chunk.slice(j, j + 80).flatMap((a) => DEFAULT_MAILBOXES.map((m) => ({ account_id: a, name: m.name, role: m.role, uid_validity: newUidValidity(now), uid_next: 1, highest_modseq: 1, subscribed: 1, created_modseq: 1, updated_modseq: 1, sort_order: m.sortOrder })))).execute();
  }
}
const text = ('Mesdames et Messieurs les personnels, le calendrier des opérations de mutation est publié. ').repeat(560).slice(0, 50_000);
const raw = Buffer.from(`From: Rectorat <communication@ac-bench.fr>\r\nTo: tous@ac-bench.fr\r\nSubject: Bulletin inform@lire\r\nMessage-ID: <bulletin@ac-bench.fr>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n`);
const t0 = performance.now();
const r = await ingest({ store, blobs }, { raw, targets: ids.map((account) => ({ account })) });
const seconds = (performance.now() - t0) / 1000;
let blobBytes = 0;
const walk = (d: string) => {
  for (const e of readdirSync(d, { withFileTypes: true })) {
    if (e.isDirectory()) walk(join(d, e.name));
    else if (e.name.length === 64) blobBytes += statSync(join(d, e.name)).size;
  }
};
walk(join(dataDir, 'blobs'));
await store.close();
console.log(JSON.stringify({ recipients: N, delivered: r.delivered.length, messageBytes: raw.length, seconds: Math.round(seconds * 100) / 100, blobBytesStored: blobBytes, storedOnce: blobBytes === raw.length, backend: process.env.PREAU_BENCH_PG ? 'postgres' : 'sqlite', target: '< 10 s' }));
