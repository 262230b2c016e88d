/** The inspection worker pool gives exactly the inline result (DNS asked of the main thread), and a
 *  worker that dies loses no message: its work is redone inline. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dkimSign } from 'mailauth';
import { resolvePolicy } from './policy.ts';
import { dkimKey, fakeResolver } from './test-support.ts';
import { inspectCore } from './inspect-core.ts';
import { createInspectPool } from './inspect-pool.ts';

const key = dkimKey();
const zone = {
  'ac-paris.fr': { TXT: ['v=spf1 ip4:192.0.2.10 -all'] },
  'sel._domainkey.ac-paris.fr': { TXT: [key.record] },
  '_dmarc.ac-paris.fr': { TXT: ['v=DMARC1; p=reject; adkim=r; aspf=r'] },
};
const policy = resolvePolicy({ domain: 'ac-paris.fr', orgName: 'Académie de Paris' }, { officialSenders: [{ address: 'paie@ac-paris.fr', name: 'Service de paie' }] });
const trace = 'Return-Path: <paie@ac-paris.fr>\r\nReceived: from mx.ac-paris.fr ([192.0.2.10])\r\n\tby mx.preau.test (Préau) with ESMTPS id ABC;\r\n\tMon, 2 Nov 2026 09:00:01 +0000\r\n';

async function signedMessage(): Promise<Buffer> {
  const raw = Buffer.from(
    'From: Service de paie <paie@ac-paris.fr>\r\nTo: marie.curie@ac-paris.fr\r\nSubject: Votre bulletin de paie\r\nDate: Mon, 2 Nov 2026 09:00:00 +0100\r\nMessage-ID: <pool-1@ac-paris.fr>\r\n' +
      'Authentication-Results: mx.preau.test; dkim=pass (forged)\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nVotre bulletin est disponible. Connectez-vous ici : http://paie-ac-paris.example/login\r\n',
  );
  const d = { signingDomain: 'ac-paris.fr', selector: 'sel', privateKey: key.privateKey };
  const s = await dkimSign(raw, { ...d, signatureData: [d] });
  return Buffer.concat([Buffer.from(s.signatures), raw]);
}

const input = (raw: Buffer) => ({ raw, trace, ip: '192.0.2.10', helo: 'mx.ac-paris.fr', mailFrom: 'paie@ac-paris.fr', hostname: 'mx.preau.test' });

test('a worker inspects exactly as the inline code does, its DNS answered by the main thread', async () => {
  const asked: string[] = [];
  const base = fakeResolver(zone);
  const resolver = (name: string, rrtype: string) => {
    asked.push(`${rrtype} ${name}`);
    return base(name, rrtype);
  };
  const raw = await signedMessage();
  const expected = await inspectCore(input(raw), policy, fakeResolver(zone));
  const pool = createInspectPool({ policy, resolver, size: 1 });
  await pool.whenReady();
  try {
    const got = await pool.run(input(raw));
    assert.ok(Buffer.isBuffer(got.raw));
    assert.equal(got.raw.toString('latin1'), expected.raw.toString('latin1'));
    assert.deepEqual(got.parsed, expected.parsed);
    assert.deepEqual(got.auth, expected.auth);
    assert.deepEqual(got.tags, expected.tags);
    assert.equal(got.auth.dkim.result, 'pass');
    assert.equal(got.auth.dmarc.result, 'pass');
    assert.ok(asked.includes('TXT sel._domainkey.ac-paris.fr'), 'DNS went through the main thread resolver');
    // The stored message starts with the trace, then our results; the forged field is gone.
    const text = got.raw.toString('utf8');
    assert.ok(text.startsWith(trace + 'Received-SPF:') || text.startsWith(trace + 'Authentication-Results:') || text.startsWith(trace + 'ARC-'), text.slice(0, 300));
    assert.doesNotMatch(text, /dkim=pass \(forged\)/);
    assert.equal(got.raw.subarray(got.messageOffset).toString('utf8').split('\r\n\r\n')[0]!.includes('DKIM-Signature:'), true);
    // Several at once are all answered.
    const many = await Promise.all(Array.from({ length: 20 }, () => pool.run(input(raw))));
    for (const m of many) assert.deepEqual(m.tags, expected.tags);
  } finally {
    await pool.close();
  }
});

test('DNS failures cross the thread with their code (NXDOMAIN is not a temporary error)', async () => {
  const raw = Buffer.from('From: x@nowhere.example\r\nTo: a@ac-paris.fr\r\nSubject: t\r\n\r\nbody\r\n');
  const pool = createInspectPool({ policy, resolver: fakeResolver({}), size: 1 });
  await pool.whenReady();
  try {
    const got = await pool.run({ ...input(raw), mailFrom: 'x@nowhere.example' });
    const inline = await inspectCore({ ...input(raw), mailFrom: 'x@nowhere.example' }, policy, fakeResolver({}));
    assert.deepEqual(got.auth, inline.auth);
    assert.notEqual(got.auth.spf.result, 'temperror');
  } finally {
    await pool.close();
  }
});

test('messages in flight on a worker that dies are inspected inline, and so are later ones', async () => {
  const raw = await signedMessage();
  const pool = createInspectPool({ policy, resolver: fakeResolver(zone), size: 1 });
  await pool.whenReady();
  try {
    await pool.run(input(raw));
    assert.equal(pool.threads().length, 1);
    // Kill the worker while messages are queued to it.
    const queued = Array.from({ length: 5 }, () => pool.run(input(raw)));
    await Promise.all(pool.threads().map((w) => w.terminate()));
    const results = await Promise.all(queued);
    for (const r of results) assert.equal(r.auth.dkim.result, 'pass');
    const later = await pool.run(input(raw));
    assert.equal(later.auth.dmarc.result, 'pass');
    assert.equal(pool.threads().length, 0, 'a dead worker is not used again');
  } finally {
    await pool.close();
  }
});
