/** Reliability: SIGKILL during a burst of deliveries loses nothing that got 250, duplicates nothing. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { freePort, tempDir, freshPgDatabase } from './helpers/app.ts';
import { openStore } from '../src/store/open.ts';
import { createAccount, createDomain } from '../src/accounts/service.ts';

function startChild(env: Record<string, string>): Promise<{ child: ChildProcess }> {
  const child = spawn(process.execPath, ['src/main.ts', 'serve'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('SMTP ')) resolve({ child });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`server exited early (${code}): ${out}`)));
  });
}

async function scenario(databaseUrl?: string) {
  const dataDir = tempDir();
  const port = await freePort();
  const env: Record<string, string> = { PREAU_DATA_DIR: dataDir, PREAU_DOMAIN: 'ac-test.fr', PREAU_SMTP_PORT: String(port), PREAU_SUBMISSION_PORT: '0', PREAU_IMAP_PORT: '0', PREAU_HTTP_PORT: '0', PREAU_LOG_LEVEL: 'silent' };
  if (databaseUrl) env.PREAU_DATABASE_URL = databaseUrl;
  const setup = await openStore({ dataDir, databaseUrl, listen: false });
  await createDomain(setup, 'ac-test.fr', 50 * 1024 * 1024);
  const rcpts: string[] = [];
  for (let i = 0; i < 5; i++) rcpts.push((await createAccount(setup, { domain: 'ac-test.fr', firstName: 'Agent', lastName: `Numero ${i}`, password: 'x'.repeat(12) })).address);
  await setup.close();

  let { child } = await startChild(env);
  const acked = new Map<string, Buffer>();
  let killed = false;
  const sendOne = async (t: ReturnType<typeof nodemailer.createTransport>, n: number) => {
    const raw = Buffer.from(`From: <parent${n}@example.org>\r\nTo: <${rcpts[n % 5]}>\r\nSubject: Message ${n}\r\nMessage-ID: <m${n}@example.org>\r\n\r\n${'Corps du message '.repeat(40)}${n}\r\n`);
    try {
      const info = await t.sendMail({ envelope: { from: `parent${n}@example.org`, to: [rcpts[n % 5], rcpts[(n + 1) % 5]] }, raw });
      if (/^250/.test(info.response)) acked.set(`m${n}@example.org`, raw);
    } catch {
      // Refused or cut by the kill: the sender keeps it and retries later; not our loss.
    }
  };
  const workers = Array.from({ length: 10 }, async (_, w) => {
    const t = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, pool: false });
    for (let n = w; n < 600 && !killed; n += 10) await sendOne(t, n);
  });
  const killer = (async () => {
    while (acked.size < 120) await new Promise((r) => setImmediate(r));
    killed = true;
    child.kill('SIGKILL');
  })();
  await Promise.all([...workers, killer]);
  await new Promise((r) => (child.exitCode !== null || child.signalCode ? r(null) : child.once('exit', r)));

  ({ child } = await startChild(env));
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));

  const store = await openStore({ dataDir, databaseUrl, listen: false });
  try {
    const rows = await store.db.selectFrom('messages').innerJoin('bodies', 'bodies.id', 'messages.body_id').select(['messages.account_id', 'messages.blob_id', 'messages.size', 'bodies.message_id']).execute();
    for (const [mid, raw] of acked) {
      const found = rows.filter((r) => r.message_id === mid);
      assert.equal(found.length, 2, `${mid} delivered once to each of its 2 recipients`);
      const stored = readFileSync(join(dataDir, 'blobs', found[0].blob_id.slice(0, 2), found[0].blob_id.slice(2, 4), found[0].blob_id));
      assert.equal(createHash('sha256').update(stored).digest('hex'), found[0].blob_id, 'blob content matches its address');
      assert.ok(stored.subarray(stored.length - raw.length).equals(raw), `${mid} stored byte for byte`);
    }
    for (const r of rows) assert.ok(existsSync(join(dataDir, 'blobs', r.blob_id.slice(0, 2), r.blob_id.slice(2, 4), r.blob_id)), 'no row points to a missing blob');
    const accounts = await store.db.selectFrom('accounts').select(['id', 'used_bytes']).execute();
    for (const a of accounts) {
      const sum = rows.filter((r) => Number(r.account_id) === Number(a.id)).reduce((s, r) => s + Number(r.size), 0);
      assert.equal(Number(a.used_bytes), sum, 'quota usage equals the sum of stored sizes');
    }
    const mids = rows.map((r) => `${r.account_id}:${r.message_id}`);
    assert.equal(new Set(mids).size, mids.length, 'no duplicates');
    assert.ok(acked.size >= 120);
  } finally {
    await store.close();
  }
}

test('SIGKILL during a delivery burst (SQLite)', { timeout: 180_000 }, () => scenario());

test('SIGKILL during a delivery burst (PostgreSQL)', { timeout: 180_000, skip: process.env.PREAU_TEST_PG ? false : 'PREAU_TEST_PG not set: no PostgreSQL to test against' }, async () => {
  const db = await freshPgDatabase(process.env.PREAU_TEST_PG!);
  try {
    await scenario(db.url);
  } finally {
    await db.drop();
  }
});
