/** bench/jmap: on a 100 000-message inbox, Email/query + Email/get of the first 50 list rows, and Email/changes after one new message (server-side, Fastify inject). */
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { sql } from 'kysely';
import { freshPgDatabase, tempDir } from '../../test/helpers/app.ts';
import { openStore } from '../../src/store/open.ts';
import { FsBlobStore } from '../../src/blobs/fs-blob-store.ts';
import { createAccount, createDomain } from '../../src/accounts/service.ts';
import { loadConfig } from '../../src/config/load.ts';
import { createLogger } from '../../src/log/index.ts';
import { createAuthDeps, createSession } from '../../src/auth/index.ts';
import { createHttpServer } from '../../src/http/index.ts';
import { jmapPlugin } from '../../src/jmap/index.ts';
import { ingest } from '../../src/mail/ingest.ts';
import { parseMessage } from '../../src/mime/index.ts';
import type { AccountId } from '../../src/store/ids.ts';

const N = Number(process.env.MESSAGES ?? 100_000);
const RUNS = Number(process.env.RUNS ?? 30);
const dataDir = tempDir('preau-jmap-bench-');
// PostgreSQL: a fresh database next to PREAU_BENCH_PG, dropped at the end (never the shared one).
const pgDb = process.env.PREAU_BENCH_PG ? await freshPgDatabase(process.env.PREAU_BENCH_PG) : null;
const config = loadConfig({}, { dataDir, domain: 'ac-bench.fr', logLevel: 'silent', databaseUrl: pgDb?.url });
const store = await openStore({ dataDir, databaseUrl: pgDb?.url, listen: false });
const blobs = new FsBlobStore(join(dataDir, 'blobs'));
await createDomain(store, 'ac-bench.fr', 100 * 1024 * 1024 * 1024);
const acct = await createAccount(store, { domain: 'ac-bench.fr', firstName: 'Élodie', lastName: 'Lefèvre', password: 'Un-mot-de-passe-solide-42', quotaBytes: 100 * 1024 * 1024 * 1024 });
const account = acct.id as AccountId;
const inbox = Number((await store.db.selectFrom('mailboxes').select('id').where('account_id', '=', account).where('role', '=', 'inbox').executeTakeFirstOrThrow()).id);

// Bulk provisioning (not measured): one real message through ingest gives the shape of the rows,
// then N bodies / messages / placements / threads are inserted in big batches.
const sample = (i: number) => Buffer.from(`From: Parent ${i} <parent${i}@example.org>\r\nTo: ${acct.address}\r\nSubject: Message ${i} du cahier de liaison\r\nMessage-ID: <b${i}@example.org>\r\nDate: Mon, 2 Nov 2026 10:00:00 +0100\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBonjour, voici le message ${i}.\r\n`);
const p0 = await parseMessage(sample(0));
const { text: _t, html: _h, headers: _hd, ...structure } = p0;
const t0 = performance.now();
const base = Date.now() - N * 60_000;
const CH = 400;
for (let i = 0; i < N; i += CH) {
  const n = Math.min(CH, N - i);
  await store.write(account, async (tx) => {
    const modseq = await tx.modseq(account);
    const threads = await tx.db.insertInto('threads').values(Array.from({ length: n }, (_, k) => ({ account_id: account, base_subject: `message ${i + k}`, updated_at: base }))).returning('id').execute();
    const bodies = await tx.db
      .insertInto('bodies')
      .values(Array.from({ length: n }, (_, k) => ({ blob_id: `${(i + k).toString(16).padStart(64, '0')}`, size: 300, sent_at: base + (i + k) * 60_000, message_id: `b${i + k}@example.org`, in_reply_to: null, references: null, subject: `Message ${i + k} du cahier de liaison`, from_addr: JSON.stringify([{ name: `Parent ${i + k}`, email: `parent${i + k}@example.org` }]), sender: '[]', to_addr: JSON.stringify([{ name: null, email: acct.address }]), cc_addr: '[]', bcc_addr: '[]', reply_to: '[]', preview: `Bonjour, voici le message ${i + k}.`, has_attachment: 0, structure: JSON.stringify(structure), created_at: base })))
      .returning('id')
      .execute();
    const msgs = await tx.db
      .insertInto('messages')
      .values(bodies.map((b, k) => ({ account_id: account, body_id: Number(b.id), blob_id: `${(i + k).toString(16).padStart(64, '0')}`, thread_id: Number(threads[k].id), size: 300, received_at: base + (i + k) * 60_000, verdict: null, created_modseq: modseq, updated_modseq: modseq })))
      .returning('id')
      .execute();
    await tx.db.insertInto('mailbox_messages').values(msgs.map((m, k) => ({ account_id: account, mailbox_id: inbox, uid: i + k + 1, message_id: Number(m.id), flags: (i + k) % 3 ? '\\Seen' : '', modseq, expunged_modseq: null, internal_date: base + (i + k) * 60_000 }))).execute();
    await tx.db.updateTable('mailboxes').set({ uid_next: i + n + 1, highest_modseq: modseq }).where('id', '=', inbox).execute();
    await tx.changes(msgs.map((m) => ({ account, type: 'Email' as const, objectId: Number(m.id), op: 'created' as const })));
  });
}
const provisionSeconds = (performance.now() - t0) / 1000;
// Planner statistics, as a periodic `PRAGMA optimize` would gather them in production: without
// them SQLite reads an account's messages by the (account_id, body_id) index instead of by id.
await sql`ANALYZE`.execute(store.db);

