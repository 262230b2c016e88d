/** Classifier training and classification, allow/block lists and "report phishing", on a real SQLite store (PostgreSQL with PREAU_TEST_PG). */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/store.ts';
import type { AccountId } from '../store/ids.ts';
import { resolvePolicy } from './policy.ts';
import { classify, bayesTags, spamProbability, train } from './bayes.ts';
import { allowSender, blockSender, listSenders, removeSender } from './lists.ts';
import { analyze, analyzeFor, keywordsFor } from './verdict.ts';
import { reportPhishing } from './report.ts';
import { noAuth } from './auth.ts';
import { fakeParsed, parseForTest } from './test-support.ts';

const policy = resolvePolicy({ domain: 'ac-paris.fr', orgName: 'Académie de Paris' }, { bayes: { enabled: true, minMessages: 20 }, reportAddress: 'securite@ac-paris.fr' });
let dir: string;
let store: Store;
let alice: AccountId;
let bob: AccountId;

async function account(local: string, domainId: number): Promise<AccountId> {
  const r = await store.db
    .insertInto('accounts')
    .values({ domain_id: domainId, local_part: local, first_name: local, last_name: 'X', display_name: local, quota_bytes: 1e9, created_at: Date.now() } as never)
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id) as AccountId;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'preau-sec-'));
  store = await openStore({ dataDir: dir, databaseUrl: process.env.PREAU_TEST_PG || undefined, listen: false });
  const d = await store.db.insertInto('domains').values({ name: `ac-paris-${process.pid}.fr`, default_quota: 1e9, created_at: Date.now() } as never).returning('id').executeTakeFirstOrThrow();
  alice = await account(`alice${process.pid}`, Number(d.id));
  bob = await account(`bob${process.pid}`, Number(d.id));
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const spamWords = ['viagra', 'casino', 'gagnez', 'bitcoin', 'promo', 'gratuit', 'crypto', 'offre', 'exclusive', 'rolex'];
const hamWords = ['conseil', 'classe', 'élèves', 'réunion', 'bulletin', 'trimestre', 'parents', 'emploi', 'salle', 'cantine'];
function msg(words: string[], i: number) {
  const pick = (k: number) => words[(i * 7 + k * 3) % words.length];
  return fakeParsed({ fromAddr: `s${i}@example.org`, messageId: `m${i}-${words[0]}@x`, subject: `${pick(0)} ${pick(1)}`, text: `${pick(2)} ${pick(3)} ${pick(4)} ${pick(5)} texte commun` });
}

test('spamProbability separates clear cases', () => {
  assert.ok(spamProbability([{ spam: 40, ham: 0 }, { spam: 30, ham: 1 }], { spam: 50, ham: 50 }) > 0.9);
  assert.ok(spamProbability([{ spam: 0, ham: 40 }, { spam: 1, ham: 30 }], { spam: 50, ham: 50 }) < 0.1);
  assert.equal(spamProbability([], { spam: 50, ham: 50 }), 0.5);
});

test('the classifier is silent until trained, then scores spam and ham; retraining moves counts', async () => {
  assert.equal(await classify(store, alice, msg(spamWords, 1), policy), null);
  for (let i = 0; i < 25; i++) {
    await train(store, alice, { parsed: msg(spamWords, i) }, 'spam');
    await train(store, alice, { parsed: msg(hamWords, i) }, 'ham');
  }
  // Training the same message twice with the same class is a no-op.
  await train(store, alice, { parsed: msg(spamWords, 0) }, 'spam');
  const s = await classify(store, alice, msg(spamWords, 99), policy);
  assert.ok(s && s.probability > 0.9, String(s?.probability));
  assert.deepEqual(s?.trained, { spam: 25, ham: 25 });
  assert.equal(bayesTags(s, policy)[0].name, 'BAYES_SPAM');
  const h = await classify(store, alice, msg(hamWords, 99), policy);
  assert.ok(h && h.probability < 0.1, String(h?.probability));
  assert.equal(bayesTags(h, policy)[0].name, 'BAYES_HAM');
  // Bob shares the domain-wide counts.
  const b = await classify(store, bob, msg(spamWords, 98), policy);
  assert.ok(b && b.probability > 0.9);
  // "Not spam" after "spam" moves the message between classes.
  await train(store, alice, { parsed: msg(spamWords, 3) }, 'ham');
  const t = await classify(store, alice, msg(spamWords, 3), policy);
  assert.deepEqual(t?.trained, { spam: 24, ham: 26 });
  // Tokens are stored hashed, never as readable words.
  const rows = await store.db.selectFrom('bayes_tokens').select('token').where('token', '=', 'viagra').execute();
  assert.equal(rows.length, 0);
});

