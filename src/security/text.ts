/** Text and domain helpers for the analyzers: accent folding, HTML to text, link extraction, domain tests. */
import { domainToUnicode } from 'node:url';
import type { ParsedMessage } from '../mime/types.ts';
import { decodeEntities, htmlToText as mimeHtmlToText } from '../mime/html-text.ts';

export { decodeEntities };

/** Lower-case, strip accents and typographic apostrophes, collapse spaces: "Boîte  PLEINE" -> "boite pleine". */
export function fold(s: string): string {
  return nfkd(s)
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
    .replace(/[\u00a0\u2000-\u200b\u202f]/g, ' ')
    .toLowerCase()
    .replace(WS_RUN, ' ');
}

// Whitespace that is not already exactly one ' ': same result as /\s+/ -> ' ', fewer replacements.
const WS_RUN = /(?: \s|[^\S ])\s*/g;

/**
 * NFKD of only the non-ASCII runs: ASCII is its own decomposition and has canonical combining
 * class 0, so it bounds reordering; identical to s.normalize('NFKD'), much cheaper on Latin text.
 */
function nfkd(s: string): string {
  return s.replace(/[^\x00-\x7f]+/g, (run) => run.normalize('NFKD'));
}

// Limit: analysers look at the first 1 MiB of HTML (the parser bounds it too).
const HTML_LIMIT = 1 << 20;

/** HTML to text with src/mime's linear converter (each '<' matched once). */
export function htmlToText(html: string): string {
  return mimeHtmlToText(html.slice(0, HTML_LIMIT));
}

/** Subject + plain text + text of the HTML, folded. */
export function messageText(parsed: ParsedMessage): string {
  const html = parsed.html ? htmlToText(parsed.html) : '';
  return fold(`${parsed.subject}\n${parsed.text ?? ''}\n${html}`);
}

export interface Link {
  href: string;
  text: string;
}

// Limit: at most 500 anchors and URLs are examined; a longer list adds nothing to the verdict.
const MAX_LINKS = 500;

const A_OPEN = /<a\b/gi;
const A_CLOSE = /<\/a\s*>/gi;

/**
 * Anchors of the HTML body with their visible text. Linear: each search starts where the previous
 * one ended, so a flood of unterminated "<a" tags costs one pass.
 */
export function extractLinks(html: string | null): Link[] {
  if (!html) return [];
  const src = html.slice(0, HTML_LIMIT);
  const out: Link[] = [];
  A_OPEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while (out.length < MAX_LINKS && (m = A_OPEN.exec(src))) {
    const gt = src.indexOf('>', m.index);
    if (gt < 0) break;
    A_CLOSE.lastIndex = gt;
    const close = A_CLOSE.exec(src);
    if (!close) break;
    A_OPEN.lastIndex = close.index + close[0].length;
    const href = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(src.slice(m.index, gt + 1));
    if (!href) continue;
    // Limit: 2000 characters of anchor text are enough to show a domain.
    out.push({ href: decodeEntities(href[1] ?? href[2] ?? href[3] ?? '').trim(), text: htmlToText(src.slice(gt + 1, Math.min(close.index, gt + 2001))).trim() });
  }
  return out;
}

/** Bare URLs in plain text. */
export function textUrls(text: string): string[] {
  return [...text.slice(0, HTML_LIMIT).matchAll(/\bhttps?:\/\/[^\s<>"')\]]+/gi)].slice(0, MAX_LINKS).map((m) => m[0].replace(/[.,;:!?»]+$/, ''));
}

/** Host of an http(s) URL, lower-case, or null. */
export function urlHost(url: string): string | null {
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    const host = u.hostname.toLowerCase().replace(/\.$/, '');
    // WHATWG URL keeps some punctuation in hosts ("a.fr,"); a real DNS name has none.
    return /^[a-z0-9.-]+$/.test(host) || /^\[[0-9a-f:.]+\]$/.test(host) ? host.replace(/[.-]+$/, '') : null;
  } catch {
    return null;
  }
}

export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : address.slice(at + 1).toLowerCase().replace(/\.$/, '');
}

/** `host` is `base` or one of its subdomains. */
export function isUnder(host: string, base: string): boolean {
  return host === base || host.endsWith('.' + base);
}

export function isUnderAny(host: string, bases: readonly string[]): boolean {
  return bases.some((b) => isUnder(host, b));
}

// Public suffixes with two labels that matter here (not the whole PSL: a heuristic for grouping).
const TWO_LABEL_SUFFIXES = new Set(['gouv.fr', 'asso.fr', 'com.fr', 'nom.fr', 'co.uk', 'org.uk', 'ac.uk', 'gov.uk', 'com.au', 'co.jp', 'com.br', 'co.in', 'com.cn', 'com.tr']);

/** Organisational domain (approximation, RFC 7489 §3.2 without the full public suffix list). */
export function orgDomain(host: string): string {
  const labels = host.split('.');
  if (labels.length <= 2) return host;
  const last2 = labels.slice(-2).join('.');
  return TWO_LABEL_SUFFIXES.has(last2) ? labels.slice(-3).join('.') : last2;
}

/** Unicode form of an IDN host ("xn--ac-pars-..." -> "ac-parís.fr"), the host itself otherwise. */
export function unicodeHost(host: string): string {
  if (!host.includes('xn--')) return host;
  return domainToUnicode(host) || host;
}

/** A domain-looking token in visible text ("www.ac-paris.fr", "https://ac-paris.fr/x"). */
export function domainInText(text: string): string | null {
  if (text.length > 300) return null;
  const m = /(?:https?:\/\/)?((?:[a-z0-9\u00a1-\uffff](?:[a-z0-9\u00a1-\uffff-]{0,61}[a-z0-9\u00a1-\uffff])?\.)+[a-z\u00a1-\uffff]{2,24})(?=$|[\/:?#\s])/i.exec(text.trim());
  if (!m) return null;
  const d = m[1].toLowerCase();
  // "fichier.pdf", "v1.2" are not domains: require a known-looking TLD of letters only.
  if (/\.(pdf|docx?|xlsx?|pptx?|odt|zip|png|jpe?g|gif|txt|html?)$/.test(d)) return null;
  return d;
}
