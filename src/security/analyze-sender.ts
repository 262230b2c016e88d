/** Sender analyzers: authentication tags (RFC 7208, RFC 6376, RFC 7489), display-name impersonation, official senders, Reply-To, external mail. */
import type { ParsedMessage } from '../mime/types.ts';
import type { AuthResults } from './auth.ts';
import type { SecurityPolicy } from './policy.ts';
import { tag, type Tag } from './types.ts';
import { domainOf, fold, isUnderAny } from './text.ts';
import { findLookalike, skeleton } from './lookalike.ts';

export interface SenderFacts {
  email: string;
  name: string;
  domain: string;
  /** The From domain is one of the institution's domains. */
  claimsInstitution: boolean;
  /** Internal submission, or DMARC pass for the From domain. */
  authenticated: boolean;
  /** From an institution domain and authenticated. */
  internal: boolean;
}

export function senderFacts(parsed: ParsedMessage, auth: AuthResults, policy: SecurityPolicy): SenderFacts {
  const from = parsed.from[0] ?? { name: null, email: '' };
  const email = from.email.toLowerCase();
  const domain = domainOf(email);
  const claimsInstitution = domain !== '' && isUnderAny(domain, policy.institutionDomains);
  const authenticated = Boolean(auth.submitted) || auth.dmarc.result === 'pass';
  return { email, name: from.name ?? '', domain, claimsInstitution, authenticated, internal: claimsInstitution && authenticated };
}

/** SPF_FAIL, DKIM_INVALID, DMARC_FAIL and the policy the domain owner asked for. */
export function analyzeAuth(_parsed: ParsedMessage, _raw: Buffer, auth: AuthResults, policy: SecurityPolicy): Tag[] {
  if (auth.submitted) return [];
  const out: Tag[] = [];
  // RFC 7208 §8.4: "fail" is an explicit statement that the client is not authorised.
  if (auth.spf.result === 'fail') out.push(tag(policy, 'SPF_FAIL', `spf=fail for ${auth.spf.domain}`, auth.spf.domain));
  // RFC 7208 §8.5: softfail is weak; it only adds a little.
  else if (auth.spf.result === 'softfail') out.push(tag(policy, 'SPF_SOFTFAIL', `spf=softfail for ${auth.spf.domain}`, auth.spf.domain));
  // RFC 6376 §6.3: an unverifiable signature SHOULD NOT decide acceptability alone; it only adds a little.
  if (auth.dkim.signatures.length && !auth.dkim.signatures.some((s) => s.result === 'pass') && auth.dkim.signatures.some((s) => s.result === 'fail' || s.result === 'permerror' || s.result === 'neutral')) {
    out.push(tag(policy, 'DKIM_INVALID', `dkim=${auth.dkim.result}`, auth.dkim.signatures[0].domain));
  }
  if (auth.dmarc.result === 'fail') {
    out.push(tag(policy, 'DMARC_FAIL', `dmarc=fail for ${auth.dmarc.domain}`, auth.dmarc.domain));
    // RFC 7489 §6.6.2: the Domain Owner's policy (p or sp) says what to do with failing mail.
    if (auth.dmarc.policy === 'reject' && policy.dmarcRejectAtSmtp) out.push(tag(policy, 'DMARC_REJECT_POLICY', 'p=reject', auth.dmarc.domain));
    if (auth.dmarc.policy === 'quarantine' && policy.dmarcQuarantineToJunk) out.push(tag(policy, 'DMARC_QUARANTINE_POLICY', 'p=quarantine', auth.dmarc.domain));
  }
  return out;
}

