/** Protection end to end through the real MX: DKIM-signed and forged mail against injected DNS (RFC 6376, RFC 7208, RFC 7489, RFC 8601 §5). */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { dkimSign } from 'mailauth';
import { startTestApp, emptyResolver, type TestApp } from './helpers/app.ts';
import { dkimKey } from '../src/security/test-support.ts';
import { blockSender } from '../src/security/lists.ts';
import type { BlobId } from '../src/store/ids.ts';

// One RSA key made here; its public half is served by the injected resolver.
const key = dkimKey(1024);
const records = {
  // The institution sends from 127.0.0.1 (the test client) and signs with selector "sel".
  'TXT:ac-test.fr': [['v=spf1 ip4:127.0.0.1 -all']],
  'TXT:sel._domainkey.ac-test.fr': [[key.record]],
  'TXT:_dmarc.ac-test.fr': [['v=DMARC1; p=reject; adkim=r; aspf=r']],
  // A partner whose DMARC policy asks for quarantine; its mail never comes from 127.0.0.1.
  'TXT:partenaire.example': [['v=spf1 ip4:192.0.2.44 -all']],
  'TXT:_dmarc.partenaire.example': [['v=DMARC1; p=quarantine']],
};

let app: TestApp;
let policyDir: string;
let elodie: { id: number; address: string };
let jean: { id: number; address: string };

interface Seen {
  role: string | null;
  flags: string[];
  verdict: any;
  raw: string;
}

/** What the user sees of the newest message with this subject: its mailbox role, its flags, its verdict and stored bytes. */
async function seen(accountId: number, subject: string): Promise<Seen> {
  const row = await app.ctx.store.db
    .selectFrom('mailbox_messages')
    .innerJoin('mailboxes', 'mailboxes.id', 'mailbox_messages.mailbox_id')
    .innerJoin('messages', 'messages.id', 'mailbox_messages.message_id')
    .innerJoin('bodies', 'bodies.id', 'messages.body_id')
    .select(['mailboxes.role', 'mailbox_messages.flags', 'messages.verdict', 'messages.blob_id'])
    .where('mailbox_messages.account_id', '=', accountId)
    .where('mailbox_messages.expunged_modseq', 'is', null)
    .where('bodies.subject', '=', subject)
    .orderBy('messages.id', 'desc')
    .executeTakeFirst();
  assert.ok(row, `no message "${subject}" for account ${accountId}`);
  const raw = (await app.ctx.blobs.get(row.blob_id as BlobId)).toString('utf8');
  return { role: row.role, flags: row.flags.split(' ').filter(Boolean), verdict: row.verdict ? JSON.parse(row.verdict) : null, raw };
}

function header(raw: string): string {
  const end = raw.indexOf('\r\n\r\n');
  return raw.slice(0, end < 0 ? raw.length : end + 2);
}

/** The unfolded fields of a header block with this name (case-insensitive). */
function fields(raw: string, name: string): string[] {
  const unfolded = header(raw).replace(/\r\n[ \t]+/g, ' ');
  return unfolded.split('\r\n').filter((l) => l.toLowerCase().startsWith(name.toLowerCase() + ':'));
}

