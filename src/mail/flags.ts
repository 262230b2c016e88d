/** IMAP flags ⇄ JMAP keywords: normalisation, storage form, set operations. RFC 9051 §2.3.2, RFC 8621 §4.1.1, RFC 5788. */

/** The stored IMAP system flags (\Recent is not stored: RFC 9051 §2.3.2 deprecates it). */
export const SYSTEM_FLAGS = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'] as const;

// RFC 8621 §4.1.1: "$draft", "$seen", "$flagged", "$answered" are the IMAP system flags;
// \Deleted has no keyword (JMAP has no deleted-but-present state).
const FLAG_TO_KEYWORD: Record<string, string> = { '\\seen': '$seen', '\\answered': '$answered', '\\flagged': '$flagged', '\\draft': '$draft' };
const KEYWORD_TO_FLAG: Record<string, string> = { $seen: '\\Seen', $answered: '\\Answered', $flagged: '\\Flagged', $draft: '\\Draft' };
const SYSTEM_CANONICAL = new Map(SYSTEM_FLAGS.map((f) => [f.toLowerCase(), f as string]));

/** Registered keywords (RFC 5788 registry, RFC 8457, RFC 9051 §2.3.2) kept in their usual case for IMAP clients. */
const WELL_KNOWN = new Map(
  ['$Forwarded', '$MDNSent', '$Junk', '$NotJunk', '$Phishing', '$Important', '$SubmitPending', '$Submitted'].map((k) => [k.toLowerCase(), k]),
);

// Limit: a keyword is at most 255 octets (RFC 8621 §4.1.1 bounds it at 255; IMAP atoms have no limit).
const MAX_KEYWORD = 255;
// RFC 9051 §9 atom-specials plus "]" (resp-specials) and "\" (reserved for system flags);
// RFC 8621 §4.1.1 forbids the same set in keywords.
const BAD_KEYWORD_CHAR = /[\x00-\x20\x7f-\uffff(){%*"\\\]]/;

/** True when `f` is one of the five stored system flags (any case). */
export function isSystemFlag(f: string): boolean {
  return SYSTEM_CANONICAL.has(f.toLowerCase());
}

/**
 * Canonical storage form of one IMAP flag or keyword, or null when it is not a valid flag to
 * store (unknown `\`-flag such as `\Recent`, bad characters, too long). System flags and
 * registered keywords get their canonical case; other keywords keep the case given.
 */
export function normaliseFlag(f: string): string | null {
  if (!f) return null;
  const lower = f.toLowerCase();
  if (f[0] === '\\') return SYSTEM_CANONICAL.get(lower) ?? null;
  if (f.length > MAX_KEYWORD || BAD_KEYWORD_CHAR.test(f)) return null;
  return WELL_KNOWN.get(lower) ?? f;
}

/** Parse the stored space-separated form. */
export function parseFlags(stored: string | null | undefined): string[] {
  if (!stored) return [];
  return stored.split(' ').filter(Boolean);
}

/** Normalise and de-duplicate (case-insensitively; the first spelling wins) a list of flags. Invalid ones are dropped. */
export function normaliseFlags(flags: Iterable<string>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of flags) {
    const f = normaliseFlag(raw);
    if (!f) continue;
    const k = f.toLowerCase();
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(f);
  }
  return out;
}

/** Storage form: normalised flags joined by one space (what `mailbox_messages.flags` holds). */
export function formatFlags(flags: Iterable<string>): string {
  return normaliseFlags(flags).join(' ');
}

/** Case-insensitive membership (IMAP flag names are case-insensitive, RFC 9051 §2.3.2). */
export function hasFlag(flags: readonly string[], flag: string): boolean {
  const k = flag.toLowerCase();
  return flags.some((f) => f.toLowerCase() === k);
}

/** Same set of flags, ignoring order and case. */
export function sameFlags(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(a.map((f) => f.toLowerCase()));
  return b.every((f) => s.has(f.toLowerCase()));
}

export type FlagOp = 'set' | 'add' | 'remove';

/** STORE FLAGS / +FLAGS / -FLAGS (RFC 9051 §6.4.6) applied to a current list. */
export function applyFlagOp(current: readonly string[], op: FlagOp, flags: readonly string[]): string[] {
  const given = normaliseFlags(flags);
  if (op === 'set') return given;
  if (op === 'add') return normaliseFlags([...current, ...given]);
  const drop = new Set(given.map((f) => f.toLowerCase()));
  return current.filter((f) => !drop.has(f.toLowerCase()));
}

/** JMAP keyword for an IMAP flag: `\Seen` → `$seen`; `\Deleted` → null; keywords lower-cased (RFC 8621 §4.1.1). */
export function flagToKeyword(flag: string): string | null {
  const lower = flag.toLowerCase();
  if (lower[0] === '\\') return FLAG_TO_KEYWORD[lower] ?? null;
  return lower;
}

/** IMAP flag for a JMAP keyword: `$seen` → `\Seen`; registered keywords get their usual case; null if invalid. */
export function keywordToFlag(keyword: string): string | null {
  const lower = keyword.toLowerCase();
  const sys = KEYWORD_TO_FLAG[lower];
  if (sys) return sys;
  return normaliseFlag(lower);
}

/** JMAP `keywords` object from stored IMAP flags. */
export function flagsToKeywords(flags: readonly string[]): Record<string, true> {
  const out: Record<string, true> = {};
  for (const f of flags) {
    const k = flagToKeyword(f);
    if (k) out[k] = true;
  }
  return out;
}

/** IMAP flags from JMAP keywords (object or list). Throws on an invalid keyword name. */
export function keywordsToFlags(keywords: Record<string, boolean> | readonly string[]): string[] {
  const names = Array.isArray(keywords) ? keywords : Object.keys(keywords).filter((k) => (keywords as Record<string, boolean>)[k]);
  const out: string[] = [];
  for (const k of names) {
    const f = keywordToFlag(k);
    if (!f) throw new RangeError(`invalid keyword: ${k.slice(0, 40)}`);
    out.push(f);
  }
  return normaliseFlags(out);
}

/** The flags of a placement with \Deleted kept from `placement` and everything else from `shared`. */
export function withDeletedOf(shared: readonly string[], placement: readonly string[]): string[] {
  const base = shared.filter((f) => f !== '\\Deleted');
  return hasFlag(placement, '\\Deleted') ? [...base, '\\Deleted'] : base;
}
