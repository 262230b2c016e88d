/** Bayesian classifier (Robinson's f(w) with Fisher's chi-square combining) with token counts per domain and per user. */
import { createHash } from 'node:crypto';
import { runCompiled } from '../store/compiled-query.ts';
import type { Store } from '../store/store.ts';
import type { AccountId } from '../store/ids.ts';
import type { ParsedMessage } from '../mime/types.ts';
import type { SecurityPolicy } from './policy.ts';
import { tag, type Tag } from './types.ts';
import { extractLinks, fold, htmlToText, urlHost } from './text.ts';

export interface BayesTokensTable {
  scope: string;
  account_id: number;
  token: string;
  spam: number;
  ham: number;
}
export interface BayesTotalsTable {
  scope: string;
  account_id: number;
  spam: number;
  ham: number;
}
export interface BayesTrainedTable {
  account_id: number;
  msg_key: string;
  class: string;
  created_at: number;
}
declare module '../store/schema.ts' {
  interface DB {
    bayes_tokens: BayesTokensTable;
    bayes_totals: BayesTotalsTable;
    bayes_trained: BayesTrainedTable;
  }
}

export type BayesClass = 'spam' | 'ham';

// Limit: at most 1500 distinct tokens per message, words of 3 to 24 characters.
const MAX_TOKENS = 1500;

/**
 * Tokens of subject and body: folded words, subject words marked "s:", link hosts "h:". Tokens are
 * stored hashed so the shared domain table does not hold readable words from users' mail.
 */