let counter = 0;
function message(m: { from: string; to: string; subject: string; body?: string; html?: string; headers?: string[]; attachment?: { name: string; content: Buffer } }): Buffer {
  counter++;
  const head = [
    ...(m.headers ?? []),
    `From: ${m.from}`,
    `To: ${m.to}`,
    `Subject: ${m.subject}`,
    'Date: Mon, 02 Nov 2026 09:00:00 +0100',
    `Message-ID: <prot${counter}.${process.pid}@test.example>`,
    'MIME-Version: 1.0',
  ];
  let body: string;
  if (m.attachment) {
    const b64 = (m.attachment.content.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
    head.push('Content-Type: multipart/mixed; boundary="sep"');
    body = [
      '--sep', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', m.body ?? '', '',
      '--sep', `Content-Type: application/octet-stream; name="${m.attachment.name}"`, 'Content-Transfer-Encoding: base64', `Content-Disposition: attachment; filename="${m.attachment.name}"`, '', b64, '',
      '--sep--', '',
    ].join('\r\n');
  } else if (m.html) {
    head.push('Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: 8bit');
    body = m.html + '\r\n';
  } else {
    head.push('Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit');
    body = (m.body ?? 'Bonjour.') + '\r\n';
  }
  return Buffer.from(head.join('\r\n') + '\r\n\r\n' + body, 'utf8');
}

async function signed(raw: Buffer): Promise<Buffer> {
  const d = { signingDomain: 'ac-test.fr', selector: 'sel', privateKey: key.privateKey };
  const s = await dkimSign(raw, { ...d, signatureData: [d] });
  assert.equal(s.errors.length, 0, JSON.stringify(s.errors));
  return Buffer.concat([Buffer.from(s.signatures), raw]);
}

/** Send raw bytes through the MX, as a remote MTA would (EHLO, MAIL FROM, RCPT TO, DATA). */
async function send(mailFrom: string, to: string[], raw: Buffer): Promise<string> {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: app.ports.smtp, secure: false, ignoreTLS: true, name: 'mx.remote.example' });
  try {
    const info = await t.sendMail({ envelope: { from: mailFrom, to }, raw });
    return info.response;
  } finally {
    t.close();
  }
}

before(async () => {
  policyDir = mkdtempSync(join(tmpdir(), 'preau-policy-'));
  const policyFile = join(policyDir, 'policy.json');
  writeFileSync(policyFile, JSON.stringify({ officialSenders: [{ address: 'paie@ac-test.fr', name: 'Service de paie' }], externalSubjectTag: '[EXTERNE]', reportAddress: 'securite@ac-test.fr' }));
  app = await startTestApp({ securityPolicy: policyFile }, { resolver: emptyResolver(records), web: false });
  elodie = await app.account('Élodie', 'Lefèvre');
  jean = await app.account('Jean', 'Martin');
});
after(async () => {
  await app.stop();
  rmSync(policyDir, { recursive: true, force: true });
});

test('a DKIM-signed message from the official payroll sender lands in INBOX, verified, with our Authentication-Results', async () => {
  const subject = 'Votre bulletin de paie de novembre';
  const raw = await signed(message({ from: 'Service de paie <paie@ac-test.fr>', to: elodie.address, subject, body: 'Votre bulletin de paie est disponible dans votre espace ENSAP.' }));
  assert.match(await send('paie@ac-test.fr', [elodie.address], raw), /^250 /);
  const s = await seen(elodie.id, subject);
  assert.equal(s.role, 'inbox');
  assert.ok(!s.flags.includes('$Junk') && !s.flags.includes('$Phishing'), s.flags.join(' '));
  assert.equal(s.verdict.verified, true);
  assert.equal(s.verdict.external, false);
  assert.equal(s.verdict.phishing, false);
  assert.equal(s.verdict.action, 'inbox');
  assert.deepEqual([s.verdict.auth.dkim, s.verdict.auth.spf, s.verdict.auth.dmarc], ['pass', 'pass', 'pass']);
  assert.ok(s.verdict.tags.some((t: any) => t.name === 'VERIFIED_OFFICIAL_SENDER'));
  // No external tag for institutional mail.
  assert.equal(s.verdict.subjectTag, null);
  const ar = fields(s.raw, 'Authentication-Results');
  assert.equal(ar.length, 1);
  assert.match(ar[0], /^Authentication-Results: mail\.ac-test\.fr;/);
  assert.match(ar[0], /dkim=pass/);
  assert.match(ar[0], /dmarc=pass/);
  // The stored bytes still carry the original signed message unchanged after the prepended fields.
  assert.ok(s.raw.endsWith(raw.toString('utf8')), 'the signed message is stored byte for byte');
});

