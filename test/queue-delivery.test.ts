/** Outbound queue: retries with back-off, bounces (RFC 3464), null MX, expiry, delay warning, scheduled send and cancel, smarthost, CLI. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { simpleParser } from 'mailparser';
import { startSendEnv, mailboxOf, recipientRows, type SendEnv } from './submission-helpers.ts';
import { submitMessage, listSubmissions, cancelSubmission, getSubmission, queueCommand, dnsCommand, backoff, SubmissionError } from '../src/queue/index.ts';

let env: SendEnv;

before(async () => {
  env = await startSendEnv();
});
after(() => env.stop());

function message(from: string, to: string, subject: string): Buffer {
  return Buffer.from(`From: Alice <${from}>\r\nTo: <${to}>\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}@ac-test.fr>\r\n\r\nBonjour.\r\n`);
}

async function send(to: string[], subject: string, extra: Partial<Parameters<typeof submitMessage>[1]> = {}) {
  return submitMessage(env.app.ctx, { accountId: env.alice.id, raw: message(env.alice.address, to[0], subject), mailFrom: env.alice.address, rcptTo: to, saveToSent: false, ...extra });
}

/** The parts of a multipart/report by content type (mailparser folds message/delivery-status into the text). */
function reportParts(raw: Buffer): Map<string, string> {
  const s = raw.toString('utf8');
  const boundary = /boundary="([^"]+)"/.exec(s)![1];
  const out = new Map<string, string>();
  for (const part of s.split(`--${boundary}`).slice(1, -1)) {
    const i = part.indexOf('\r\n\r\n');
    const type = /Content-Type: ([^;\r]+)/i.exec(part.slice(0, i))![1].toLowerCase();
    out.set(type, part.slice(i + 4));
  }
  return out;
}

async function rowFor(rcpt: string) {
  return (await recipientRows(env.app)).filter((r) => r.rcpt === rcpt).at(-1)!;
}

test('temporary failure, then success after the back-off delay', async () => {
  let refusals = 1;
  env.sink.onRcpt = (a) => (a === 'later@example.org' && refusals-- > 0 ? { code: 451, message: '4.2.0 greylisted, come back later' } : null);
  const before = env.sink.messages.length;
  const r = await send(['later@example.org'], 'grey');
  assert.ok(r.queueId);
  assert.equal(await env.worker.runOnce(), 1);
  let row = await rowFor('later@example.org');
  assert.equal(row.state, 'deferred');
  assert.equal(row.attempts, 1);
  assert.match(row.last_error!, /451 4\.2\.0 greylisted/);
  assert.equal(Number(row.next_attempt_at), env.clock.now + backoff(1));
  assert.equal(await env.worker.runOnce(), 0, 'not due yet');
  env.clock.now += backoff(1);
  assert.equal(await env.worker.runOnce(), 1);
  row = await rowFor('later@example.org');
  assert.equal(row.state, 'delivered');
  assert.equal(env.sink.messages.length, before + 1);
  assert.equal((await getSubmission(env.app.ctx, env.alice.id, r.queueId!))!.done, true);
});

