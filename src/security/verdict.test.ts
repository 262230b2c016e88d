/** The verdict: phishing decision, actions and thresholds, keywords, French reasons, external subject tag, fixtures. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolvePolicy, securityPolicySchema } from './policy.ts';
import { noAuth, type AuthResults } from './auth.ts';
import { analyze, keywordsFor } from './verdict.ts';
import { fakeParsed, parseForTest } from './test-support.ts';

const policy = resolvePolicy({ domain: 'ac-paris.fr', orgName: 'Académie de Paris' }, { officialSenders: [{ address: 'iprof@ac-paris.fr', name: 'I-Prof' }] });
const raw = Buffer.alloc(0);
const passAuth = (domain: string): AuthResults => ({
  ...noAuth(),
  spf: { result: 'pass', domain },
  dkim: { result: 'pass', signatures: [{ domain, selector: 's', result: 'pass', aligned: true }] },
  dmarc: { result: 'pass', policy: 'reject', domain, alignedDkim: true, alignedSpf: true },
});

test('display-name impersonation with a credential lure is phishing, in Junk with $Phishing and a French reason', () => {
  const parsed = fakeParsed({
    fromAddr: 'rectorat.paris@gmail.com', fromName: 'Rectorat', subject: 'Votre compte sera suspendu',
    html: '<p>Votre compte sera suspendu. Confirmez vos identifiants :</p><a href="https://x.example/l">Valider</a>',
  });
  const v = analyze({ raw, parsed, auth: passAuth('gmail.com'), policy });
  assert.equal(v.phishing, true);
  assert.equal(v.action, 'junk');
  assert.equal(v.external, true);
  assert.deepEqual(keywordsFor(v), ['$Junk', '$Phishing']);
  assert.ok(v.reasons.includes('Le nom affiché « Rectorat » est utilisé par un expéditeur extérieur à l\'académie.'), v.reasons.join('\n'));
  assert.ok(v.reasonsEn.some((r) => r.includes('The display name "Rectorat"')));
  assert.equal(v.auth.dmarc, 'pass');
});

test('the same words from an authenticated colleague are not phishing without a collecting link', () => {
  const parsed = fakeParsed({ fromAddr: 'paul.lemoine@ac-paris.fr', fromName: 'Paul Lemoine', text: 'Pense à changer ton mot de passe académique sur https://moncompte.ac-paris.fr, il expire.' });
  const v = analyze({ raw, parsed, auth: passAuth('ac-paris.fr'), policy });
  assert.equal(v.phishing, false);
  assert.equal(v.action, 'inbox');
  assert.equal(v.external, false);
});

test('a password form is phishing; a verified official sender never is', () => {
  const html = '<form action="https://x.example"><input type="password" name="p"></form>';
  const lure = analyze({ raw, parsed: fakeParsed({ fromAddr: 'a@x.example', html }), auth: noAuth(), policy });
  assert.equal(lure.phishing, true);
  const official = analyze({ raw, parsed: fakeParsed({ fromAddr: 'iprof@ac-paris.fr', fromName: 'I-Prof', html }), auth: passAuth('ac-paris.fr'), policy });
  assert.equal(official.phishing, false);
  assert.equal(official.verified, true);
});

test('thresholds: junk at 6, reject at 15 (domain-level verdict only), configurable', () => {
  const parsed = fakeParsed({ fromAddr: 'a@x.example', subject: 'Hello' });
  const extra = (score: number) => [{ name: 'RSPAMD' as const, score, detail: 'test', arg: String(score) }];
  assert.equal(analyze({ raw, parsed, auth: noAuth(), policy, extraTags: extra(5.9) }).action, 'inbox');
  assert.equal(analyze({ raw, parsed, auth: noAuth(), policy, extraTags: extra(6) }).action, 'junk');
  const r = analyze({ raw, parsed, auth: noAuth(), policy, extraTags: extra(15) });
  assert.equal(r.action, 'reject');
  assert.deepEqual(r.smtp?.code, 550);
  assert.equal(keywordsFor(r).length, 0);
  // With a recipient's lists the verdict is per user: Junk, never a refusal.
  assert.equal(analyze({ raw, parsed, auth: noAuth(), policy, extraTags: extra(15), lists: { allow: [], block: [] } }).action, 'junk');
  const strict = resolvePolicy({ domain: 'ac-paris.fr', orgName: 'A' }, { junkThreshold: 3, rejectThreshold: 8 });
  assert.equal(analyze({ raw, parsed, auth: noAuth(), policy: strict, extraTags: extra(4) }).action, 'junk');
  assert.equal(analyze({ raw, parsed, auth: noAuth(), policy: strict, extraTags: extra(8) }).action, 'reject');
});

test('DMARC reject is honoured unless an ARC chain passes (RFC 7489 §6.7) or the policy says otherwise', () => {
  const auth: AuthResults = { ...noAuth(), dmarc: { result: 'fail', policy: 'reject', domain: 'bank.example', alignedDkim: false, alignedSpf: false } };
  const parsed = fakeParsed({ fromAddr: 'x@bank.example' });
  assert.equal(analyze({ raw, parsed, auth, policy }).action, 'reject');
  assert.notEqual(analyze({ raw, parsed, auth: { ...auth, arc: { result: 'pass' } }, policy }).action, 'reject');
  const lax = resolvePolicy({ domain: 'ac-paris.fr', orgName: 'A' }, { dmarcRejectAtSmtp: false });
  assert.notEqual(analyze({ raw, parsed, auth, policy: lax }).action, 'reject');
});

test('external subject tag when configured', () => {
  const tagged = resolvePolicy({ domain: 'ac-paris.fr', orgName: 'A' }, { externalSubjectTag: '[EXTERNE]' });
  assert.equal(analyze({ raw, parsed: fakeParsed({ fromAddr: 'a@gmail.com', subject: 'Bonjour' }), auth: noAuth(), policy: tagged }).subjectTag, '[EXTERNE] Bonjour');
  assert.equal(analyze({ raw, parsed: fakeParsed({ fromAddr: 'a@ac-paris.fr', subject: 'Bonjour' }), auth: noAuth(true), policy: tagged }).subjectTag, null);
  assert.equal(analyze({ raw, parsed: fakeParsed({ fromAddr: 'a@gmail.com', subject: 'Bonjour' }), auth: noAuth(), policy }).subjectTag, null);
});

test('the policy schema loads from JSON, rejects unknown keys and tag names', () => {
  const p = securityPolicySchema.parse(JSON.parse('{"junkThreshold": 5, "scores": {"LOOKALIKE_DOMAIN": 9}}'));
  assert.equal(p.junkThreshold, 5);
  assert.equal(resolvePolicy({ domain: 'x.fr', orgName: 'X' }, p).scores.LOOKALIKE_DOMAIN, 9);
  assert.throws(() => securityPolicySchema.parse({ junkTreshold: 5 }));
  assert.throws(() => securityPolicySchema.parse({ scores: { NOT_A_TAG: 1 } }));
  const r = resolvePolicy({ domain: 'Ac-Exemple.fr', orgName: 'Académie d’Exemple' });
  assert.ok(r.institutionDomains.includes('ac-exemple.fr'));
  assert.ok(r.protectedDomains.includes('ac-exemple.fr'));
  assert.ok(r.protectedNames.includes('Académie d’Exemple'));
});

const fixture = async (name: string) => {
  const raw = readFileSync(new URL(`../../testdata/security/${name}`, import.meta.url));
  return { raw, parsed: await parseForTest(raw) };
};

test('fixtures: lures are caught, legitimate mail is not', async () => {
  const cases: [string, AuthResults, boolean, string[]][] = [
    ['lure-idn-quota.eml', noAuth(), true, ['LOOKALIKE_DOMAIN', 'CREDENTIAL_REQUEST']],
    ['lure-display-name-form.eml', passAuth('gmail.com'), true, ['FROM_DISPLAY_IMPERSONATION', 'HTML_FORM', 'REPLYTO_FREEMAIL']],
    ['lure-rtlo-exe.eml', noAuth(), false, ['RTLO_FILENAME', 'EXECUTABLE_ATTACHMENT']],
    ['legit-iprof.eml', passAuth('ac-paris.fr'), false, ['VERIFIED_OFFICIAL_SENDER']],
    ['legit-parent-ent.eml', passAuth('gmail.com'), false, ['EXTERNAL_SENDER']],
  ];
  for (const [file, auth, phishing, tags] of cases) {
    const { raw, parsed } = await fixture(file);
    const v = analyze({ raw, parsed, auth, policy });
    assert.equal(v.phishing, phishing, file);
    for (const t of tags) assert.ok(v.tags.some((x) => x.name === t), `${file}: ${t} in ${v.tags.map((x) => x.name)}`);
    if (file.startsWith('legit')) assert.equal(v.action, 'inbox', file);
    else assert.ok(v.action === 'junk' || v.action === 'reject', `${file}: ${v.action}`);
  }
  const rtlo = analyze({ ...(await fixture('lure-rtlo-exe.eml')), auth: noAuth(), policy });
  assert.deepEqual(rtlo.dangerousAttachments, ['facture\u202Efdp.exe']);
});

test('hostile HTML (1 MiB of unterminated tags) is analysed in linear time', () => {
  for (const unit of ['<a ', '<', '<a href="https://x.example">', '<input type=', '<a>x</a', '&#x']) {
    const html = unit.repeat(Math.ceil((1 << 20) / unit.length));
    const t0 = performance.now();
    analyze({ raw, parsed: fakeParsed({ fromAddr: 'a@x.example', html, text: html.slice(0, 1 << 18) }), auth: noAuth(), policy });
    assert.ok(performance.now() - t0 < 3000, `${JSON.stringify(unit)} took ${performance.now() - t0} ms`);
  }
});