test('a forged message claiming the institution (DMARC p=reject) is refused 550 5.7.1 at DATA and never stored', async () => {
  const subject = 'Mise à jour de votre messagerie académique';
  // Unsigned, from a foreign envelope domain: neither DKIM nor SPF aligns with ac-test.fr.
  const forged = message({ from: 'Rectorat <rectorat@ac-test.fr>', to: elodie.address, subject, body: 'Merci de confirmer votre mot de passe.' });
  await assert.rejects(send('bounce@evil.example', [elodie.address], forged), (e: any) => {
    assert.equal(e.responseCode, 550);
    assert.match(e.response, /^550 5\.7\.1 .*DMARC.*ac-test\.fr/);
    return true;
  });
  // Signed, then altered in transit: the signature breaks and DMARC fails the same way.
  const good = await signed(message({ from: 'Service de paie <paie@ac-test.fr>', to: elodie.address, subject: 'Bulletin altéré', body: 'Bulletin disponible.' }));
  const altered = Buffer.from(good.toString('utf8').replace('Bulletin disponible.', 'Confirmez vos identifiants ici.'), 'utf8');
  await assert.rejects(send('bounce@evil.example', [elodie.address], altered), (e: any) => e.responseCode === 550 && /^550 5\.7\.1/.test(e.response));
  const stored = await app.ctx.store.db.selectFrom('messages').innerJoin('bodies', 'bodies.id', 'messages.body_id').select('messages.id').where('bodies.subject', 'in', [subject, 'Bulletin altéré']).execute();
  assert.equal(stored.length, 0);
});

test('DMARC p=quarantine failing mail goes to Junk with $Junk', async () => {
  const subject = 'Devis pour la sortie scolaire';
  const raw = message({ from: 'Partenaire <contact@partenaire.example>', to: elodie.address, subject, body: 'Veuillez trouver notre devis.' });
  assert.match(await send('contact@partenaire.example', [elodie.address], raw), /^250 /);
  const s = await seen(elodie.id, subject);
  assert.equal(s.role, 'junk');
  assert.ok(s.flags.includes('$Junk'), s.flags.join(' '));
  assert.ok(!s.flags.includes('$Phishing'));
  assert.equal(s.verdict.auth.dmarc, 'fail');
  assert.equal(s.verdict.auth.dmarcPolicy, 'quarantine');
  assert.ok(s.verdict.tags.some((t: any) => t.name === 'DMARC_QUARANTINE_POLICY'));
});

test('a "Rectorat" lure from outside asking for credentials behind a misleading link goes to Junk with $Junk $Phishing and French reasons', async () => {
  const subject = 'Votre boîte aux lettres est pleine';
  const html =
    '<html><body><p>Bonjour,</p><p>Votre boîte aux lettres académique est pleine. Pour éviter la suspension de votre compte, ' +
    'confirmez vos identifiants sous 24 heures en vous connectant ici :</p>' +
    '<p><a href="https://acad-securite.example/login.php">https://webmail.ac-test.fr</a></p><p>Le Rectorat</p></body></html>';
  const raw = message({ from: '"Rectorat" <support@acad-securite.example>', to: elodie.address, subject, html });
  assert.match(await send('support@acad-securite.example', [elodie.address], raw), /^250 /);
  const s = await seen(elodie.id, subject);
  assert.equal(s.role, 'junk');
  assert.ok(s.flags.includes('$Junk') && s.flags.includes('$Phishing'), s.flags.join(' '));
  assert.equal(s.verdict.phishing, true);
  assert.equal(s.verdict.external, true);
  assert.equal(s.verdict.verified, false);
  const names = s.verdict.tags.map((t: any) => t.name);
  for (const n of ['FROM_DISPLAY_IMPERSONATION', 'CREDENTIAL_REQUEST', 'LINK_TEXT_MISMATCH']) assert.ok(names.includes(n), `${n} in ${names}`);
  const reasons: string[] = s.verdict.reasons;
  assert.ok(reasons.some((r) => r.includes('« Rectorat »') && /extérieur/.test(r)), reasons.join(' | '));
  assert.ok(reasons.some((r) => r.includes('webmail.ac-test.fr') && r.includes('acad-securite.example')), reasons.join(' | '));
});

test('an executable attachment is named in dangerousAttachments and filed in Junk', async () => {
  const subject = 'Facture en attente de règlement';
  const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]);
  const raw = message({ from: 'Comptabilité <compta@fournisseur.example>', to: elodie.address, subject, body: 'Veuillez trouver la facture ci-jointe.', attachment: { name: 'facture.pdf.exe', content: exe } });
  assert.match(await send('compta@fournisseur.example', [elodie.address], raw), /^250 /);
  const s = await seen(elodie.id, subject);
  assert.deepEqual(s.verdict.dangerousAttachments, ['facture.pdf.exe']);
  assert.ok(s.verdict.tags.some((t: any) => t.name === 'EXECUTABLE_ATTACHMENT'));
  assert.equal(s.role, 'junk');
  assert.ok(s.flags.includes('$Junk'));
  assert.ok(s.verdict.reasons.some((r: string) => r.includes('facture.pdf.exe')), s.verdict.reasons.join(' | '));
});

