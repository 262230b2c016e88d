/** Look-alike domains: edit distance, confusable characters (Unicode TR39 idea, own table), IDN punycode (RFC 3492), subdomain tricks. */
import { isUnder, isUnderAny, orgDomain, unicodeHost } from './text.ts';

// A small confusables table: characters that render like Latin letters in mail clients.
const CONFUSABLE: Record<string, string> = {
  // Cyrillic
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', ѕ: 's', і: 'i', ї: 'i', ј: 'j', ԁ: 'd', ԛ: 'q', ԝ: 'w', һ: 'h', ӏ: 'l',
  // Greek
  α: 'a', β: 'b', ε: 'e', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w',
  // Latin look-alikes
  ı: 'i', ł: 'l', ɡ: 'g', ɑ: 'a', ḿ: 'm',
  // Digits and letters mistaken for each other (0/o, 1/l/I, 5/s, 3/e)
  '0': 'o', '1': 'l', '!': 'l', '|': 'l', i: 'l', '5': 's', '3': 'e', '@': 'a',
};

/** Visual skeleton: accents removed, confusables mapped, "rn"→"m", "vv"→"w", "cl"→"d". */
export function skeleton(s: string): string {
  const base = s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  let out = '';
  for (const ch of base) out += CONFUSABLE[ch] ?? ch;
  return out.replace(/rn/g, 'm').replace(/vv/g, 'w').replace(/cl/g, 'd');
}

/** Optimal string alignment distance (Damerau-Levenshtein with adjacent swaps), stops early above `max`. */
export function editDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const prev2: number[] = new Array(b.length + 1).fill(0);
  let prev: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur: number[] = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur[j] = v;
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) return max + 1;
    prev2.splice(0, prev2.length, ...prev);
    prev = cur;
  }
  return prev[b.length];
}

export interface Lookalike {
  host: string;
  imitates: string;
  kind: 'confusable' | 'idn' | 'edit-distance' | 'other-tld' | 'subdomain';
}

function nameAndTld(domain: string): [string, string] {
  const dot = domain.lastIndexOf('.');
  return dot < 0 ? [domain, ''] : [domain.slice(0, dot), domain.slice(dot + 1)];
}

/**
 * Does `host` imitate one of `protectedDomains`? Hosts under a protected or trusted domain never do.
 * Checks, in order: subdomain tricks ("ac-paris.fr.evil.com"), IDN / confusable skeletons, the
 * same name under another TLD, and an edit distance of 1 (short names) or 2 (names of 8+ chars).
 */
export function findLookalike(hostIn: string, protectedDomains: readonly string[], trusted: readonly string[]): Lookalike | null {
  const host = hostIn.toLowerCase().replace(/\.$/, '');
  if (!host.includes('.') || isUnderAny(host, protectedDomains) || isUnderAny(host, trusted)) return null;
  const uni = unicodeHost(host);
  const idn = uni !== host;
  const org = orgDomain(host);
  const orgUni = unicodeHost(org);
  for (const p of protectedDomains) {
    // Subdomain trick: the protected domain (dots or dashes) appears inside a foreign host.
    const flat = p.replace(/\./g, '[.-]');
    if (new RegExp(`(^|[.-])${flat}([.-]|$)`).test(host) && !isUnder(host, p)) return { host, imitates: p, kind: 'subdomain' };
    const sp = skeleton(p);
    const so = skeleton(orgUni);
    const [pName, pTld] = nameAndTld(p);
    const [oName, oTld] = nameAndTld(orgUni);
    if (so === sp || skeleton(uni) === sp) return { host, imitates: p, kind: idn ? 'idn' : 'confusable' };
    // The same registrable name under another TLD: ac-paris.com, ac-paris.fr.co.
    if (pName.length >= 5 && !pName.includes('.') && (oName === pName || skeleton(oName) === skeleton(pName)) && oTld !== pTld) {
      return { host, imitates: p, kind: 'other-tld' };
    }
    // Dots traded for dashes: "educatlon-gouv.fr" for "education.gouv.fr".
    const flatP = skeleton(p.replace(/\./g, '-'));
    const flatH = skeleton(orgUni.replace(/\./g, '-'));
    if (p.split('.').length > 2 && editDistance(flatH, flatP, 2) <= 2) return { host, imitates: p, kind: idn ? 'idn' : 'edit-distance' };
    // Edit distance on the skeletons of the registrable names (same number of labels only).
    if (p.split('.').length === orgUni.split('.').length && pName.length >= 5) {
      const max = pName.length >= 8 ? 2 : 1;
      const d = editDistance(skeleton(oName), skeleton(pName), max);
      if (d <= max && oTld === pTld) return { host, imitates: p, kind: idn ? 'idn' : 'edit-distance' };
      if (d <= max && oTld !== pTld && editDistance(oTld, pTld, 1) <= 1) return { host, imitates: p, kind: 'edit-distance' };
    }
  }
  return null;
}
