/** Unit tests of each analyzer on hand-built messages. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolvePolicy } from './policy.ts';
import { noAuth, type AuthResults } from './auth.ts';
import { analyzeAuth, analyzeIdentity, analyzeLookalikeSender, analyzeOfficial } from './analyze-sender.ts';
import { analyzeCredentials, analyzeForm, analyzeLinks, credentialPoints } from './analyze-content.ts';
import { fakeParsed } from './test-support.ts';
import { fold } from './text.ts';
import type { Analyzer } from './types.ts';

const policy = resolvePolicy(
  { domain: 'ac-paris.fr', orgName: 'Académie de Paris' },
  { officialSenders: [{ address: 'paie@ac-paris.fr', name: 'Service de paie' }, { address: 'iprof@ac-paris.fr', name: 'iProf' }] },
);
const raw = Buffer.alloc(0);

function authWith(over: Partial<{ spf: string; dkim: string; dmarc: string; policy: 'none' | 'quarantine' | 'reject' | null; aligned: boolean; domain: string }>): AuthResults {
  const a = noAuth();
  const domain = over.domain ?? 'ac-paris.fr';
  a.spf = { result: over.spf ?? 'none', domain };
  if (over.dkim) a.dkim = { result: over.dkim, signatures: [{ domain, selector: 's', result: over.dkim, aligned: over.aligned ?? true }] };
  a.dmarc = { result: over.dmarc ?? 'none', policy: over.policy ?? null, domain, alignedDkim: over.aligned ?? over.dkim === 'pass', alignedSpf: false };
  return a;
}
const names = (f: Analyzer, p: ReturnType<typeof fakeParsed>, auth: AuthResults = noAuth()) => f(p, raw, auth, policy).map((t) => t.name);

test('auth tags: SPF_FAIL, DKIM_INVALID, DMARC_FAIL, DMARC_REJECT_POLICY', () => {
  assert.deepEqual(names(analyzeAuth, fakeParsed(), authWith({ spf: 'fail', dkim: 'fail', dmarc: 'fail', policy: 'reject' })), ['SPF_FAIL', 'DKIM_INVALID', 'DMARC_FAIL', 'DMARC_REJECT_POLICY']);
  assert.deepEqual(names(analyzeAuth, fakeParsed(), authWith({ spf: 'pass', dkim: 'pass', dmarc: 'pass' })), []);
  assert.deepEqual(names(analyzeAuth, fakeParsed(), noAuth(true)), []);
});

test('FROM_DISPLAY_IMPERSONATION: a protected name from outside, not from inside', () => {
  const ext = fakeParsed({ fromAddr: 'noreply@mail-secure.com', fromName: 'Rectorat de Paris' });
  assert.ok(names(analyzeIdentity, ext).includes('FROM_DISPLAY_IMPERSONATION'));
  const accents = fakeParsed({ fromAddr: 'x@random.net', fromName: 'ACADEMIE DE PARIS - Messagerie' });
  assert.ok(names(analyzeIdentity, accents).includes('FROM_DISPLAY_IMPERSONATION'));
  const greek = fakeParsed({ fromAddr: 'x@random.net', fromName: 'Rectοrat' }); // Greek omicron
  assert.ok(names(analyzeIdentity, greek).includes('FROM_DISPLAY_IMPERSONATION'));
  const inside = fakeParsed({ fromAddr: 'ce.rectorat@ac-paris.fr', fromName: 'Rectorat de Paris' });
  assert.deepEqual(names(analyzeIdentity, inside, authWith({ dmarc: 'pass', dkim: 'pass' })), []);
  const parent = fakeParsed({ fromAddr: 'sophie.martin@gmail.com', fromName: 'Sophie Martin' });
  assert.deepEqual(names(analyzeIdentity, parent), ['EXTERNAL_SENDER']);
  // "Paie" must match a word, not "Paiement" nor a surname like "Papin".
  assert.ok(!names(analyzeIdentity, fakeParsed({ fromAddr: 'a@b.fr', fromName: 'Paiements en ligne' })).includes('FROM_DISPLAY_IMPERSONATION'));
  // Another académie that passes DMARC may call itself Rectorat.
  const peer = fakeParsed({ fromAddr: 'ce.dpe@ac-creteil.fr', fromName: 'Rectorat de Créteil' });
  assert.deepEqual(names(analyzeIdentity, peer, authWith({ dmarc: 'pass', dkim: 'pass', domain: 'ac-creteil.fr' })), ['EXTERNAL_SENDER']);
});

test('SPOOFED_INSTITUTION_DOMAIN: our domain in From without authentication', () => {
  const p = fakeParsed({ fromAddr: 'rectorat@ac-paris.fr', fromName: 'Rectorat' });
  assert.ok(names(analyzeIdentity, p).includes('SPOOFED_INSTITUTION_DOMAIN'));
  assert.ok(!names(analyzeIdentity, p, noAuth(true)).includes('SPOOFED_INSTITUTION_DOMAIN'));
});

test('REPLYTO_FREEMAIL only when Reply-To diverges to a free-mail provider', () => {
  const lure = fakeParsed({ fromAddr: 'dsi@ac-paris-fr.com', replyTo: [{ name: null, email: 'helpdesk.acparis@gmail.com' }] });
  assert.ok(names(analyzeIdentity, lure).includes('REPLYTO_FREEMAIL'));
  const parent = fakeParsed({ fromAddr: 'luc@gmail.com', replyTo: [{ name: null, email: 'luc@gmail.com' }] });
  assert.ok(!names(analyzeIdentity, parent).includes('REPLYTO_FREEMAIL'));
});

test('VERIFIED_OFFICIAL_SENDER needs aligned DKIM and DMARC pass; the same name elsewhere is flagged', () => {
  const p = fakeParsed({ fromAddr: 'paie@ac-paris.fr', fromName: 'Service de paie' });
  assert.deepEqual(names(analyzeOfficial, p, authWith({ dkim: 'pass', dmarc: 'pass', spf: 'pass' })), ['VERIFIED_OFFICIAL_SENDER']);
  assert.deepEqual(names(analyzeOfficial, p, authWith({ spf: 'pass', dmarc: 'pass' })), ['OFFICIAL_NAME_UNVERIFIED']); // SPF alone is not enough
  const fake = fakeParsed({ fromAddr: 'paie@paie-education.info', fromName: 'SERVICE DE PAIE' });
  assert.deepEqual(names(analyzeOfficial, fake, authWith({ dkim: 'pass', dmarc: 'pass', domain: 'paie-education.info' })), ['OFFICIAL_NAME_UNVERIFIED']);
  assert.deepEqual(names(analyzeOfficial, fakeParsed({ fromAddr: 'a@gmail.com', fromName: 'Paul' })), []);
});

test('LOOKALIKE_DOMAIN on senders: typo, confusables, IDN, other TLD, subdomain trick', () => {
  const look = (d: string) => names(analyzeLookalikeSender, fakeParsed({ fromAddr: `x@${d}` })).includes('LOOKALIKE_DOMAIN');
  for (const d of ['ac-pariss.fr', 'ac-parls.fr', 'ac-pari5.fr', 'ac-paris.com', 'ac-paris.fr.secure-login.com', 'ac-paris-fr.net', 'xn--c-paris-1fg.fr', 'xn--ac-pars-wog.fr', 'educatlon-gouv.fr', 'education-gouv.fr', 'education.gouv.fr.co', 'ac-parsi.fr', 'acparis.fr']) {
    assert.ok(look(d), d);
  }
  for (const d of ['ac-paris.fr', 'ac-creteil.fr', 'ac-versailles.fr', 'gmail.com', 'orange.fr', 'education.gouv.fr', 'pronote.net', 'sous.ac-paris.fr', 'apart.fr', 'paris.fr']) assert.ok(!look(d), d);
});

test('credential language: French and English, accents and case, innocent parents not flagged', () => {
  const p = (t: string) => credentialPoints(fold(t)).points;
  assert.ok(p('Votre boîte aux lettres est PLEINE. Cliquez ici pour valider votre compte sous 24h.') >= 4);
  assert.ok(p('VOTRE COMPTE SERA SUSPENDU si vous ne confirmez pas vos identifiants') >= 4);
  assert.ok(p('Your mailbox is full. Verify your password within 24 hours to avoid suspension') >= 4);
  assert.ok(p('Vous avez 5 messages en attente. Merci de mettre à jour votre mot de passe.') >= 3);
  assert.ok(p("Bonjour, mon fils a perdu le mot de passe de l'ENT, pouvez-vous nous aider ? Cordialement") < 2);
  assert.ok(p('La réunion parents-professeurs aura lieu jeudi.') === 0);
  assert.deepEqual(names(analyzeCredentials, fakeParsed({ subject: 'Boite pleine', text: 'Votre boite mail a atteint sa limite. Cliquez ici pour valider votre compte.' })), ['CREDENTIAL_REQUEST']);
});

test('LINK_TEXT_MISMATCH and EXTERNAL_LOGIN_LINK', () => {
  const html = '<p>Connectez-vous sur <a href="https://evil.example/login">https://webmail.ac-paris.fr</a></p>';
  const t = analyzeLinks(fakeParsed({ fromAddr: 'a@evil2.example', html }), raw, noAuth(), policy);
  assert.deepEqual(t.map((x) => x.name), ['LINK_TEXT_MISMATCH']);
  assert.equal(t[0].arg, 'webmail.ac-paris.fr|evil.example');
  const login = analyzeLinks(fakeParsed({ fromAddr: 'a@x.example', html: '<a href="http://bit.ly/3xyz">Valider mon compte</a>' }), raw, noAuth(), policy);
  assert.deepEqual(login.map((x) => x.name), ['EXTERNAL_LOGIN_LINK']);
  // Links to our own or State domains, and links matching their text, are fine.
  const ok = '<a href="https://www.ac-paris.fr/circulaire">www.ac-paris.fr</a> <a href="https://ensap.gouv.fr">Se connecter à l’ENSAP</a>';
  assert.deepEqual(names(analyzeLinks, fakeParsed({ fromAddr: 'a@ac-paris.fr', html: ok })), []);
  // A look-alike in a link target.
  assert.deepEqual(names(analyzeLinks, fakeParsed({ fromAddr: 'a@x.example', html: '<a href="https://ac-pariss.fr/x">ici</a>' })), ['LOOKALIKE_DOMAIN']);
});

test('HTML_FORM, stronger with a password field', () => {
  const t = analyzeForm(fakeParsed({ html: '<form action="https://x"><input type="password" name="p"></form>' }), raw, noAuth(), policy);
  assert.equal(t[0].name, 'HTML_FORM');
  assert.equal(t[0].arg, 'password');
  assert.ok(t[0].score > analyzeForm(fakeParsed({ html: '<form><input name=q></form>' }), raw, noAuth(), policy)[0].score);
  assert.deepEqual(names(analyzeForm, fakeParsed({ html: '<p>formulaire en pièce jointe</p>' })), []);
});
