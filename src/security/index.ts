/** Protection layer: inbound authentication, spam and phishing analysis, attachment checks, classifier, lists, hooks, reports. */
export { authenticateInbound, stripForeignAuthResults, withAuthHeaders, noAuth, type AuthResults, type AuthContext, type DnsResolver, type DkimSignatureResult } from './auth.ts';
export {
  securityPolicySchema,
  resolvePolicy,
  DEFAULT_SCORES,
  DEFAULT_PROTECTED_NAMES,
  DEFAULT_PROTECTED_DOMAINS,
  DEFAULT_FREEMAIL,
  TAG_NAMES,
  type SecurityPolicy,
  type SecurityPolicyInput,
  type TagName,
} from './policy.ts';
export type { Tag, Verdict, Action, Analyzer } from './types.ts';
export { analyzeAuth, analyzeIdentity, analyzeOfficial, analyzeLookalikeSender, senderFacts } from './analyze-sender.ts';
export { analyzeCredentials, analyzeLinks, analyzeForm, credentialPoints } from './analyze-content.ts';
export { analyzeAttachments, inspectAttachment, zipFacts, DANGEROUS_ATTACHMENT_TAGS } from './analyze-attachments.ts';
export { findLookalike, editDistance, skeleton } from './lookalike.ts';
export { train, classify, bayesTags, tokenize, spamProbability, type BayesResult, type BayesClass } from './bayes.ts';
export { allowSender, blockSender, removeSender, listSenders, listTags, normalizePattern, SenderListError, type SenderLists } from './lists.ts';
export { analyze, analyzeFor, keywordsFor, ANALYZERS, type AnalyzeInput } from './verdict.ts';
export { dnsblLookup, dnsblName, rspamdCheck, clamavScan, runHooks, type HookResult, type RspamdInput } from './hooks.ts';
export { reportPhishing, type PhishingReport } from './report.ts';
export { reasonsFr, reasonsEn } from './reasons.ts';