test('allow and block lists', async () => {
  await allowSender(store, bob, 'Parent.Eleve@Gmail.com');
  await blockSender(store, bob, '@spam.example');
  assert.deepEqual(await listSenders(store, bob), { allow: ['parent.eleve@gmail.com'], block: ['@spam.example'] });
  assert.deepEqual(await listSenders(store, alice), { allow: [], block: [] });
  const blocked = fakeParsed({ fromAddr: 'x@news.spam.example', subject: 'Bonjour' });
  const v = await analyzeFor(store, bob, { raw: Buffer.alloc(0), parsed: blocked, auth: noAuth(), policy });
  assert.equal(v.action, 'junk');
  assert.deepEqual(keywordsFor(v), ['$Junk']);
  const allowed = fakeParsed({ fromAddr: 'parent.eleve@gmail.com', fromName: 'Rectorat', subject: 'Votre compte sera suspendu, cliquez ici' });
  assert.equal((await analyzeFor(store, bob, { raw: Buffer.alloc(0), parsed: allowed, auth: noAuth(), policy })).action, 'inbox');
  // An allow entry is ignored when the sender's domain fails DMARC (forged address).
  const forged = noAuth();
  forged.dmarc = { result: 'fail', policy: 'none', domain: 'gmail.com', alignedDkim: false, alignedSpf: false };
  const fv = analyze({ raw: Buffer.alloc(0), parsed: allowed, auth: forged, policy, lists: await listSenders(store, bob) });
  assert.ok(!fv.tags.some((t) => t.name === 'ALLOWLISTED_SENDER'));
  await allowSender(store, bob, 'spam.example'); // moving a pattern from block to allow
  assert.deepEqual((await listSenders(store, bob)).block, []);
  await removeSender(store, bob, '@spam.example');
  await assert.rejects(allowSender(store, bob, 'not a pattern'), { code: 'SECURITY_BAD_PATTERN' });
});

test('report phishing trains spam and builds a forward with the original attached', async () => {
  const raw = Buffer.from('From: Rectorat <x@evil.example>\r\nTo: a@ac-paris.fr\r\nSubject: Boite pleine\r\nMessage-ID: <lure1@evil.example>\r\n\r\nValidez votre compte.\r\n');
  const parsed = await parseForTest(raw);
  const r = await reportPhishing(store, policy, { accountId: bob, reporter: 'bob@ac-paris.fr', raw, parsed });
  assert.ok(r.forward);
  assert.equal(r.forward.to, 'securite@ac-paris.fr');
  const text = r.forward.raw.toString();
  assert.match(text, /Content-Type: message\/rfc822/);
  assert.match(text, /Content-Disposition: attachment/);
  assert.ok(text.includes('Message-ID: <lure1@evil.example>'));
  const trained = await store.db.selectFrom('bayes_trained').selectAll().where('account_id', '=', bob).where('msg_key', '=', 'm:lure1@evil.example').executeTakeFirst();
  assert.equal(trained?.class, 'spam');
  const none = await reportPhishing(store, resolvePolicy({ domain: 'ac-paris.fr', orgName: 'A' }), { accountId: bob, reporter: 'bob@ac-paris.fr', raw, parsed });
  assert.equal(none.forward, null);
});