test('permanent failure: a DSN in the sender INBOX, French and English, with the remote reply', async () => {
  env.sink.onRcpt = (a) => (a === 'nobody@example.org' ? { code: 550, message: '5.1.1 <nobody@example.org>: Recipient address rejected: User unknown' } : null);
  const r = await send(['nobody@example.org', 'ok@example.org'], 'Conseil de classe');
  assert.equal(await env.worker.runOnce(), 2);
  assert.equal((await rowFor('nobody@example.org')).state, 'failed');
  assert.equal((await rowFor('ok@example.org')).state, 'delivered');
  const inbox = await mailboxOf(env.app, env.alice.id, 'inbox');
  assert.equal(inbox.length, 1);
  const dsn = inbox[0].raw;
  assert.doesNotMatch(dsn.toString('latin1'), /\r(?!\n)|(?<!\r)\n/);
  const p = await simpleParser(dsn);
  assert.match(p.subject!, /Non remis \/ Undelivered/);
  assert.match(String(p.headers.get('content-type') && (p.headers.get('content-type') as any).value), /multipart\/report/);
  assert.equal((p.headers.get('content-type') as any).params['report-type'], 'delivery-status');
  const human = Buffer.from(reportParts(dsn).get('text/plain')!, 'base64').toString('utf8');
  assert.match(human, /Votre message « Conseil de classe » n'a pas pu être remis/);
  assert.match(human, /could not be delivered/);
  assert.match(human, /nobody@example\.org/);
  assert.match(human, /Réponse du serveur distant mx\.example\.org : 550 5\.1\.1 <nobody@example\.org>: Recipient address rejected: User unknown/);
  assert.match(human, /Remote server mx\.example\.org replied: 550 5\.1\.1/);
  assert.doesNotMatch(human, /ok@example\.org/);
  const parts = reportParts(dsn);
  assert.deepEqual([...parts.keys()], ['text/plain', 'message/delivery-status', 'text/rfc822-headers']);
  const fields = parts.get('message/delivery-status')!;
  assert.match(fields, /Reporting-MTA: dns; mail\.ac-test\.fr/);
  assert.match(fields, /Final-Recipient: rfc822; nobody@example\.org\r\nAction: failed\r\nStatus: 5\.1\.1\r\nRemote-MTA: dns; mx\.example\.org\r\nDiagnostic-Code: smtp; 550 5\.1\.1/);
  assert.match(parts.get('text/rfc822-headers')!, /Subject: Conseil de classe/);
  assert.equal((await getSubmission(env.app.ctx, env.alice.id, r.queueId!))!.done, true);
});

test('null MX (RFC 7505) and unknown domains fail at once with a DSN', async () => {
  await send(['x@nullmx.example'], 'nullmx');
  await send(['x@no-such-domain.example'], 'nxdomain');
  assert.equal(await env.worker.runOnce(), 2);
  assert.match((await rowFor('x@nullmx.example')).last_error!, /^556 5\.1\.10 /);
  assert.match((await rowFor('x@no-such-domain.example')).last_error!, /^550 5\.1\.2 /);
  const inbox = await mailboxOf(env.app, env.alice.id, 'inbox');
  const texts = await Promise.all(inbox.map(async (m) => (await simpleParser(m.raw)).text ?? ''));
  assert.ok(texts.some((t) => /null MX/.test(t)));
});

test('a server that never accepts: one delay warning after 4 hours, a failure DSN after 5 days', async () => {
  env.sink.onRcpt = (a) => (a === 'full@example.org' ? { code: 452, message: '4.2.2 mailbox full' } : null);
  const inboxBefore = (await mailboxOf(env.app, env.alice.id, 'inbox')).length;
  const start = env.clock.now;
  await send(['full@example.org'], 'patience');
  let attempts = 0;
  while ((await rowFor('full@example.org')).state !== 'failed') {
    const row = await rowFor('full@example.org');
    env.clock.now = Math.max(env.clock.now, Number(row.next_attempt_at));
    assert.equal(await env.worker.runOnce(), 1);
    attempts++;
    assert.ok(attempts < 60, 'gives up in time');
  }
  const row = await rowFor('full@example.org');
  assert.ok(env.clock.now - start >= 5 * 24 * 3_600_000);
  assert.ok(env.clock.now - start < 5 * 24 * 3_600_000 + 4 * 3_600_000);
  const inbox = (await mailboxOf(env.app, env.alice.id, 'inbox')).slice(inboxBefore);
  const parsed = await Promise.all(inbox.map((m) => simpleParser(m.raw)));
  assert.deepEqual(parsed.map((p) => p.subject), ['Remise retardée / Delayed Mail (still being retried)', 'Non remis / Undelivered Mail Returned to Sender']);
  assert.match(Buffer.from(reportParts(inbox[0].raw).get('text/plain')!, 'base64').toString(), /452 4\.2\.2 mailbox full/);
  assert.match(reportParts(inbox[0].raw).get('message/delivery-status')!, /Action: delayed\r\nStatus: 4\.2\.2[\s\S]*Will-Retry-Until: /);
  assert.match(reportParts(inbox[1].raw).get('message/delivery-status')!, /Action: failed\r\nStatus: 5\.2\.2/);
  assert.equal(row.attempts, attempts);
  env.sink.onRcpt = () => null;
});

test('scheduled send: cancellable (undo send), or delivered at its time with the Sent copy', async () => {
  const sendAt = env.clock.now + 10_000;
  const undone = await send([env.bob.address, 'undo@example.org'], 'undo', { sendAt, saveToSent: true });
  const kept = await send([env.bob.address, 'kept@example.org'], 'kept', { sendAt, saveToSent: true });
  assert.deepEqual(undone.local.map((l) => l.state), ['scheduled']);
  const list = await listSubmissions(env.app.ctx, env.alice.id);
  assert.ok(list.find((s) => s.queueId === undone.queueId)!.cancellable);
  assert.equal(await env.worker.runOnce(), 0, 'nothing before sendAt');
  assert.equal((await mailboxOf(env.app, env.bob.id, 'inbox')).length, 0, 'local recipients wait too');
  await cancelSubmission(env.app.ctx, env.alice.id, undone.queueId!);
  await assert.rejects(cancelSubmission(env.app.ctx, env.bob.id, kept.queueId!), (e) => e instanceof SubmissionError && e.code === 'NOT_FOUND', 'another account cannot cancel');
  assert.equal(await getSubmission(env.app.ctx, env.alice.id, undone.queueId!), null);
  const sinkBefore = env.sink.messages.length;
  env.clock.now = sendAt;
  assert.equal(await env.worker.runOnce(), 2);
  assert.deepEqual((await mailboxOf(env.app, env.bob.id, 'inbox')).map((m) => m.subject), ['kept']);
  assert.deepEqual(env.sink.messages.slice(sinkBefore).map((m) => m.to), [['kept@example.org']]);
  const sent = await mailboxOf(env.app, env.alice.id, 'sent');
  assert.deepEqual(sent.map((m) => m.subject), ['kept']);
  await assert.rejects(cancelSubmission(env.app.ctx, env.alice.id, kept.queueId!), (e) => e instanceof SubmissionError && e.code === 'NOT_CANCELLABLE');
});

test('JMAP-style submission saves to Sent by default and refuses a forged sender', async () => {
  await send([env.bob.address], 'jmap', { saveToSent: undefined });
  assert.ok((await mailboxOf(env.app, env.alice.id, 'sent')).some((m) => m.subject === 'jmap' && /\\Seen/.test(m.flags)));
  await assert.rejects(
    submitMessage(env.app.ctx, { accountId: env.alice.id, raw: message(env.bob.address, 'x@example.org', 'forged'), mailFrom: env.alice.address, rcptTo: ['x@example.org'] }),
    (e) => e instanceof SubmissionError && e.responseCode === 550 && e.status === '5.7.1',
  );
});

test('queue CLI: list with state and last error, retry now, delete releases the blob', async () => {
  env.sink.onRcpt = (a) => (a === 'cli@example.org' ? { code: 421, message: '4.3.2 try later' } : null);
  const r = await send(['cli@example.org'], 'cli');
  await env.worker.runOnce();
  const out = await queueCommand(env.app.ctx, ['list']);
  assert.match(out, new RegExp(`#${r.queueId}  from <${env.alice.address}>`));
  assert.match(out, /deferred  cli@example\.org  attempts 1  next .*last error: .*421 4\.3\.2 try later/);
  assert.match(await queueCommand(env.app.ctx, ['retry', String(r.queueId)]), /1 destinataire/);
  assert.equal(Number((await rowFor('cli@example.org')).next_attempt_at), env.clock.now);
  const m = await env.app.ctx.store.db.selectFrom('queue_messages').select('blob_id').where('id', '=', r.queueId!).executeTakeFirstOrThrow();
  const refBefore = Number((await env.app.ctx.store.db.selectFrom('blobs').select('refcount').where('id', '=', m.blob_id).executeTakeFirstOrThrow()).refcount);
  assert.match(await queueCommand(env.app.ctx, ['delete', String(r.queueId)]), /supprimé/);
  const blob = await env.app.ctx.store.db.selectFrom('blobs').select(['refcount', 'unreferenced_at']).where('id', '=', m.blob_id).executeTakeFirstOrThrow();
  assert.equal(Number(blob.refcount), refBefore - 1);
  assert.notEqual(blob.unreferenced_at, null);
  assert.doesNotMatch(await queueCommand(env.app.ctx, ['list']), /cli@example\.org/);
  await assert.rejects(queueCommand(env.app.ctx, ['retry', 'abc']), /usage/);
  env.sink.onRcpt = () => null;
});

test('dns command prints DKIM (both keys), SPF, DMARC, MX and SRV records', async () => {
  const out = await dnsCommand(env.app.ctx, 'ac-test.fr');
  assert.match(out, /^ac-test\.fr\.  IN MX 10 mail\.ac-test\.fr\.$/m);
  assert.match(out, /^ac-test\.fr\.  IN TXT "v=spf1 mx -all"$/m);
  assert.match(out, /^preau-rsa\._domainkey\.ac-test\.fr\.  IN TXT \( "v=DKIM1; k=rsa; p=MII/m);
  assert.match(out, /^preau-ed\._domainkey\.ac-test\.fr\.  IN TXT "v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}="$/m);
  assert.match(out, /^_dmarc\.ac-test\.fr\.  IN TXT "v=DMARC1; p=quarantine/m);
  assert.match(out, /^_submissions\._tcp\.ac-test\.fr\.  IN SRV 0 1 465 mail\.ac-test\.fr\.$/m);
  assert.match(out, /^_imaps\._tcp\.ac-test\.fr\. +IN SRV 0 1 993 mail\.ac-test\.fr\.$/m);
  assert.match(out, /^autoconfig\.ac-test\.fr\. +IN CNAME mail\.ac-test\.fr\.$/m);
  await assert.rejects(dnsCommand(env.app.ctx, 'unknown.example'), /unknown domain/);
});

test('smarthost: everything goes through the relay, with authentication', async () => {
  const relayed = await startSendEnv({}, {}, { auth: { user: 'relay-user', pass: 'relay-secret' } });
  try {
    // The relay is the sink itself; the resolver would not know these domains.
    relayed.app.ctx.config.relayHost = `127.0.0.1:${relayed.sink.port}`;
    relayed.app.ctx.config.relayUser = 'relay-user';
    relayed.app.ctx.config.relayPassword = 'relay-secret';
    await submitMessage(relayed.app.ctx, { accountId: relayed.alice.id, raw: message(relayed.alice.address, 'a@anywhere.example', 'relay'), mailFrom: relayed.alice.address, rcptTo: ['a@anywhere.example', 'b@elsewhere.example'] });
    assert.equal(await relayed.worker.runOnce(), 2);
    assert.equal(relayed.sink.messages.length, 1, 'one transaction for both domains through the relay');
    assert.deepEqual(relayed.sink.messages[0].to.sort(), ['a@anywhere.example', 'b@elsewhere.example']);
    relayed.app.ctx.config.relayPassword = 'wrong';
    await submitMessage(relayed.app.ctx, { accountId: relayed.alice.id, raw: message(relayed.alice.address, 'c@anywhere.example', 'relay2'), mailFrom: relayed.alice.address, rcptTo: ['c@anywhere.example'] });
    await relayed.worker.runOnce();
    const rows = await recipientRows(relayed.app);
    assert.equal(rows.at(-1)!.state, 'deferred', 'an authentication failure is retried, not bounced');
  } finally {
    await relayed.stop();
  }
});

test('per-domain concurrency cap: never more connections to one domain than configured', async () => {
  const capped = await startSendEnv({ outboundDomainConcurrency: 2, outboundConcurrency: 10 });
  try {
    capped.sink.replyDelayMs = 50;
    for (let i = 0; i < 8; i++) {
      await submitMessage(capped.app.ctx, { accountId: capped.alice.id, raw: message(capped.alice.address, `c${i}@example.org`, `cap${i}`), mailFrom: capped.alice.address, rcptTo: [`c${i}@example.org`], saveToSent: false });
    }
    assert.equal(await capped.worker.runOnce(), 8);
    assert.equal(capped.sink.messages.length, 8);
    assert.equal(capped.sink.maxActive, 2);
  } finally {
    await capped.stop();
  }
});
