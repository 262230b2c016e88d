/** SMTP submission end to end: nodemailer and raw transcripts against the real submission door, a sink as the remote MX. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import { dkimVerify } from 'mailauth';
import { RawSmtp } from './helpers/smtp-client.ts';
import { startSendEnv, mailboxOf, recipientRows, dkimResolver, type SendEnv } from './submission-helpers.ts';
import { addAlias, createGroup } from '../src/accounts/service.ts';

let env: SendEnv;

before(async () => {
  env = await startSendEnv({ submissionHourlyMessagesWarn: 6, maxMessageSize: '200KB' });
});
after(() => env.stop());

function client(user = env.alice) {
  return nodemailer.createTransport({ host: '127.0.0.1', port: env.submission.port, secure: false, auth: { user: user.address, pass: user.password }, tls: { rejectUnauthorized: false } });
}

test('a message to a colleague and to example.org: local at once, remote queued then delivered, DKIM-signed', async () => {
  const info = await client().sendMail({ from: `Alice Durand <${env.alice.address}>`, to: [env.bob.address, 'parent@example.org'], subject: 'Sortie scolaire', text: 'Bonjour,\r\nla sortie est confirmée.\r\n' });
  assert.match(info.response, /^250 /);
  const inbox = await mailboxOf(env.app, env.bob.id, 'inbox');
  assert.equal(inbox.length, 1);
  assert.equal(inbox[0].subject, 'Sortie scolaire');
  assert.match(inbox[0].raw.toString(), /^Received: from [^\r]*\r\n\tby mail.ac-test.fr \(Preau\) with ESMTPS?A id /);
  // SMTP submission keeps no Sent copy by default (clients APPEND it themselves).
  assert.equal((await mailboxOf(env.app, env.alice.id, 'sent')).length, 0);
  const queued = await recipientRows(env.app);
  assert.deepEqual(queued.map((r) => [r.rcpt, r.state]), [['parent@example.org', 'queued']]);
  assert.equal(env.sink.messages.length, 0, 'nothing sent before the worker runs');
  assert.equal(await env.worker.runOnce(), 1);
  await env.sink.waitFor(1);
  const got = env.sink.messages[0];
  assert.deepEqual(got.to, ['parent@example.org']);
  assert.equal(got.from, env.alice.address);
  assert.equal(got.secure, true, 'opportunistic STARTTLS was used');
  const v = await dkimVerify(got.raw, { resolver: dkimResolver(env.app) as any });
  const results = v.results.map((r: any) => [r.signingDomain, r.status.result, r.algo]);
  assert.deepEqual(results.sort(), [
    ['ac-test.fr', 'pass', 'ed25519-sha256'],
    ['ac-test.fr', 'pass', 'rsa-sha256'],
  ]);
  const after = await recipientRows(env.app);
  assert.equal(after[0].state, 'delivered');
  assert.equal(await env.worker.runOnce(), 0, 'nothing left to send');
  assert.equal(env.sink.messages.length, 1);
});

test('a forged From: is refused with 550 5.7.1 and a readable reason', async () => {
  await assert.rejects(
    client().sendMail({ envelope: { from: env.alice.address, to: ['parent@example.org'] }, from: 'recteur@ac-test.fr', to: 'parent@example.org', subject: 'x', text: 'x' }),
    (e: any) => e.responseCode === 550 && /5\.7\.1 From: <recteur@ac-test\.fr> is not one of your addresses/.test(e.response),
  );
  await assert.rejects(client().sendMail({ from: env.bob.address, to: 'parent@example.org', subject: 'x', text: 'x' }), (e: any) => e.responseCode === 550 && /5\.7\.1 Sender address/.test(e.response));
});

test('an alias and a group address the account belongs to may be used as sender', async () => {
  const alias = await addAlias(env.app.ctx.store, env.alice.address, 'direction');
  await createGroup(env.app.ctx.store, env.app.domain, 'Vie scolaire', [env.alice.id], '', 'vie-scolaire@ac-test.fr');
  await client().sendMail({ from: alias, to: env.bob.address, subject: 'alias', text: 'x' });
  await client().sendMail({ from: 'vie-scolaire@ac-test.fr', to: env.bob.address, subject: 'groupe', text: 'x' });
  await assert.rejects(client(env.bob).sendMail({ from: 'vie-scolaire@ac-test.fr', to: env.alice.address, subject: 'pas membre', text: 'x' }), (e: any) => e.responseCode === 550);
  const subjects = (await mailboxOf(env.app, env.bob.id, 'inbox')).map((m) => m.subject);
  assert.ok(subjects.includes('alias') && subjects.includes('groupe'));
});

test('<LF>.<LF> and <CR>.<CR> in DATA arrive at the remote as one message, line endings normalised, bytes otherwise intact', async () => {
  env.sink.messages.length = 0;
  const c = await RawSmtp.open(env.submission.port);
  await c.cmd('EHLO raw.client');
  const creds = Buffer.from(`\0${env.alice.address}\0${env.alice.password}`).toString('base64');
  assert.match(await c.cmd(`AUTH PLAIN ${creds}`), /^235 /);
  assert.match(await c.cmd(`MAIL FROM:<${env.alice.address}>`), /^250 /);
  assert.match(await c.cmd('RCPT TO:<smuggle@example.org>'), /^250 /);
  assert.match(await c.cmd('DATA'), /^354 /);
  const body = `From: <${env.alice.address}>\r\nTo: <smuggle@example.org>\r\nSubject: dots\r\nMessage-ID: <dots@test>\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\n\r\nline one\n.\nMAIL FROM:<evil@example.org>\r.\rRCPT TO:<victim@example.org>\r\n..leading dot\r\nend\r\n`;
  c.write(body + '.\r\n');
  assert.match(await c.reply(), /^250 /);
  assert.match(await c.cmd('QUIT'), /^221 /);
  c.close();
  assert.deepEqual((await recipientRows(env.app)).filter((r) => r.state === 'queued').map((r) => r.rcpt), ['smuggle@example.org']);
  assert.equal(await env.worker.runOnce(), 1);
  await env.sink.waitFor(1);
  assert.equal(env.sink.messages.length, 1);
  const raw = env.sink.messages[0].raw;
  const s = raw.toString('latin1');
  assert.doesNotMatch(s, /\r(?!\n)|(?<!\r)\n/, 'no bare CR or LF');
  const bodyPart = s.slice(s.indexOf('\r\n\r\n') + 4);
  assert.equal(bodyPart, 'line one\r\n.\r\nMAIL FROM:<evil@example.org>\r\n.\r\nRCPT TO:<victim@example.org>\r\n.leading dot\r\nend\r\n');
  const v = await dkimVerify(raw, { resolver: dkimResolver(env.app) as any });
  assert.ok(v.results.every((r: any) => r.status.result === 'pass'));
});

test('a line longer than 998 octets is refused with 554 5.6.0', async () => {
  const c = await RawSmtp.open(env.submission.port);
  await c.cmd('EHLO raw.client');
  assert.match(await c.cmd(`AUTH PLAIN ${Buffer.from(`\0${env.alice.address}\0${env.alice.password}`).toString('base64')}`), /^235 /);
  await c.cmd(`MAIL FROM:<${env.alice.address}>`);
  await c.cmd('RCPT TO:<long@example.org>');
  assert.match(await c.cmd('DATA'), /^354 /);
  c.write(`From: <${env.alice.address}>\r\nSubject: long\r\n\r\n${'x'.repeat(999)}\r\n.\r\n`);
  assert.match(await c.reply(), /^554 5\.6\.0 /);
  c.close();
});

test('AUTH needs TLS when plaintext on loopback is not allowed; STARTTLS and implicit TLS work', async () => {
  const strict = await startSendEnv({ allowPlainLoopback: false });
  try {
    const c = await RawSmtp.open(strict.submission.port);
    const ehlo = await c.cmd('EHLO raw.client');
    assert.match(ehlo, /STARTTLS/);
    const creds = Buffer.from(`\0${strict.alice.address}\0${strict.alice.password}`).toString('base64');
    assert.match(await c.cmd(`AUTH PLAIN ${creds}`), /^538 /);
    assert.match(await c.cmd(`MAIL FROM:<${strict.alice.address}>`), /^530 /);
    c.close();
    const starttls = nodemailer.createTransport({ host: '127.0.0.1', port: strict.submission.port, secure: false, requireTLS: true, auth: { user: strict.alice.address, pass: strict.alice.password }, tls: { rejectUnauthorized: false } });
    assert.match((await starttls.sendMail({ from: strict.alice.address, to: strict.bob.address, subject: 'starttls', text: 'x' })).response, /^250 /);
    const implicit = nodemailer.createTransport({ host: '127.0.0.1', port: strict.submission.securePort, secure: true, auth: { user: strict.alice.address, pass: strict.alice.password }, tls: { rejectUnauthorized: false } });
    assert.match((await implicit.sendMail({ from: strict.alice.address, to: strict.bob.address, subject: 'implicit', text: 'x' })).response, /^250 /);
    await assert.rejects(
      nodemailer.createTransport({ host: '127.0.0.1', port: strict.submission.securePort, secure: true, auth: { user: strict.alice.address, pass: 'wrong' }, tls: { rejectUnauthorized: false } }).sendMail({ from: strict.alice.address, to: strict.bob.address, subject: 'x', text: 'x' }),
      (e: any) => e.responseCode === 535,
    );
    assert.deepEqual((await mailboxOf(strict.app, strict.bob.id, 'inbox')).map((m) => m.subject), ['starttls', 'implicit']);
  } finally {
    await strict.stop();
  }
});

test('failed AUTH goes through the shared rate limiter: after repeated failures even the right password waits (454 4.7.0)', async () => {
  const carla = await env.app.account('Carla', 'Roux');
  const c = await RawSmtp.open(env.submission.port);
  await c.cmd('EHLO raw.client');
  const plain = (p: string) => `AUTH PLAIN ${Buffer.from(`\0${carla.address}\0${p}`).toString('base64')}`;
  for (let i = 0; i < 5; i++) assert.match(await c.cmd(plain('wrong')), /^535 5\.7\.8 /);
  let r = '';
  for (let i = 0; i < 5 && !r.startsWith('454'); i++) r = await c.cmd(plain('wrong'));
  assert.match(r, /^454 4\.7\.0 /);
  assert.match(await c.cmd(plain(carla.password)), /^454 4\.7\.0 /);
  c.close();
  env.clock.now += 120_000;
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: env.submission.port, secure: false, auth: { user: carla.address, pass: carla.password }, tls: { rejectUnauthorized: false } });
  assert.match((await t.sendMail({ from: carla.address, to: env.bob.address, subject: 'enfin', text: 'x' })).response, /^250 /);
});

test('AUTH LOGIN works', async () => {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: env.submission.port, secure: false, ignoreTLS: true, auth: { user: env.alice.address, pass: env.alice.password, method: 'LOGIN' } as any });
  assert.match((await t.sendMail({ from: env.alice.address, to: env.bob.address, subject: 'login', text: 'x' })).response, /^250 /);
});

test('too many recipients: 452 4.5.3; too big: 552 5.3.4', async () => {
  const many = Array.from({ length: env.app.ctx.config.submissionMaxRecipients + 1 }, (_, i) => `p${i}@example.org`);
  // nodemailer sends to the accepted recipients and reports the refused one.
  const info: any = await client().sendMail({ from: env.alice.address, to: many, subject: 'x', text: 'x' });
  assert.deepEqual(info.rejected, [many.at(-1)]);
  assert.match(info.rejectedErrors[0].response, /^452 4\.5\.3 /);
  await assert.rejects(client().sendMail({ from: env.alice.address, to: env.bob.address, subject: 'big', text: 'x'.repeat(300 * 1024) }), (e: any) => e.responseCode === 552 && /5\.3\.4/.test(e.response));
});

test('hourly limits: warning logged, then 451 4.7.1 past the hard level', async () => {
  const limited = await startSendEnv({ submissionHourlyMessagesWarn: 2, submissionHourlyMessagesLimit: 3 });
  try {
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: limited.submission.port, secure: false, auth: { user: limited.alice.address, pass: limited.alice.password }, tls: { rejectUnauthorized: false } });
    for (let i = 0; i < 3; i++) await t.sendMail({ from: limited.alice.address, to: limited.bob.address, subject: `n${i}`, text: 'x' });
    const warnings = limited.logs.filter((l) => l.event === 'submission.rate.warning');
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0].account, limited.alice.id);
    await assert.rejects(t.sendMail({ from: limited.alice.address, to: limited.bob.address, subject: 'n3', text: 'x' }), (e: any) => e.responseCode === 451 && /4\.7\.1/.test(e.response));
    // The next hour the account may send again.
    limited.clock.now += 3_600_000;
    await t.sendMail({ from: limited.alice.address, to: limited.bob.address, subject: 'next hour', text: 'x' });
    assert.equal((await mailboxOf(limited.app, limited.bob.id, 'inbox')).length, 4);
  } finally {
    await limited.stop();
  }
});

test('submissionSaveSent stores the Sent copy, \\Seen', async () => {
  const saving = await startSendEnv({ submissionSaveSent: true });
  try {
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: saving.submission.port, secure: false, auth: { user: saving.alice.address, pass: saving.alice.password }, tls: { rejectUnauthorized: false } });
    await t.sendMail({ from: saving.alice.address, to: [saving.bob.address, 'x@example.org'], subject: 'copie', text: 'x' });
    const sent = await mailboxOf(saving.app, saving.alice.id, 'sent');
    assert.equal(sent.length, 1);
    assert.equal(sent[0].subject, 'copie');
    assert.match(sent[0].flags, /\\Seen/);
  } finally {
    await saving.stop();
  }
});
