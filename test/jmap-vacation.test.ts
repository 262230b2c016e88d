/** Vacation replies end to end: VacationResponse/set over JMAP, SMTP delivery, one RFC 3834 reply per sender per 7 days, none to bulk mail. RFC 8621 §8, RFC 3834, RFC 5230 §4. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import { startTestApp } from './helpers/app.ts';
import { createHttpServer } from '../src/http/index.ts';
import { jmapPlugin } from '../src/jmap/index.ts';
import { listQueue } from '../src/queue/queue-store.ts';
import { parseMessage } from '../src/mime/index.ts';
import type { AccountId } from '../src/store/ids.ts';
import { call, user, type JmapEnv, type Who } from './jmap-helpers.ts';

let env: JmapEnv;
let elodie: Who;
let jean: Who;
/** Injected clock: the test moves it forward to pass the 7-day period. */
let offset = 0;
const DAY = 24 * 3_600_000;

before(async () => {
  const app = await startTestApp({}, { pg: !!process.env.PREAU_TEST_PG, clock: () => Date.now() + offset, web: false });
  const http = createHttpServer({ ...(app.ctx as any), plugins: [jmapPlugin] } as any);
  await http.listen({ port: 0, host: '127.0.0.1' });
  env = {
    app,
    http,
    base: `http://127.0.0.1:${(http.server.address() as { port: number }).port}`,
    async stop() {
      await http.close();
      await app.stop();
    },
  };
  elodie = await user(env, 'Élodie', 'Lefèvre');
  jean = await user(env, 'Jean', 'Martin');
});
after(() => env.stop());

/** Send through the MX as a remote MTA would (the 250 comes after delivery and the vacation step). */
async function smtp(mailFrom: string, to: string, subject: string, extra: Record<string, string> = {}, messageId?: string): Promise<void> {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: env.app.ports.smtp, secure: false, ignoreTLS: true, name: 'mx.example.org' });
  try {
    await t.sendMail({ envelope: { from: mailFrom, to: [to] }, from: mailFrom, to, subject, text: 'Bonjour', headers: extra, messageId });
  } finally {
    t.close();
  }
}

/** Queued replies of an account to `rcpt`, with their bytes. */
async function repliesTo(who: Who, rcpt: string): Promise<Buffer[]> {
  const q = await listQueue(env.app.ctx.store, { account: who.id as AccountId, all: true });
  const out: Buffer[] = [];
  for (const m of q) if (m.recipients.some((r) => r.rcpt === rcpt)) out.push(await env.app.ctx.blobs.get(m.message.blob_id as never));
  return out;
}

async function setVacation(who: Who, patch: Record<string, unknown>) {
  const r = await call(env, who, 'VacationResponse/set', { update: { singleton: patch } });
  assert.deepEqual(r.updated, { singleton: null }, JSON.stringify(r));
}

