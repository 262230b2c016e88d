/** Filter evaluation: the labelled corpus through authenticateInbound (injected DNS) + parseMessage + analyze; prints JSON. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authenticateInbound, type AuthResults } from '../../src/security/auth.ts';
import { resolvePolicy, type SecurityPolicy } from '../../src/security/policy.ts';
import { analyze } from '../../src/security/verdict.ts';
import { dnsblLookup } from '../../src/security/hooks.ts';
import { classify, train } from '../../src/security/bayes.ts';
import { fakeResolver, parseForTest } from '../../src/security/test-support.ts';
import type { ParsedMessage } from '../../src/mime/types.ts';
import type { Verdict } from '../../src/security/types.ts';
import { openStore } from '../../src/store/open.ts';
import type { AccountId } from '../../src/store/ids.ts';
import { benchDns } from './dns.ts';
import { render, LEGIT, type Label, type Sample } from './sample.ts';
import { legitimateCorpus } from './corpus-legit.ts';
import { badCorpus } from './corpus-bad.ts';
import { holdoutCorpus } from './corpus-holdout.ts';

const args = process.argv.slice(2);
const writeDir = args.includes('--write') ? args[args.indexOf('--write') + 1] : null;
const verbose = args.includes('--verbose');

const policy: SecurityPolicy = resolvePolicy(
  { domain: 'ac-paris.fr', orgName: 'Académie de Paris' },
  {
    officialSenders: [
      { address: 'paie@ac-paris.fr', name: 'Service de paie' },
      { address: 'iprof@ac-paris.fr', name: 'I-Prof' },
      { address: 'informalire@ac-paris.fr', name: 'inform@lire' },
      { address: 'ce.rectorat@ac-paris.fr', name: 'Rectorat de Paris' },
      { address: 'ne-pas-repondre@education.gouv.fr', name: 'Ministère de l’Éducation nationale' },
    ],
    dnsbl: { zones: ['bl.bench.example'], timeoutMs: 500 },
    // The corpus has about 50 messages of each class per fold.
    bayes: { enabled: true, minMessages: 30 },
  },
);
// A block list that knows part of the spam senders' networks (as a real one would).
const dnsblZone: Record<string, Record<string, unknown[]>> = {};
for (let i = 0; i < 40; i++) {
  dnsblZone[`${10 + i}.4.77.103.bl.bench.example`] = { A: ['127.0.0.2'] };
  dnsblZone[`${10 + i}.101.220.185.bl.bench.example`] = { A: ['127.0.0.4'] };
}
const dnsbl = fakeResolver(dnsblZone);

interface Item {
  sample: Sample;
  raw: Buffer;
  parsed: ParsedMessage;
  auth: AuthResults;
  fold: number;
}

async function prepare(): Promise<Item[]> {
  const dns = benchDns();
  const samples = [...legitimateCorpus(), ...badCorpus(), ...holdoutCorpus()];
  const items: Item[] = [];
  for (const [i, sample] of samples.entries()) {
    const raw = await render(sample, dns);
    const auth = await authenticateInbound(raw, { ip: sample.ip, helo: sample.helo, mailFrom: sample.mailFrom, hostname: 'mx.preau.test', resolver: dns.resolver });
    items.push({ sample, raw, parsed: await parseForTest(raw), auth, fold: i % 2 });
    if (writeDir) {
      mkdirSync(join(writeDir, sample.label), { recursive: true });
      writeFileSync(join(writeDir, sample.label, `${sample.id}.eml`), raw);
    }
  }
  return items;
}

const positive = (l: Label) => !LEGIT.includes(l);
const flagged = (v: Verdict) => v.phishing || v.action !== 'inbox';

function report(items: Item[], verdicts: Verdict[]) {
  const perClass: Record<string, { n: number; flagged: number; phishing: number; junk: number; reject: number }> = {};
  let tp = 0, fp = 0, fn = 0;
  const misclassified: unknown[] = [];
  items.forEach((it, i) => {
    const v = verdicts[i];
    const c = (perClass[it.sample.label] ??= { n: 0, flagged: 0, phishing: 0, junk: 0, reject: 0 });
    c.n++;
    if (flagged(v)) c.flagged++;
    if (v.phishing) c.phishing++;
    if (v.action === 'junk') c.junk++;
    if (v.action === 'reject') c.reject++;
    const pos = positive(it.sample.label);
    if (pos && flagged(v)) tp++;
    if (!pos && flagged(v)) fp++;
    if (pos && !flagged(v)) fn++;
    const wrong = pos !== flagged(v) || (it.sample.label === 'institutional' && v.phishing);
    if (wrong) misclassified.push({ file: `${it.sample.label}/${it.sample.id}.eml`, action: v.action, phishing: v.phishing, score: v.score, tags: v.tags.filter((t) => t.score !== 0).map((t) => `${t.name}(${t.score})`) });
  });
  const lures = perClass.phishing;
  const legitN = LEGIT.reduce((a, l) => a + (perClass[l]?.n ?? 0), 0);
  return {
    messages: items.length,
    precision: round(tp / Math.max(1, tp + fp)),
    recall: round(tp / Math.max(1, tp + fn)),
    lureRecall: round(lures.flagged / lures.n),
    lurePhishingVerdict: round(lures.phishing / lures.n),
    spamRecall: perClass.spam ? round(perClass.spam.flagged / perClass.spam.n) : null,
    institutionalAsPhishing: perClass.institutional?.phishing ?? 0,
    falsePositives: Object.fromEntries(LEGIT.map((l) => [l, perClass[l]?.flagged ?? 0])),
    falsePositiveRate: round(fp / Math.max(1, legitN)),
    perClass,
    misclassified,
    ...(verbose ? { all: items.map((it, i) => ({ file: `${it.sample.label}/${it.sample.id}`, action: verdicts[i].action, phishing: verdicts[i].phishing, score: verdicts[i].score, tags: verdicts[i].tags.filter((t) => t.score !== 0).map((t) => `${t.name}(${t.score})`) })) } : {}),
  };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

async function main() {
  const t0 = performance.now();
  const items = await prepare();
  const t1 = performance.now();
  const extra = await Promise.all(items.map((it) => dnsblLookup(it.sample.ip, policy, dnsbl)));
  const rules = items.map((it, i) => analyze({ raw: it.raw, parsed: it.parsed, auth: it.auth, policy, extraTags: extra[i].tags }));
  const t2 = performance.now();
  // Two-fold cross-validation of the classifier: train on one half, judge the other.
  const dir = mkdtempSync(join(tmpdir(), 'preau-filter-eval-'));
  const store = await openStore({ dataDir: dir, listen: false });
  const withBayes: Verdict[] = new Array(items.length);
  try {
    for (const fold of [0, 1]) {
      const d = await store.db.insertInto('domains').values({ name: `fold${fold}.test`, default_quota: 1e9, created_at: Date.now() } as never).returning('id').executeTakeFirstOrThrow();
      const a = await store.db.insertInto('accounts').values({ domain_id: Number(d.id), local_part: 'u', first_name: 'U', last_name: 'U', display_name: 'U', quota_bytes: 1e9, created_at: Date.now() } as never).returning('id').executeTakeFirstOrThrow();
      const account = Number(a.id) as AccountId;
      for (const it of items) if (it.fold !== fold) await train(store, account, { raw: it.raw, parsed: it.parsed }, positive(it.sample.label) ? 'spam' : 'ham');
      for (const [i, it] of items.entries()) {
        if (it.fold !== fold) continue;
        const bayes = await classify(store, account, it.parsed, policy);
        withBayes[i] = analyze({ raw: it.raw, parsed: it.parsed, auth: it.auth, policy, extraTags: extra[i].tags, bayes });
      }
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const t3 = performance.now();
  const isHoldout = (it: Item) => it.sample.id.startsWith('ho-');
  const main = items.filter((it) => !isHoldout(it));
  const holdout = items.filter(isHoldout);
  const out = {
    corpus: Object.fromEntries([...new Set(items.map((i) => i.sample.label))].map((l) => [l, items.filter((i) => i.sample.label === l).length])),
    flaggedMeans: 'phishing verdict, Junk or refused at SMTP',
    rulesOnly: report(main, rules.filter((_, i) => !isHoldout(items[i]))),
    withBayes2Fold: report(main, withBayes.filter((_, i) => !isHoldout(items[i]))),
    holdoutRulesOnly: report(holdout, rules.filter((_, i) => isHoldout(items[i]))),
    timing: { renderAndAuthenticateMs: Math.round(t1 - t0), analyzeMsPerMessage: round((t2 - t1) / items.length), bayesCrossValidationMs: Math.round(t3 - t2) },
  };
  console.log(JSON.stringify(out, null, 2));
}

await main();
