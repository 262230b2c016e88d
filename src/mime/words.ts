/** Decoding of header text: RFC 2047 encoded-words, RFC 2231 parameters, charsets. RFC 2047 §6, RFC 2231 §3-4, RFC 2045 §5.1. */
import libmime from 'libmime';
import libcharset from 'libmime/lib/charset.js';
import iconv from 'iconv-lite';
import { isUtf8 } from 'node:buffer';

// Limit: structured MIME field values (Content-Type, Content-Disposition) are parsed up to 16 KiB;
// libmime's parameter parser is linear but a parameter flood must not cost more than this.
const MAX_STRUCTURED = 16 * 1024;

const ENCODED_WORD_CHARSET = /=\?([^?\s]{1,64})\?[bBqQ]\?/g;
const UTF8_NAMES = /^(?:utf-?8|us-ascii|ascii|7bit|)$/i;
const JAPANESE = /^jis|^iso-?2022-?jp|^euc-?jp/i;

/** True when iconv-lite (or libmime's Japanese decoder) can decode this charset name. */
export function knownCharset(name: string): boolean {
  if (UTF8_NAMES.test(name) || JAPANESE.test(name)) return true;
  const norm = libmime.normalizeCharset(name);
  // libmime refuses UTF-7 (a way to smuggle markup), we treat it as unknown as well
  if (/^utf-?7/i.test(norm)) return false;
  return iconv.encodingExists(norm);
}

/**
 * RFC 2047 §6.1 decoding of every encoded-word in a header value. Never throws: an encoded-word
 * in an unknown charset is decoded as UTF-8 when that yields no replacement character, else as
 * Windows-1252 (every octet maps to a character there).
 */
export function decodeWords(value: string): string {
  if (!value.includes('=?')) return value;
  let unknown = false;
  for (const m of value.matchAll(ENCODED_WORD_CHARSET)) {
    if (!knownCharset(m[1].replace(/\*.*$/, ''))) unknown = true;
  }
  try {
    const out = libmime.decodeWords(value);
    if (!unknown || !out.includes('\uFFFD') || value.includes('\uFFFD')) return clean(out);
    const relabeled = value.replace(ENCODED_WORD_CHARSET, (m, cs: string) =>
      knownCharset(cs.replace(/\*.*$/, '')) ? m : m.replace(cs, 'windows-1252'),
    );
    return clean(libmime.decodeWords(relabeled));
  } catch {
    return value;
  }
}

/** NUL and lone surrogates (from UTF-16 charsets) cannot be stored in PostgreSQL text/jsonb. */
function clean(s: string): string {
  const t = s.includes('\0') ? s.replaceAll('\0', '\uFFFD') : s;
  return t.isWellFormed() ? t : t.toWellFormed();
}

export interface StructuredValue {
  value: string;
  params: Record<string, string>;
}

/**
 * Parses `value; name=param; ...` (RFC 2045 §5.1, RFC 2183 §2). Parameter names are lower-cased;
 * RFC 2231 continuations and charset/language forms are joined and decoded by libmime; the
 * common non-standard RFC 2047 encoded-word inside a quoted `name`/`filename` is decoded too.
 */
export function parseStructured(raw: string): StructuredValue {
  const input = raw.length > MAX_STRUCTURED ? raw.slice(0, MAX_STRUCTURED) : raw;
  let parsed: { value: string; params: Record<string, string> };
  try {
    parsed = libmime.parseHeaderValue(input);
  } catch {
    return { value: input.split(';')[0].trim(), params: {} };
  }
  const decoded = new Set<string>(
    ((parsed as unknown as { decodedParams?: string[] }).decodedParams ?? []).map((k) => k.toLowerCase()),
  );
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed.params ?? {})) {
    const key = k.toLowerCase();
    if (typeof v !== 'string' || key === '__proto__') continue;
    params[key] = !decoded.has(key) && v.includes('=?') ? decodeWords(v) : clean(v);
  }
  return { value: (parsed.value ?? '').trim(), params };
}

/**
 * Bytes in a declared charset to text. Absent, us-ascii or unknown charsets (RFC 2045 §5.2
 * defaults to us-ascii, which real mail ignores) decode as UTF-8 when the bytes are valid UTF-8,
 * else as Windows-1252. A declared UTF-8 with invalid sequences keeps replacement characters.
 * Never throws.
 */
export function decodeCharset(buf: Buffer, charset: string | undefined): string {
  const cs = (charset ?? '').trim();
  let s: string;
  if (/^utf-?8$/i.test(cs)) s = buf.toString('utf8');
  else if (UTF8_NAMES.test(cs) || !knownCharset(cs)) {
    s = isUtf8(buf) ? buf.toString('utf8') : iconv.decode(buf, 'windows-1252');
  } else {
    try {
      s = libcharset.decode(buf, cs);
    } catch {
      s = isUtf8(buf) ? buf.toString('utf8') : iconv.decode(buf, 'windows-1252');
    }
  }
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  return clean(s);
}