/** Does folded `hay` contain the folded name as whole words? */
function containsName(hay: string, name: string): boolean {
  const n = fold(name).replace(/[’']/g, "'").trim();
  if (!n) return false;
  const esc = n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '[\\s._-]*');
  return new RegExp(`(^|[^a-z0-9])${esc}($|[^a-z0-9])`).test(hay);
}

/** The protected name displayed by the sender, if any (also in skeleton form: "Rectοrat" with a Greek ο). */
export function protectedNameIn(display: string, policy: SecurityPolicy): string | null {
  if (!display) return null;
  const f = fold(display);
  const sk = skeleton(display);
  for (const n of policy.protectedNames) if (containsName(f, n) || containsName(sk, skeleton(n))) return n;
  for (const d of policy.protectedDomains) if (f.includes(d)) return d;
  return null;
}

/** FROM_DISPLAY_IMPERSONATION, SPOOFED_INSTITUTION_DOMAIN, EXTERNAL_SENDER, REPLYTO_FREEMAIL. */
export function analyzeIdentity(parsed: ParsedMessage, _raw: Buffer, auth: AuthResults, policy: SecurityPolicy): Tag[] {
  const s = senderFacts(parsed, auth, policy);
  const out: Tag[] = [];
  if (s.claimsInstitution && !s.authenticated) {
    out.push(tag(policy, 'SPOOFED_INSTITUTION_DOMAIN', `From ${s.domain} without authentication`, s.domain));
  }
  if (!s.internal) {
    out.push(tag(policy, 'EXTERNAL_SENDER', `sender domain ${s.domain || '(none)'}`, s.domain));
    // A trusted public-sector domain (another académie, a ministry) that passed DMARC may use these names.
    const trustedPeer = isUnderAny(s.domain, policy.trustedLinkDomains) && auth.dmarc.result === 'pass';
    const name = trustedPeer ? null : protectedNameIn(s.name, policy);
    if (name) out.push(tag(policy, 'FROM_DISPLAY_IMPERSONATION', `display name "${s.name}" from ${s.domain}`, name));
  }
  const reply = parsed.replyTo[0]?.email.toLowerCase();
  if (reply && reply !== s.email) {
    const rd = domainOf(reply);
    if (rd !== s.domain && isUnderAny(rd, policy.freemailDomains)) out.push(tag(policy, 'REPLYTO_FREEMAIL', `Reply-To ${reply}`, reply));
  }
  return out;
}

function matchesOfficial(email: string, address: string): boolean {
  return address.startsWith('@') ? email.endsWith(address) : email === address;
}

/** VERIFIED_OFFICIAL_SENDER (aligned DKIM and DMARC pass) and OFFICIAL_NAME_UNVERIFIED. */
export function analyzeOfficial(parsed: ParsedMessage, _raw: Buffer, auth: AuthResults, policy: SecurityPolicy): Tag[] {
  const s = senderFacts(parsed, auth, policy);
  const official = policy.officialSenders.find((o) => matchesOfficial(s.email, o.address));
  // RFC 7489 §3.1: identifier alignment; we require the aligned DKIM path, not SPF alone (forwarding-proof).
  const alignedDkim = auth.dkim.signatures.some((x) => x.result === 'pass' && x.aligned);
  const verified = Boolean(official) && ((auth.dmarc.result === 'pass' && auth.dmarc.alignedDkim && alignedDkim) || Boolean(auth.submitted));
  if (verified) return [tag(policy, 'VERIFIED_OFFICIAL_SENDER', `${s.email} verified`, official!.name ?? s.email)];
  const dn = fold(s.name).trim();
  if (!dn) return [];
  const same = policy.officialSenders.find((o) => o.name && (fold(o.name).trim() === dn || skeleton(o.name) === skeleton(s.name)));
  return same ? [tag(policy, 'OFFICIAL_NAME_UNVERIFIED', `"${s.name}" not from a verified ${same.address}`, same.name)] : [];
}

/** LOOKALIKE_DOMAIN for the From, Reply-To and Sender domains (links are checked with the content). */
export function analyzeLookalikeSender(parsed: ParsedMessage, _raw: Buffer, _auth: AuthResults, policy: SecurityPolicy): Tag[] {
  const seen = new Set<string>();
  for (const a of [...parsed.from, ...parsed.replyTo, ...parsed.sender]) {
    const d = domainOf(a.email);
    if (!d || seen.has(d)) continue;
    seen.add(d);
    const l = findLookalike(d, policy.protectedDomains, policy.trustedLinkDomains);
    if (l) return [tag(policy, 'LOOKALIKE_DOMAIN', `${l.host} imitates ${l.imitates} (${l.kind})`, `${l.host}|${l.imitates}`)];
  }
  return [];
}
