/** Inbound SMTP end to end: nodemailer and raw transcripts against the real server. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { RawSmtp } from './helpers/smtp-client.ts';
import { setAccountQuota } from '../src/accounts/service.ts';

let app: TestApp;
let elodie: { id: number; address: string };
let jean: { id: number; address: string };

async function inboxOf(accountId: number) {
  const db = app.ctx.store.db;
  return db
    .selectFrom('mailbox_messages')
    .innerJoin('mailboxes', 'mailboxes.id', 'mailbox_messages.mailbox_id')
    .innerJoin('messages', 'messages.id', 'mailbox_messages.message_id')
    .innerJoin('bodies', 'bodies.id', 'messages.body_id')
    .select(['mailbox_messages.uid', 'bodies.subject', 'messages.blob_id', 'messages.size', 'mailboxes.role'])
    .where('mailbox_messages.account_id', '=', accountId)
    .where('mailboxes.role', '=', 'inbox')
    .orderBy('mailbox_messages.uid')
    .execute();
}

before(async () => {
  app = await startTestApp();
  elodie = await app.account('Élodie', 'Lefèvre');
  jean = await app.account('Jean', 'Martin');
});
after(() => app.stop());

test('EHLO offers the extensions the issue lists, and STARTTLS', async () => {
  const c = await RawSmtp.open(app.ports.smtp);
  const ehlo = await c.cmd('EHLO client.example.org');
  for (const ext of ['SIZE', 'PIPELINING', '8BITMIME', 'SMTPUTF8', 'ENHANCEDSTATUSCODES', 'STARTTLS']) assert.match(ehlo, new RegExp(`250[ -]${ext}`), ext);
  c.close();
});

test('a message to two local colleagues is stored once and lands in both inboxes', async () => {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: app.ports.smtp, secure: false, tls: { rejectUnauthorized: false } });
  const info = await t.sendMail({ from: 'parent@example.org', to: [elodie.address, jean.address.toUpperCase()], subject: 'Réunion parents-professeurs', text: 'Bonjour, à jeudi.' });
  assert.match(info.response, /^250 /);
  const a = await inboxOf(elodie.id);
  const b = await inboxOf(jean.id);
  assert.equal(a.at(-1)!.subject, 'Réunion parents-professeurs');
  assert.equal(b.at(-1)!.subject, 'Réunion parents-professeurs');
  assert.equal(a.at(-1)!.blob_id, b.at(-1)!.blob_id, 'single-instance storage');
  const raw = await app.ctx.blobs.get(a.at(-1)!.blob_id as any);
  assert.match(raw.toString(), /^Return-Path: <parent@example.org>\r\nReceived: from /);
});

test('unknown user, foreign domain (no open relay), and too big are refused with the right codes', async () => {
  const c = await RawSmtp.open(app.ports.smtp);
  await c.cmd('EHLO client.example.org');
  assert.match(await c.cmd('MAIL FROM:<x@example.org>'), /^250/);
  assert.match(await c.cmd(`RCPT TO:<personne.inconnue@${app.domain}>`), /^550 5\.1\.1/);
  assert.match(await c.cmd('RCPT TO:<victim@gmail.com>'), /^554 5\.7\.1/);
  assert.match(await c.cmd('MAIL FROM:<x@example.org> SIZE=999999999'), /^5\d\d/);
  c.close();
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: app.ports.smtp, secure: false, tls: { rejectUnauthorized: false } });
  await assert.rejects(t.sendMail({ from: 'x@example.org', to: elodie.address, subject: 'big', text: 'x'.repeat(26 * 1024 * 1024) }), (e: any) => /552 5\.3\.4/.test(e.response ?? ''));
});

test('quota: over quota at RCPT is 452 4.2.2; a message that would exceed it is 552 5.2.2', async () => {
  const small = await app.account('Petit', 'Quota');
  await setAccountQuota(app.ctx.store, small.address, 3000);
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: app.ports.smtp, secure: false, tls: { rejectUnauthorized: false } });
  await assert.rejects(t.sendMail({ from: 'x@example.org', to: small.address, subject: 'gros', text: 'y'.repeat(5000) }), (e: any) => /552 5\.2\.2/.test(e.response ?? ''));
  await t.sendMail({ from: 'x@example.org', to: small.address, subject: 'petit', text: 'y'.repeat(2000) });
  // The admin lowers the quota below the usage: the account is now over quota.
  await setAccountQuota(app.ctx.store, small.address, 1000);
  const c = await RawSmtp.open(app.ports.smtp);
  await c.cmd('EHLO client.example.org');
  await c.cmd('MAIL FROM:<x@example.org>');
  assert.match(await c.cmd(`RCPT TO:<${small.address}>`), /^452 4\.2\.2/);
  c.close();
});

test('SMTP smuggling: <LF>.<LF> and <CR>.<CR> never end DATA', async () => {
  const before = (await inboxOf(jean.id)).length;
  const c = await RawSmtp.open(app.ports.smtp);
  await c.cmd('EHLO client.example.org');
  await c.cmd('MAIL FROM:<x@example.org>');
  await c.cmd(`RCPT TO:<${jean.address}>`);
  assert.match(await c.cmd('DATA'), /^354/);
  c.write('Subject: smuggle\r\n\r\nline one\n.\nMAIL FROM:<evil@example.org>\r\nline two\r.\rRCPT TO:<x>\r\n.\r\n');
  assert.match(await c.reply(), /^250/);
  c.close();
  const rows = await inboxOf(jean.id);
  assert.equal(rows.length, before + 1, 'exactly one message');
  const raw = (await app.ctx.blobs.get(rows.at(-1)!.blob_id as any)).toString('latin1');
  assert.ok(raw.includes('line one\n.\nMAIL FROM:<evil@example.org>\r\nline two\r.\rRCPT TO:<x>\r\n'), 'smuggled bytes stay message content');
});

test('quota usage equals the sum of stored sizes', async () => {
  const acc = await app.ctx.store.db.selectFrom('accounts').select(['used_bytes']).where('id', '=', elodie.id).executeTakeFirstOrThrow();
  const rows = await app.ctx.store.db.selectFrom('messages').select(['size']).where('account_id', '=', elodie.id).execute();
  assert.equal(Number(acc.used_bytes), rows.reduce((s, r) => s + Number(r.size), 0));
  assert.ok(rows.length > 0);
});