test('an enabled VacationResponse answers a remote sender once, RFC 3834 style, and not again within 7 days', async () => {
  await setVacation(elodie, { isEnabled: true, fromDate: new Date(Date.now() - DAY).toISOString().replace(/\.\d+Z$/, 'Z'), toDate: null, subject: null, textBody: "Absente jusqu'au 15.", htmlBody: "<p>Absente jusqu'au 15.</p>" });
  await smtp('parent@example.org', elodie.address, 'Réunion de jeudi', {}, '<orig-1@example.org>');
  const first = await repliesTo(elodie, 'parent@example.org');
  assert.equal(first.length, 1, 'one auto-reply queued');
  const p = await parseMessage(first[0]);
  assert.equal(p.subject, 'Auto: Réunion de jeudi');
  assert.deepEqual(p.to.map((a) => a.email), ['parent@example.org']);
  assert.deepEqual(p.from.map((a) => a.email), [elodie.address]);
  assert.deepEqual(p.inReplyTo, ['orig-1@example.org']);
  assert.ok(p.references.includes('orig-1@example.org'));
  const hdr = (n: string) => p.headers.find((h) => h.name.toLowerCase() === n)?.value;
  assert.equal(hdr('auto-submitted'), 'auto-replied');
  assert.match(p.text, /Absente jusqu'au 15/);
  assert.ok(p.html?.includes('<p>'), 'html alternative');
  const q = await listQueue(env.app.ctx.store, { account: elodie.id as AccountId, all: true });
  assert.equal(q[0].recipients[0].dsn_notify, 'NEVER', 'RFC 3834 §3.3: NOTIFY=NEVER');

  // Same sender again within 7 days: no second reply.
  await smtp('parent@example.org', elodie.address, 'Autre question');
  assert.equal((await repliesTo(elodie, 'parent@example.org')).length, 1);

  // Eight days later the sender is answered again.
  offset = 8 * DAY;
  try {
    await smtp('parent@example.org', elodie.address, 'Une semaine plus tard');
    assert.equal((await repliesTo(elodie, 'parent@example.org')).length, 2);
  } finally {
    offset = 0;
  }
});

test('bulk and list mail, auto-replies, no-reply senders and Bcc-only copies get no vacation reply', async () => {
  await setVacation(elodie, { isEnabled: true, fromDate: null, toDate: null });
  await smtp('lettre@example.org', elodie.address, 'Newsletter', { Precedence: 'bulk' });
  await smtp('liste@example.org', elodie.address, 'Liste', { 'List-Id': '<profs.example.org>' });
  await smtp('robot@example.org', elodie.address, 'Absent', { 'Auto-Submitted': 'auto-replied' });
  await smtp('noreply@example.org', elodie.address, 'Notification');
  // A Bcc copy: the account's address is in neither To nor Cc.
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: env.app.ports.smtp, secure: false, ignoreTLS: true, name: 'mx.example.org' });
  await t.sendMail({ envelope: { from: 'cache@example.org', to: [elodie.address] }, from: 'cache@example.org', to: 'autre@example.org', subject: 'Copie', text: 'x' });
  t.close();
  for (const s of ['lettre@example.org', 'liste@example.org', 'robot@example.org', 'noreply@example.org', 'cache@example.org']) {
    assert.equal((await repliesTo(elodie, s)).length, 0, `no reply to ${s}`);
  }
  // Auto-Submitted: no is a human message: answered.
  await smtp('humain@example.org', elodie.address, 'Question', { 'Auto-Submitted': 'no' });
  assert.equal((await repliesTo(elodie, 'humain@example.org')).length, 1);
});

test('a local sender gets the reply in its INBOX; a disabled or ended response sends nothing', async () => {
  await setVacation(elodie, { isEnabled: true, fromDate: null, toDate: null, subject: 'Absence', textBody: 'De retour lundi.', htmlBody: null });
  await smtp(jean.address, elodie.address, 'Conseil de classe');
  const q = await call(env, jean, 'Email/query', { filter: { subject: 'Absence' } });
  assert.equal(q.ids.length, 1, 'reply delivered to the local sender');
  const g = await call(env, jean, 'Email/get', { ids: q.ids, properties: ['subject', 'from', 'header:Auto-Submitted:asText'] });
  assert.equal(g.list[0].subject, 'Absence', 'the configured subject');
  assert.equal(g.list[0]['header:Auto-Submitted:asText'], 'auto-replied');

  await setVacation(elodie, { isEnabled: false });
  await smtp('apres@example.org', elodie.address, 'Après');
  await setVacation(elodie, { isEnabled: true, toDate: new Date(Date.now() - DAY).toISOString().replace(/\.\d+Z$/, 'Z') });
  await smtp('fini@example.org', elodie.address, 'Fini');
  assert.equal((await repliesTo(elodie, 'apres@example.org')).length, 0, 'disabled');
  assert.equal((await repliesTo(elodie, 'fini@example.org')).length, 0, 'after toDate');
});
