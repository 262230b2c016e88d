/** The verdict: runs the analyzers, adds classifier, lists and hook tags, decides inbox / Junk / reject (RFC 7489 §6.6.2, §6.7; keywords RFC 5788 registry). */
import type { ParsedMessage } from '../mime/types.ts';
import type { Store } from '../store/store.ts';
import type { AccountId } from '../store/ids.ts';
import type { AuthResults } from './auth.ts';
import type { SecurityPolicy, TagName } from './policy.ts';
import type { Analyzer, Tag, Verdict } from './types.ts';
import { analyzeAuth, analyzeIdentity, analyzeLookalikeSender, analyzeOfficial } from './analyze-sender.ts';
import { analyzeCredentials, analyzeForm, analyzeLinks } from './analyze-content.ts';
import { analyzeAttachments, DANGEROUS_ATTACHMENT_TAGS } from './analyze-attachments.ts';
import { bayesTags, classify, type BayesResult } from './bayes.ts';
import { listSenders, listTags, type SenderLists } from './lists.ts';
import { reasonsEn, reasonsFr } from './reasons.ts';

export const ANALYZERS: readonly Analyzer[] = [analyzeAuth, analyzeIdentity, analyzeOfficial, analyzeLookalikeSender, analyzeCredentials, analyzeLinks, analyzeForm, analyzeAttachments];

export interface AnalyzeInput {
  raw: Buffer;
  parsed: ParsedMessage;
  auth: AuthResults;
  policy: SecurityPolicy;
  /** The recipient's allow/block lists (absent for the domain-level verdict taken at SMTP time). */
  lists?: SenderLists;
  /** Classifier result for the recipient (or the domain), null when not trained enough. */
  bayes?: BayesResult | null;
  /** Tags from the optional hooks (DNSBL, rspamd, ClamAV). */
  extraTags?: Tag[];
  /** The ANALYZERS' tags when already computed for this message (`analyzerTags`): they depend only
   *  on the message, its authentication and the policy, so per-recipient verdicts reuse them. */
  analyzerTags?: readonly Tag[];
}

/** Run every analyzer (pure: the message, its authentication and the policy). */
export function analyzerTags(input: Pick<AnalyzeInput, 'raw' | 'parsed' | 'auth' | 'policy'>): Tag[] {
  const tags: Tag[] = [];
  for (const a of ANALYZERS) tags.push(...a(input.parsed, input.raw, input.auth, input.policy));
  return tags;
}

/** Tags saying the message pretends to be the institution. */
const IMPERSONATION: ReadonlySet<TagName> = new Set<TagName>(['FROM_DISPLAY_IMPERSONATION', 'LOOKALIKE_DOMAIN', 'OFFICIAL_NAME_UNVERIFIED', 'SPOOFED_INSTITUTION_DOMAIN']);
/** Tags saying the message tries to make the reader act (give credentials, click, open). */
const LURE: ReadonlySet<TagName> = new Set<TagName>(['CREDENTIAL_REQUEST', 'LINK_TEXT_MISMATCH', 'HTML_FORM', 'EXTERNAL_LOGIN_LINK', 'REPLYTO_FREEMAIL', ...DANGEROUS_ATTACHMENT_TAGS]);

/**
 * Phishing: an impersonation signal together with a lure whose scores reach the phishing
 * threshold, or explicit credential-request language together with a link or form that collects.
 * A verified official sender is never called phishing.
 */
