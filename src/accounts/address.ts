/** prenom.nom local parts: folding of accents, spaces and punctuation; homonym numbering; 64-octet limit. */
import { createHash } from 'node:crypto';

const SPECIAL: Record<string, string> = { œ: 'oe', æ: 'ae', ß: 'ss', ø: 'o', đ: 'd', ð: 'd', þ: 'th', ł: 'l', ı: 'i', ŀ: 'l' };

/** Fold one name part: lower-case, diacritics removed, spaces → "-", apostrophes and other punctuation dropped. */
export function foldNamePart(s: string): string {
  let out = s.toLowerCase().replace(/[œæßøđðþłıŀ]/g, (c) => SPECIAL[c] ?? c);
  out = out.normalize('NFD').replace(/\p{M}+/gu, '');
  out = out.replace(/['’ʼ`´]/g, '');
  out = out.replace(/[\s_]+/g, '-');
  out = out.replace(/[^a-z0-9-]/g, '');
  out = out.replace(/-{2,}/g, '-').replace(/^-+|-+$/g, '');
  return out;
}

// RFC 5321 §4.5.3.1.1: a local part is at most 64 octets. Room is kept for a homonym number.
export const MAX_LOCAL_PART = 64;

/** Shorten deterministically: keep the start, add a 6-hex digest of the full form. */
export function shortenLocalPart(local: string, reserve = 0): string {
  const max = MAX_LOCAL_PART - reserve;
  if (local.length <= max) return local;
  const digest = createHash('sha256').update(local).digest('hex').slice(0, 6);
  let head = local.slice(0, max - 7).replace(/[.-]+$/, '');
  return `${head}-${digest}`;
}

export class AddressError extends Error {
  code = 'ADDRESS_INVALID';
}

/** "Jean-Pierre", "N'Diaye" → "jean-pierre.ndiaye" (before homonym numbering). */
export function baseLocalPart(first: string, last: string): string {
  const f = foldNamePart(first);
  const l = foldNamePart(last);
  if (!f && !l) throw new AddressError('first and last name are both empty after folding');
  const base = f && l ? `${f}.${l}` : f || l;
  return shortenLocalPart(base, 4);
}

/** Homonyms get the next free number: jean.martin, jean.martin2, jean.martin3 … */
export function nextFreeLocalPart(base: string, taken: (candidate: string) => boolean): string {
  if (!taken(base)) return base;
  for (let n = 2; n < 100_000; n++) {
    const c = `${base}${n}`;
    if (!taken(c)) return c;
  }
  throw new AddressError(`no free address for ${base}`);
}

/** Case-insensitive key for address lookups. */
export function normaliseAddress(address: string): string {
  return address.trim().toLowerCase();
}

export function splitAddress(address: string): { local: string; domain: string } | null {
  const a = normaliseAddress(address);
  const at = a.lastIndexOf('@');
  if (at <= 0 || at === a.length - 1) return null;
  return { local: a.slice(0, at), domain: a.slice(at + 1) };
}

/** A valid local part we accept for explicit addresses and aliases (dot-atom, RFC 5322 §3.4.1, restricted). */
export function isValidLocalPart(local: string): boolean {
  return local.length > 0 && local.length <= MAX_LOCAL_PART && /^[a-z0-9](?:[a-z0-9._+-]*[a-z0-9])?$/.test(local) && !local.includes('..');
}
