/** The MX inspection: strip forged Authentication-Results, authenticate (SPF/DKIM/DMARC/ARC) and run the
 *  analyzers on a worker thread (inspect-pool.ts), the hooks, score, then a per-recipient verdict (allow/block lists, personal classifier). RFC 8601 §5, RFC 7489 §6.6. */
import type { Store } from '../store/store.ts';
import type { Logger } from '../log/index.ts';
import type { InboundInspector, InspectionResult } from '../mail/inbound.ts';
import type { AccountId } from '../store/ids.ts';
import { availableParallelism } from 'node:os';
import type { DnsResolver } from './auth.ts';
import { analyze, analyzeFor, keywordsFor } from './verdict.ts';
import { createInspectPool } from './inspect-pool.ts';
import { runHooks } from './hooks.ts';
import type { SecurityPolicy } from './policy.ts';
import type { Verdict } from './types.ts';

/** What is kept on messages.verdict: everything the webmail needs to explain it. `subjectTag` is the
 *  subject to display (external tag prefixed) — the stored bytes are never rewritten after DKIM verification. */
export function storedVerdict(v: Verdict) {
  return { score: v.score, action: v.action, phishing: v.phishing, external: v.external, verified: v.verified, tags: v.tags, reasons: v.reasons, reasonsEn: v.reasonsEn, auth: v.auth, dangerousAttachments: v.dangerousAttachments, subjectTag: v.subjectTag };
}

/** Answers reused for at most this long (below the TTL of nearly every SPF/DKIM/DMARC record). */
const DNS_CACHE_MS = 60_000;
// Limit: at most this many cached answers (oldest evicted first).
const DNS_CACHE_MAX = 10_000;
/** Outcomes worth caching: an answer, or "no such name / no such record" (RFC 2308 negative caching). */
const NEGATIVE = new Set(['ENOTFOUND', 'ENODATA']);

/**
 * The inspector's DNS: concurrent identical queries share one lookup, and answers (positive and
 * negative, RFC 2308 §5) are kept for DNS_CACHE_MS, as a local caching resolver would. Many
 * messages from one domain arrive together; without this every one of them queried the upstream
 * resolver for the same SPF and DMARC records. Transient failures (timeout, SERVFAIL) are not
 * kept, so they stay temperror for one message only (RFC 7208 §2.6.6).
 */
export function cachingResolver(resolve: DnsResolver, now: () => number = Date.now): DnsResolver {
  const cache = new Map<string, { until: number; value?: unknown; error?: unknown }>();
  const inflight = new Map<string, Promise<unknown>>();
  return async (name, rrtype) => {
    const key = `${rrtype} ${name.toLowerCase()}`;
    const hit = cache.get(key);
    if (hit && hit.until > now()) {
      if (hit.error) throw hit.error;
      return structuredClone(hit.value);
    }
    let p = inflight.get(key);
    if (!p) {
      p = resolve(name, rrtype).then(
        (value) => {
          store(key, { until: now() + DNS_CACHE_MS, value });
          return value;
        },
        (error) => {
          if (NEGATIVE.has((error as { code?: string }).code ?? '')) store(key, { until: now() + DNS_CACHE_MS, error });
          throw error;
        },
      );
      p.finally(() => inflight.delete(key)).catch(() => {});
      inflight.set(key, p);
    }
    return structuredClone(await p);
  };
  function store(key: string, entry: { until: number; value?: unknown; error?: unknown }) {
    cache.delete(key);
    if (cache.size >= DNS_CACHE_MAX) cache.delete(cache.keys().next().value!);
    cache.set(key, entry);
  }
}

export function createInboundInspector(deps: { store: Store; log: Logger; hostname: string; policy: SecurityPolicy; resolver?: DnsResolver; workers?: number }): InboundInspector & { close(): Promise<void>; whenReady(): Promise<void> } {
  const { store, log, hostname, policy } = deps;
  // One cache per inspector (per server): see cachingResolver.
  const resolver = deps.resolver && cachingResolver(deps.resolver);
  // Authentication, parsing and analyzers on worker threads (inspect-pool.ts); one per spare core.
  const pool = createInspectPool({ policy, resolver, size: deps.workers ?? Math.max(1, Math.min(4, availableParallelism() - 1)) });
  const inspect: InboundInspector = async ({ raw, trace, session, recipients }): Promise<InspectionResult> => {
    const core = await pool.run({ raw, trace, ip: session.remoteAddress, helo: session.helo, mailFrom: session.mailFrom, hostname });
    const clean = core.raw.subarray(core.messageOffset);
    const hooks = await runHooks({ raw: clean, ip: session.remoteAddress, helo: session.helo, mailFrom: session.mailFrom, rcptTo: recipients.map((r) => r.address), hostname }, policy, resolver);
    for (const e of hooks.errors) log.warn({ event: 'security.hook.error', cid: session.id, error: e });
    const input = { raw: core.raw, parsed: core.parsed, auth: core.auth, policy, extraTags: hooks.tags, analyzerTags: core.tags };
    const domainVerdict = analyze(input);
    if (domainVerdict.action === 'reject') {
      log.info({ event: 'security.rejected', cid: session.id, score: domainVerdict.score, tags: domainVerdict.tags.map((t) => t.name) });
      const s = domainVerdict.smtp;
      return { action: 'reject', rejectCode: s?.code ?? 550, rejectMessage: `${s?.enhanced ?? '5.7.1'} ${s?.message ?? 'Message refused by policy / Message refusé'}` };
    }
    const perAccount = new Map<AccountId, { action: 'inbox' | 'junk'; keywords?: string[]; verdict?: unknown }>();
    for (const r of recipients) {
      const v = await analyzeFor(store, r.account, input);
      perAccount.set(r.account, { action: v.action === 'inbox' ? 'inbox' : 'junk', keywords: keywordsFor(v), verdict: storedVerdict(v) });
    }
    return { action: domainVerdict.action === 'junk' ? 'junk' : 'inbox', keywords: keywordsFor(domainVerdict), verdict: storedVerdict(domainVerdict), perAccount, final: { raw: core.raw, parsed: core.parsed, searchDocument: core.searchDocument } };
  };
  return Object.assign(inspect, { close: () => pool.close(), whenReady: () => pool.whenReady() });
}
