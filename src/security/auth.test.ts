/** Inbound authentication end to end: DKIM-signed, forged and SPF-only messages against injected DNS. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dkimSign } from 'mailauth';
import { authenticateInbound, stripForeignAuthResults, withAuthHeaders } from './auth.ts';
import { analyze, keywordsFor } from './verdict.ts';
import { resolvePolicy } from './policy.ts';
import { dkimKey, fakeResolver, parseForTest } from './test-support.ts';

const key = dkimKey();
const dns = fakeResolver({
  'ac-paris.fr': { TXT: ['v=spf1 ip4:192.0.2.10 -all'] },
  'sel._domainkey.ac-paris.fr': { TXT: [key.record] },
  '_dmarc.ac-paris.fr': { TXT: ['v=DMARC1; p=reject; adkim=r; aspf=r'] },
  'quarantine.example': { TXT: ['v=spf1 ip4:198.51.100.7 -all'] },
  'mailer.example': { TXT: ['v=spf1 ip4:203.0.113.5 -all'] },
  '_dmarc.quarantine.example': { TXT: ['v=DMARC1; p=quarantine'] },
});
const policy = resolvePolicy({ domain: 'ac-paris.fr', orgName: 'Académie de Paris' }, { officialSenders: [{ address: 'paie@ac-paris.fr', name: 'Service de paie' }] });

function message(from: string, subject: string, body: string): Buffer {
  return Buffer.from(
    `From: ${from}\r\nTo: marie.curie@ac-paris.fr\r\nSubject: ${subject}\r\nDate: Mon, 2 Nov 2026 09:00:00 +0100\r\nMessage-ID: <${Math.random().toString(36).slice(2)}@ac-paris.fr>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`,
  );
}

function signOpts(privateKey: string) {
  const d = { signingDomain: 'ac-paris.fr', selector: 'sel', privateKey };
  return { ...d, signatureData: [d] };
}

async function signed(raw: Buffer): Promise<Buffer> {
  const s = await dkimSign(raw, signOpts(key.privateKey));
  assert.equal(s.errors.length, 0);
  return Buffer.concat([Buffer.from(s.signatures), raw]);
}

const ctx = { ip: '192.0.2.10', helo: 'mx.ac-paris.fr', mailFrom: 'paie@ac-paris.fr', hostname: 'mx.preau.test', resolver: dns };

test('a DKIM-signed message from the official sender passes and is verified', async () => {
  const raw = await signed(message('Service de paie <paie@ac-paris.fr>', 'Votre bulletin de paie de novembre', 'Votre bulletin de paie est disponible dans votre espace ENSAP.'));
  const auth = await authenticateInbound(raw, ctx);
  assert.equal(auth.dkim.result, 'pass');
  assert.equal(auth.dkim.signatures[0].aligned, true);
  assert.equal(auth.spf.result, 'pass');
  assert.equal(auth.dmarc.result, 'pass');
  assert.match(auth.header, /^Authentication-Results: mx\.preau\.test;/);
  assert.match(auth.header, /dkim=pass/);
  assert.match(auth.header, /dmarc=pass/);
  const v = analyze({ raw, parsed: await parseForTest(raw), auth, policy });
  assert.equal(v.verified, true);
  assert.equal(v.action, 'inbox');
  assert.equal(v.phishing, false);
  assert.equal(v.external, false);
  assert.deepEqual(keywordsFor(v), []);
});

test('a tampered body breaks DKIM; from a foreign IP DMARC fails and p=reject refuses at DATA', async () => {
  const good = await signed(message('Service de paie <paie@ac-paris.fr>', 'Votre bulletin de paie', 'Bulletin disponible.'));
  const forged = Buffer.from(good.toString().replace('Bulletin disponible.', 'Confirmez vos identifiants ici.'));
  const auth = await authenticateInbound(forged, { ...ctx, ip: '203.0.113.66', helo: 'evil.example' });
  // RFC 6376 §6.1.3: a body hash mismatch; mailauth reports it as neutral ("body hash did not verify").
  assert.ok(['fail', 'neutral'].includes(auth.dkim.result), auth.dkim.result);
  assert.equal(auth.spf.result, 'fail');
  assert.equal(auth.dmarc.result, 'fail');
  assert.equal(auth.dmarc.policy, 'reject');
  const v = analyze({ raw: forged, parsed: await parseForTest(forged), auth, policy });
  assert.equal(v.action, 'reject');
  assert.deepEqual(v.smtp && [v.smtp.code, v.smtp.enhanced], [550, '5.7.1']);
  assert.equal(v.verified, false);
  const names = v.tags.map((t) => t.name);
  for (const n of ['DKIM_INVALID', 'SPF_FAIL', 'DMARC_FAIL', 'DMARC_REJECT_POLICY', 'SPOOFED_INSTITUTION_DOMAIN', 'OFFICIAL_NAME_UNVERIFIED']) assert.ok(names.includes(n as never), n);
});

test('a message signed with a different key fails DKIM', async () => {
  const other = dkimKey();
  const raw = message('Rectorat <rectorat@ac-paris.fr>', 'Circulaire', 'Texte.');
  const s = await dkimSign(raw, signOpts(other.privateKey));
  const auth = await authenticateInbound(Buffer.concat([Buffer.from(s.signatures), raw]), { ...ctx, ip: '203.0.113.66' });
  assert.equal(auth.dkim.result, 'fail');
  assert.equal(auth.dmarc.result, 'fail');
});

test('DMARC p=quarantine failure goes to Junk when configured, inbox when not', async () => {
  const raw = message('Bob <bob@quarantine.example>', 'Bonjour', 'Un message banal.');
  const auth = await authenticateInbound(raw, { ip: '203.0.113.5', helo: 'x.example', mailFrom: 'bounce@mailer.example', hostname: 'mx.preau.test', resolver: dns });
  assert.equal(auth.dmarc.result, 'fail');
  assert.equal(auth.dmarc.policy, 'quarantine');
  assert.equal(auth.spf.result, 'pass'); // SPF passes for the bounce domain, which is not aligned (RFC 7489 §3.1.2)
  const parsed = await parseForTest(raw);
  assert.equal(analyze({ raw, parsed, auth, policy }).action, 'junk');
  const lax = resolvePolicy({ domain: 'ac-paris.fr', orgName: 'Académie de Paris' }, { dmarcQuarantineToJunk: false });
  assert.equal(analyze({ raw, parsed, auth, policy: lax }).action, 'inbox');
});

test('stripForeignAuthResults removes only fields claiming our authserv-id', () => {
  const raw = Buffer.from(
    'Authentication-Results: mx.preau.test; dkim=pass\r\n header.d=ac-paris.fr\r\n' +
      'Authentication-Results: mx.google.com; spf=pass\r\n' +
      'authentication-results:   MX.PREAU.TEST (forged) ; dmarc=pass\r\n' +
      'Subject: Authentication-Results: mx.preau.test\r\n\r\nAuthentication-Results: mx.preau.test; in the body stays\r\n',
  );
  const out = stripForeignAuthResults(raw, 'mx.preau.test').toString();
  assert.equal(
    out,
    'Authentication-Results: mx.google.com; spf=pass\r\nSubject: Authentication-Results: mx.preau.test\r\n\r\nAuthentication-Results: mx.preau.test; in the body stays\r\n',
  );
  const untouched = Buffer.from('Subject: x\r\n\r\nbody');
  assert.equal(stripForeignAuthResults(untouched, 'mx.preau.test'), untouched);
});

test('withAuthHeaders prepends our result after removing a forged one', async () => {
  const raw = Buffer.concat([Buffer.from('Authentication-Results: mx.preau.test; dmarc=pass\r\n'), message('a@ac-paris.fr', 's', 'b')]);
  const auth = await authenticateInbound(raw, { ...ctx, ip: '203.0.113.66' });
  const out = withAuthHeaders(raw, auth, 'mx.preau.test').toString();
  assert.equal(out.match(/^Authentication-Results: mx\.preau\.test/gim)?.length, 1);
  assert.match(out, /dmarc=fail/);
});

test('property: stripping keeps the body and every other field, and is idempotent', async () => {
  const fc = (await import('fast-check')).default;
  const field = fc.oneof(
    fc.constantFrom('Subject: x', 'From: a@b.example', 'Authentication-Results: mx.google.com; spf=pass', 'X-Long: a\r\n folded'),
    fc.constantFrom('Authentication-Results: mx.preau.test; dkim=pass', 'authentication-results:MX.PREAU.TEST;dmarc=pass', 'Authentication-Results: mx.preau.test (x)\r\n ; spf=pass'),
  );
  fc.assert(
    fc.property(fc.array(field, { maxLength: 8 }), fc.string({ maxLength: 40 }), (fields, body) => {
      const raw = Buffer.from(fields.map((f) => f + '\r\n').join('') + '\r\n' + body, 'latin1');
      const out = stripForeignAuthResults(raw, 'mx.preau.test');
      const kept = fields.filter((f) => !/^authentication-results:\s*mx\.preau\.test\b/i.test(f));
      assert.equal(out.toString('latin1'), kept.map((f) => f + '\r\n').join('') + '\r\n' + body);
      assert.deepEqual(stripForeignAuthResults(out, 'mx.preau.test'), out);
    }),
  );
});