function isPhishing(tags: Tag[], policy: SecurityPolicy): boolean {
  const has = (n: TagName) => tags.some((t) => t.name === n);
  if (has('VERIFIED_OFFICIAL_SENDER') || has('ALLOWLISTED_SENDER')) return false;
  const sum = (set: ReadonlySet<TagName>) => tags.filter((t) => set.has(t.name)).reduce((a, t) => a + t.score, 0);
  const imp = sum(IMPERSONATION);
  const lure = sum(LURE);
  const dmarcFail = has('DMARC_FAIL') ? tags.find((t) => t.name === 'DMARC_FAIL')!.score : 0;
  if (imp > 0 && lure > 0 && imp + lure + dmarcFail >= policy.phishingThreshold) return true;
  // A password field in a message is never legitimate: mail clients are not login pages.
  const passwordForm = tags.some((t) => t.name === 'HTML_FORM' && t.arg === 'password');
  if (passwordForm && !has('VERIFIED_OFFICIAL_SENDER')) return true;
  const cred = tags.find((t) => t.name === 'CREDENTIAL_REQUEST');
  const collector = has('HTML_FORM') || has('LINK_TEXT_MISMATCH') || has('EXTERNAL_LOGIN_LINK') || has('HTML_ATTACHMENT');
  return Boolean(cred && cred.score >= policy.scores.CREDENTIAL_REQUEST * 0.75 && collector);
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Run every analyzer and decide. Pure: everything it needs is in `input`. */
export function analyze(input: AnalyzeInput): Verdict {
  const { raw, parsed, auth, policy } = input;
  const tags: Tag[] = input.analyzerTags ? input.analyzerTags.map((t) => ({ ...t })) : analyzerTags({ raw, parsed, auth, policy });
  tags.push(...bayesTags(input.bayes ?? null, policy));
  tags.push(...listTags(parsed, auth, input.lists, policy));
  tags.push(...(input.extraTags ?? []));
  const has = (n: TagName) => tags.some((t) => t.name === n);
  const score = round(tags.reduce((a, t) => a + t.score, 0));
  const phishing = isPhishing(tags, policy);
  const dangerousAttachments = [...new Set(tags.filter((t) => DANGEROUS_ATTACHMENT_TAGS.has(t.name) && t.arg).map((t) => t.arg!))];
  const allowed = has('ALLOWLISTED_SENDER');
  let action: Verdict['action'] = 'inbox';
  let smtp: Verdict['smtp'];
  // RFC 7489 §6.7: local policy may override p=reject, e.g. for a message with a passing ARC chain
  // (a mailing list or forwarder that broke the signature).
  const dmarcReject = policy.dmarcRejectAtSmtp && auth.dmarc.result === 'fail' && auth.dmarc.policy === 'reject' && auth.arc.result !== 'pass';
  if (has('VIRUS_FOUND')) {
    action = 'reject';
    smtp = { code: 550, enhanced: '5.7.1', message: 'Message refusé : un virus a été détecté' };
  } else if (dmarcReject && !allowed) {
    action = 'reject';
    smtp = { code: 550, enhanced: '5.7.1', message: `Message refusé : la politique DMARC de ${auth.dmarc.domain} demande le rejet` };
  } else if (score >= policy.rejectThreshold && !has('BLOCKLISTED_SENDER') && input.lists === undefined) {
    // A per-user block list files into Junk; only the domain-level verdict refuses at SMTP.
    action = 'reject';
    smtp = { code: 550, enhanced: '5.7.1', message: 'Message refusé : il a été identifié comme indésirable' };
  } else if (phishing || score >= policy.junkThreshold) {
    action = 'junk';
  } else if (!allowed && policy.dmarcQuarantineToJunk && auth.dmarc.result === 'fail' && auth.dmarc.policy === 'quarantine') {
    // RFC 7489 §6.6.2: p=quarantine asks receivers to treat failing mail as suspicious.
    action = 'junk';
  } else if (!allowed && policy.attachmentPolicy === 'quarantine' && dangerousAttachments.length) {
    action = 'junk';
  }
  const external = has('EXTERNAL_SENDER');
  const verified = has('VERIFIED_OFFICIAL_SENDER') && !phishing;
  const tagText = policy.externalSubjectTag.trim();
  const subjectTag = external && tagText && !parsed.subject.startsWith(tagText) ? `${tagText} ${parsed.subject}` : null;
  return {
    score,
    action,
    phishing,
    external,
    verified,
    tags,
    reasons: reasonsFr(tags),
    reasonsEn: reasonsEn(tags),
    auth: { spf: auth.spf.result, dkim: auth.dkim.result, dmarc: auth.dmarc.result, dmarcPolicy: auth.dmarc.policy, arc: auth.arc.result },
    dangerousAttachments,
    subjectTag,
    ...(smtp ? { smtp } : {}),
  };
}

/** Verdict for one recipient: reads the recipient's lists and classifier, then `analyze`. */
export async function analyzeFor(store: Store, accountId: AccountId, input: Omit<AnalyzeInput, 'lists' | 'bayes'>): Promise<Verdict> {
  const [lists, bayes] = await Promise.all([listSenders(store, accountId), classify(store, accountId, input.parsed, input.policy)]);
  return analyze({ ...input, lists, bayes });
}

/** IMAP/JMAP keywords to set at delivery: "$Junk" for Junk, plus "$Phishing" for phishing. */
export function keywordsFor(verdict: Verdict): string[] {
  if (verdict.phishing) return ['$Junk', '$Phishing'];
  if (verdict.action === 'junk') return ['$Junk'];
  return [];
}
