/** The MX inspection: strip forged Authentication-Results, authenticate (SPF/DKIM/DMARC/ARC), score,
 *  then a per-recipient verdict (allow/block lists, personal classifier). RFC 8601 §5, RFC 7489 §6.6. */
import type { Store } from '../store/store.ts';
import type { Logger } from '../log/index.ts';
import type { InboundInspector, InspectionResult } from '../mail/inbound.ts';
import type { AccountId } from '../store/ids.ts';
import { authenticateInbound, stripForeignAuthResults, type DnsResolver } from './auth.ts';
import { analyze, analyzeFor, keywordsFor } from './verdict.ts';
import { runHooks } from './hooks.ts';
import type { SecurityPolicy } from './policy.ts';
import type { Verdict } from './types.ts';

/** What is kept on messages.verdict: everything the webmail needs to explain it. `subjectTag` is the
 *  subject to display (external tag prefixed) — the stored bytes are never rewritten after DKIM verification. */
export function storedVerdict(v: Verdict) {
  return { score: v.score, action: v.action, phishing: v.phishing, external: v.external, verified: v.verified, tags: v.tags, reasons: v.reasons, reasonsEn: v.reasonsEn, auth: v.auth, dangerousAttachments: v.dangerousAttachments, subjectTag: v.subjectTag };
}

export function createInboundInspector(deps: { store: Store; log: Logger; hostname: string; policy: SecurityPolicy; resolver?: DnsResolver }): InboundInspector {
  const { store, log, hostname, policy, resolver } = deps;
  return async ({ raw, parsed, session, recipients }): Promise<InspectionResult> => {
    const clean = stripForeignAuthResults(raw, hostname);
    const auth = await authenticateInbound(clean, { ip: session.remoteAddress, helo: session.helo, mailFrom: session.mailFrom, hostname, resolver });
    const hooks = await runHooks({ raw: clean, ip: session.remoteAddress, helo: session.helo, mailFrom: session.mailFrom, rcptTo: recipients.map((r) => r.address), hostname }, policy, resolver);
    for (const e of hooks.errors) log.warn({ event: 'security.hook.error', cid: session.id, error: e });
    const input = { raw: clean, parsed, auth, policy, extraTags: hooks.tags };
    const domainVerdict = analyze(input);
    const prepend = auth.headers;
    if (domainVerdict.action === 'reject') {
      log.info({ event: 'security.rejected', cid: session.id, score: domainVerdict.score, tags: domainVerdict.tags.map((t) => t.name) });
      const s = domainVerdict.smtp;
      return { action: 'reject', rejectCode: s?.code ?? 550, rejectMessage: `${s?.enhanced ?? '5.7.1'} ${s?.message ?? 'Message refused by policy / Message refusé'}`, prepend, raw: clean };
    }
    const perAccount = new Map<AccountId, { action: 'inbox' | 'junk'; keywords?: string[]; verdict?: unknown }>();
    for (const r of recipients) {
      const v = await analyzeFor(store, r.account, input);
      perAccount.set(r.account, { action: v.action === 'inbox' ? 'inbox' : 'junk', keywords: keywordsFor(v), verdict: storedVerdict(v) });
    }
    return { action: domainVerdict.action === 'junk' ? 'junk' : 'inbox', keywords: keywordsFor(domainVerdict), verdict: storedVerdict(domainVerdict), perAccount, prepend, raw: clean };
  };
}