test('an incoming Authentication-Results claiming our authserv-id is removed and ours added; a third party one is kept', async () => {
  const subject = 'Résultats forgés';
  const raw = message({
    from: 'Parent <parent.eleve@famille.example>',
    to: elodie.address,
    subject,
    headers: [
      'Authentication-Results: mail.ac-test.fr; dkim=pass header.d=ac-test.fr; dmarc=pass header.from=ac-test.fr',
      'authentication-results:  MAIL.AC-TEST.FR (forged);\r\n\tspf=pass smtp.mailfrom=forged.example',
      'Authentication-Results: mx.relay.example; spf=pass smtp.mailfrom=famille.example',
    ],
    body: 'Bonjour, voici le mot pour la sortie.',
  });
  assert.match(await send('parent.eleve@famille.example', [elodie.address], raw), /^250 /);
  const s = await seen(elodie.id, subject);
  const ar = fields(s.raw, 'Authentication-Results');
  const ours = ar.filter((f) => /^authentication-results:\s*mail\.ac-test\.fr\b/i.test(f));
  assert.equal(ours.length, 1, ar.join('\n'));
  assert.doesNotMatch(ours[0], /header\.d=ac-test\.fr|forged/);
  assert.match(ours[0], /dmarc=none|dmarc=fail/);
  assert.ok(ar.some((f) => f.includes('mx.relay.example')), 'a third party result is kept');
  assert.ok(!s.raw.includes('smtp.mailfrom=forged.example'));
  // Ours comes before the message's own header fields (prepended, RFC 8601 §4).
  assert.ok(s.raw.indexOf(ours[0].slice(0, 40)) < s.raw.indexOf('From: Parent'));
});

test('an external sender is marked external; the subject tag is a display property, the stored subject is untouched', async () => {
  const subject = 'Sortie au musée jeudi';
  const raw = message({ from: 'Camille Durand <camille.durand@gmail.com>', to: elodie.address, subject, body: 'Bonjour Madame, ma fille sera absente jeudi.' });
  assert.match(await send('camille.durand@gmail.com', [elodie.address], raw), /^250 /);
  const s = await seen(elodie.id, subject);
  assert.equal(s.role, 'inbox');
  assert.deepEqual(s.flags.filter((f) => f.startsWith('$')), []);
  assert.equal(s.verdict.external, true);
  assert.equal(s.verdict.phishing, false);
  assert.ok(s.verdict.tags.some((t: any) => t.name === 'EXTERNAL_SENDER'));
  assert.equal(s.verdict.subjectTag, `[EXTERNE] ${subject}`);
  assert.deepEqual(fields(s.raw, 'Subject'), [`Subject: ${subject}`]);
});

test('one message, two recipients: the one who blocked the sender gets it in Junk, the other in INBOX', async () => {
  await blockSender(app.ctx.store, jean.id as never, '@lettre-info.example');
  const subject = 'Lettre d’information de novembre';
  const raw = message({ from: 'Lettre <news@lettre-info.example>', to: `${elodie.address}, ${jean.address}`, subject, body: 'Les nouveautés du mois.' });
  assert.match(await send('news@lettre-info.example', [elodie.address, jean.address], raw), /^250 /);
  const e = await seen(elodie.id, subject);
  const j = await seen(jean.id, subject);
  assert.equal(e.role, 'inbox');
  assert.equal(j.role, 'junk');
  assert.ok(j.flags.includes('$Junk') && !e.flags.includes('$Junk'));
  assert.ok(j.verdict.tags.some((t: any) => t.name === 'BLOCKLISTED_SENDER'));
  assert.ok(!e.verdict.tags.some((t: any) => t.name === 'BLOCKLISTED_SENDER'));
});