const auth = createAuthDeps({ store, config });
const { token } = await createSession(auth, { accountId: account, stage: 'ok', shared: false, ip: '127.0.0.1', userAgent: 'bench' });
const app = createHttpServer({ config, log: createLogger('silent'), store, auth, blobs, plugins: [jmapPlugin] } as never);
await app.ready();
const using = ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail'];
const accountId = `a${account}`;
async function jmap(methodCalls: unknown[]): Promise<{ ms: number; body: any }> {
  const t = performance.now();
  const r = await app.inject({ method: 'POST', url: '/jmap/api', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify({ using, methodCalls }) });
  const ms = performance.now() - t;
  if (r.statusCode !== 200) throw new Error(r.body);
  return { ms, body: r.json() };
}
const LIST_ROW = ['id', 'threadId', 'mailboxIds', 'keywords', 'from', 'subject', 'receivedAt', 'preview', 'hasAttachment', 'size'];
const listCalls = [
  ['Email/query', { accountId, filter: { inMailbox: `m${inbox}` }, sort: [{ property: 'receivedAt', isAscending: false }], limit: 50 }, 'q'],
  ['Email/get', { accountId, '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' }, properties: LIST_ROW }, 'g'],
];
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))] * 100) / 100;
  return { median: q(0.5), p95: q(0.95), min: q(0) };
};
await jmap(listCalls); // warm-up
const listMs: number[] = [];
let total = 0;
for (let i = 0; i < RUNS; i++) {
  const r = await jmap(listCalls);
  listMs.push(r.ms);
  if (r.body.methodResponses[1][1].list.length !== 50) throw new Error('expected 50 list rows');
}
const split = { queryMs: [] as number[], getMs: [] as number[] };
for (let i = 0; i < RUNS; i++) {
  const q = await jmap([listCalls[0]]);
  split.queryMs.push(q.ms);
  split.getMs.push((await jmap([['Email/get', { accountId, ids: q.body.methodResponses[0][1].ids, properties: LIST_ROW }, 'g']])).ms);
}
// With calculateTotal (a count over the whole mailbox; the webmail can take Mailbox.totalEmails instead).
const withTotalMs: number[] = [];
for (let i = 0; i < Math.min(RUNS, 10); i++) {
  const r = await jmap([[listCalls[0][0], { ...(listCalls[0][1] as object), calculateTotal: true }, 'q'], listCalls[1]]);
  total = r.body.methodResponses[0][1].total;
  withTotalMs.push(r.ms);
}
const changesMs: number[] = [];
for (let i = 0; i < Math.min(RUNS, 10); i++) {
  const state = (await jmap([['Email/get', { accountId, ids: [] }, 's']])).body.methodResponses[0][1].state;
  await ingest({ store, blobs }, { raw: sample(N + i), targets: [{ account }] });
  const r = await jmap([['Email/changes', { accountId, sinceState: state }, 'c']]);
  if (r.body.methodResponses[0][1].created?.length !== 1) throw new Error('expected one created email');
  changesMs.push(r.ms);
}
await app.close();
await store.close();
await pgDb?.drop();
if (!process.env.KEEP) rmSync(dataDir, { recursive: true, force: true });
else console.error('kept', dataDir);
const list = stats(listMs);
const changes = stats(changesMs);
console.log(JSON.stringify({ messages: N, total, provisionSeconds: Math.round(provisionSeconds * 10) / 10, queryAndGet50Ms: list, changesAfterOneMs: changes, queryOnlyMs: stats(split.queryMs), get50OnlyMs: stats(split.getMs), queryAndGet50WithTotalMs: stats(withTotalMs), targets: { queryAndGet50: '< 50 ms', changes: '< 10 ms' }, ok: list.median < 50 && changes.median < 10, backend: process.env.PREAU_BENCH_PG ? 'postgres' : 'sqlite', measuredVia: 'fastify inject (no network), Bearer session auth' }));