export function tokenize(parsed: Pick<ParsedMessage, 'subject' | 'text' | 'html' | 'from'>): string[] {
  const set = new Set<string>();
  const add = (t: string) => {
    if (set.size < MAX_TOKENS) set.add(t);
  };
  for (const w of fold(parsed.subject).match(/[a-z0-9\u00c0-\u024f'$€%-]{3,24}/g) ?? []) add('s:' + w);
  const from = parsed.from[0]?.email.toLowerCase() ?? '';
  if (from) add('f:' + from.slice(from.lastIndexOf('@') + 1));
  const body = fold(`${parsed.text ?? ''} ${parsed.html ? htmlToText(parsed.html) : ''}`).slice(0, 200_000);
  for (const w of body.match(/[a-z0-9\u00c0-\u024f'$€%-]{3,24}/g) ?? []) add(w);
  for (const l of extractLinks(parsed.html)) {
    const h = urlHost(l.href);
    if (h) add('h:' + h);
  }
  return [...set];
}

export function hashToken(t: string): string {
  return createHash('sha256').update(t).digest('base64url').slice(0, 16);
}

/** Inverse chi-square survival function for an even number of degrees of freedom. */
function chi2Q(x2: number, v: number): number {
  const m = x2 / 2;
  let sum = Math.exp(-m);
  let term = sum;
  for (let i = 1; i < v / 2; i++) {
    term *= m / i;
    sum += term;
  }
  return Math.min(sum, 1);
}

/** Spam probability from per-token counts and class totals (Robinson f(w), s=1, x=0.5; Fisher combining). */
export function spamProbability(counts: { spam: number; ham: number }[], totals: { spam: number; ham: number }): number {
  const fs: number[] = [];
  for (const c of counts) {
    const n = c.spam + c.ham;
    if (n === 0) continue;
    const ps = c.spam / Math.max(1, totals.spam);
    const ph = c.ham / Math.max(1, totals.ham);
    const p = ps / (ps + ph);
    const f = (0.5 + n * p) / (1 + n);
    if (Math.abs(f - 0.5) > 0.1) fs.push(Math.min(0.99, Math.max(0.01, f)));
  }
  if (!fs.length) return 0.5;
  // Keep the 150 most decisive tokens.
  fs.sort((a, b) => Math.abs(b - 0.5) - Math.abs(a - 0.5));
  const top = fs.slice(0, 150);
  let lnS = 0;
  let lnH = 0;
  for (const f of top) {
    lnS += Math.log(1 - f);
    lnH += Math.log(f);
  }
  const H = chi2Q(-2 * lnH, 2 * top.length);
  const S = chi2Q(-2 * lnS, 2 * top.length);
  return (1 + H - S) / 2;
}

// An account's domain never changes: its scope is read once per store (at most 10 000 kept).
const scopes = new WeakMap<Store, Map<AccountId, string>>();

async function domainScope(store: Store, accountId: AccountId): Promise<string> {
  let known = scopes.get(store);
  if (!known) scopes.set(store, (known = new Map()));
  const hit = known.get(accountId);
  if (hit) return hit;
  const scope = await readDomainScope(store, accountId);
  if (scope === 'd:') return scope;
  if (known.size >= 10_000) known.clear();
  known.set(accountId, scope);
  return scope;
}

async function readDomainScope(store: Store, accountId: AccountId): Promise<string> {
  const [row] = await runCompiled(store, 'bayes.domain', { id: accountId }, (v) =>
    store.db.selectFrom('accounts').innerJoin('domains', 'domains.id', 'accounts.domain_id').select('domains.name').where('accounts.id', '=', v.id),
  );
  return 'd:' + (row?.name ?? '');
}

function messageKey(parsed: ParsedMessage, raw: Buffer | null): string {
  if (parsed.messageId) return 'm:' + parsed.messageId.slice(0, 200);
  return 'h:' + createHash('sha256').update(raw ?? Buffer.from(parsed.subject + parsed.text)).digest('base64url');
}

/**
 * Train on one message for `accountId` (and its domain). Training the same message again with the
 * other class moves its counts; with the same class it is a no-op.
 */
export async function train(store: Store, accountId: AccountId, msg: { raw?: Buffer; parsed: ParsedMessage }, cls: BayesClass): Promise<void> {
  const scopes = [await domainScope(store, accountId), `a:${accountId}`];
  const tokens = tokenize(msg.parsed).map(hashToken);
  const key = messageKey(msg.parsed, msg.raw ?? null);
  await store.write(accountId, async (tx) => {
    const prev = await tx.db.selectFrom('bayes_trained').select('class').where('account_id', '=', accountId).where('msg_key', '=', key).executeTakeFirst();
    if (prev?.class === cls) return;
    const delta = (c: BayesClass, sign: number) => ({ spam: c === 'spam' ? sign : 0, ham: c === 'ham' ? sign : 0 });
    const moves: { d: { spam: number; ham: number } }[] = [{ d: delta(cls, 1) }];
    if (prev) moves.push({ d: delta(prev.class as BayesClass, -1) });
    const d = moves.reduce((a, m) => ({ spam: a.spam + m.d.spam, ham: a.ham + m.d.ham }), { spam: 0, ham: 0 });
    for (const scope of scopes) {
      const acc = scope.startsWith('a:') ? accountId : 0;
      await tx.db
        .insertInto('bayes_totals')
        .values({ scope, account_id: acc, spam: Math.max(0, d.spam), ham: Math.max(0, d.ham) })
        .onConflict((oc) => oc.column('scope').doUpdateSet((eb) => ({ spam: eb('bayes_totals.spam', '+', d.spam), ham: eb('bayes_totals.ham', '+', d.ham) })))
        .execute();
      for (let i = 0; i < tokens.length; i += 300) {
        const rows = tokens.slice(i, i + 300).map((token) => ({ scope, account_id: acc, token, spam: Math.max(0, d.spam), ham: Math.max(0, d.ham) }));
        await tx.db
          .insertInto('bayes_tokens')
          .values(rows)
          .onConflict((oc) => oc.columns(['scope', 'token']).doUpdateSet((eb) => ({ spam: eb('bayes_tokens.spam', '+', d.spam), ham: eb('bayes_tokens.ham', '+', d.ham) })))
          .execute();
      }
    }
    if (prev) await tx.db.updateTable('bayes_trained').set({ class: cls, created_at: tx.now }).where('account_id', '=', accountId).where('msg_key', '=', key).execute();
    else await tx.db.insertInto('bayes_trained').values({ account_id: accountId, msg_key: key, class: cls, created_at: tx.now }).execute();
  });
}

export interface BayesResult {
  probability: number;
  trained: { spam: number; ham: number };
}

/**
 * Spam probability for `accountId`: from the user's own counts once the user has trained enough
 * messages of each class, otherwise from the domain's shared counts; null until either has.
 */
export async function classify(store: Store, accountId: AccountId, parsed: ParsedMessage, policy: SecurityPolicy): Promise<BayesResult | null> {
  if (!policy.bayes.enabled) return null;
  const [dScope, aScope] = [await domainScope(store, accountId), `a:${accountId}`];
  const totalsRows = await runCompiled(store, 'bayes.totals', { scopes: [dScope, aScope], ids: [0, accountId] }, (v) =>
    store.db.selectFrom('bayes_totals').select(['scope', 'spam', 'ham']).where('scope', 'in', v.scopes).where('account_id', 'in', v.ids),
  );
  const enough = (r: { spam: number; ham: number } | undefined) => Boolean(r && Number(r.spam) >= policy.bayes.minMessages && Number(r.ham) >= policy.bayes.minMessages);
  const user = totalsRows.find((r) => r.scope === aScope);
  const dom = totalsRows.find((r) => r.scope === dScope);
  const chosen = enough(user) ? user! : enough(dom) ? dom! : null;
  if (!chosen) return null;
  const scopeAccount = chosen.scope === aScope ? accountId : 0;
  const totals = { spam: Number(chosen.spam), ham: Number(chosen.ham) };
  const tokens = tokenize(parsed).map(hashToken);
  const counts: { spam: number; ham: number }[] = [];
  for (let i = 0; i < tokens.length; i += 500) {
    const rows = await store.db
      .selectFrom('bayes_tokens')
      .select(['spam', 'ham'])
      .where('scope', '=', chosen.scope)
      .where('account_id', '=', scopeAccount)
      .where('token', 'in', tokens.slice(i, i + 500))
      .execute();
    for (const r of rows) counts.push({ spam: Number(r.spam), ham: Number(r.ham) });
  }
  return { probability: spamProbability(counts, totals), trained: totals };
}

/** BAYES_SPAM (probability above 0.8, scaled) or BAYES_HAM (below 0.2). */
export function bayesTags(result: BayesResult | null, policy: SecurityPolicy): Tag[] {
  if (!result) return [];
  const p = result.probability;
  const pct = `${Math.round(p * 100)} %`;
  if (p > 0.8) return [tag(policy, 'BAYES_SPAM', `spam probability ${p.toFixed(3)}`, pct, Math.min(1, (p - 0.8) / 0.19))];
  if (p < 0.2) return [tag(policy, 'BAYES_HAM', `spam probability ${p.toFixed(3)}`, pct, Math.min(1, (0.2 - p) / 0.19))];
  return [];
}
