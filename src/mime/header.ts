/** Header block reader: where a header ends, its fields, unfolding. RFC 5322 §2.2, §2.2.3, §3.5; RFC 6532 §3.2. */
import { isUtf8 } from 'node:buffer';

/** One header field: name as written, `key` lower-cased, value unfolded and trimmed (raw, not RFC 2047 decoded). */
export interface HeaderField {
  name: string;
  key: string;
  value: string;
}

export interface HeaderBlock {
  /** Offset of the first body octet: after the blank line, or at the first line that is not a header line. */
  bodyStart: number;
  fields: HeaderField[];
}

// Limit: at most 1000 fields are recorded per header block; later fields still belong to the
// header (offsets stay exact) but are ignored. Bounds memory and work for header floods.
export const MAX_FIELDS = 1000;
// Limit: a field value is decoded up to 64 KiB; the rest of a longer field (e.g. a 1 MB line) is
// dropped from the value. No legitimate structured field comes near this.
export const MAX_VALUE = 64 * 1024;
// Limit: 100 000 header lines per message are read line by line (budget shared by all parts);
// past that a header's end is found with a native search for the blank line and no more fields
// are recorded. Line-by-line reading costs a native call per line (~0.1 µs), which 12 million
// two-octet lines in a 25 MB message would otherwise multiply.
export const MAX_HEADER_LINES = 100_000;
// Limit: a field name longer than 998 octets (the RFC 5322 §2.1.1 line limit) is not a field name.
const MAX_NAME = 998;

const LF = 10;
const CR = 13;
const SP = 32;
const HT = 9;
const COLON = 58;

/**
 * Reads the header block of the entity raw[start, end).
 * RFC 5322 §2.2: a field is a name of printable ASCII (except ":") followed by ":"; a line that
 * starts with WSP continues the previous field (§2.2.3); the header ends at the first empty line.
 * Deviation (RFC 5322 §3.5): a line that is neither a field nor a continuation ends the header
 * and starts the body without a separator, as Postfix's cleanup does, so a message that lacks
 * the blank line keeps its text as a body. obs-ftext WSP before the colon is accepted (§4.5).
 * LF-only line endings are accepted throughout.
 */
export function readHeader(raw: Buffer, start: number, end: number, lines: { left: number } = { left: MAX_HEADER_LINES }): HeaderBlock {
  const fields: HeaderField[] = [];
  let fieldStart = -1;
  let colon = -1;
  let fieldEnd = -1;
  const flush = (): void => {
    if (fieldStart >= 0 && fields.length < MAX_FIELDS) fields.push(makeField(raw, fieldStart, colon, fieldEnd));
    fieldStart = -1;
  };
  let pos = start;
  while (pos < end) {
    if (--lines.left < 0) {
      flush();
      return { bodyStart: blankLineEnd(raw, pos, end), fields };
    }
    const nl = raw.indexOf(LF, pos);
    const hasLf = nl !== -1 && nl < end;
    const lineEnd = hasLf ? nl + 1 : end;
    let contentEnd = hasLf ? nl : end;
    if (contentEnd > pos && raw[contentEnd - 1] === CR) contentEnd--;
    if (contentEnd === pos) {
      flush();
      return { bodyStart: lineEnd, fields };
    }
    const c = raw[pos];
    if (c === SP || c === HT) {
      // RFC 5322 §2.2.3: folded continuation. Before any field it is junk kept in the header.
      if (fieldStart >= 0) fieldEnd = contentEnd;
    } else {
      const col = fieldNameEnd(raw, pos, contentEnd);
      if (col < 0) {
        flush();
        return { bodyStart: pos, fields };
      }
      flush();
      fieldStart = pos;
      colon = col;
      fieldEnd = contentEnd;
    }
    pos = lineEnd;
  }
  flush();
  return { bodyStart: end, fields };
}

/** End of the first empty line at or after the line starting at `pos`, or `end` when none. */
function blankLineEnd(raw: Buffer, pos: number, end: number): number {
  if (raw[pos] === LF) return pos + 1;
  if (raw[pos] === CR && pos + 1 < end && raw[pos + 1] === LF) return pos + 2;
  // a byte loop: a native search for "\n\n" stops at every LF, which is slower on short lines
  for (let i = pos; i < end; i++) {
    if (raw[i] !== LF) continue;
    if (i + 1 < end && raw[i + 1] === LF) return i + 2;
    if (i + 2 < end && raw[i + 1] === CR && raw[i + 2] === LF) return i + 3;
  }
  return end;
}

/** Index of the colon ending a valid field name at raw[pos...], or -1 (RFC 5322 §3.6.8 ftext). */
function fieldNameEnd(raw: Buffer, pos: number, end: number): number {
  const max = Math.min(end, pos + MAX_NAME + 64);
  let i = pos;
  while (i < max) {
    const c = raw[i];
    if (c === COLON) return i > pos ? i : -1;
    if (c < 33 || c > 126) break;
    i++;
  }
  if (i === pos) return -1;
  // obs-optional: WSP between the name and the colon (RFC 5322 §4.5.8)
  while (i < max && (raw[i] === SP || raw[i] === HT)) i++;
  return i < max && raw[i] === COLON ? i : -1;
}

function makeField(raw: Buffer, start: number, colon: number, end: number): HeaderField {
  const name = raw.toString('latin1', start, colon).trimEnd();
  let vEnd = Math.min(end, colon + 1 + MAX_VALUE);
  // never cut a UTF-8 sequence in two (RFC 6532 §3.2 allows UTF-8 in field values)
  if (vEnd < end) while (vEnd > colon + 1 && (raw[vEnd] & 0xc0) === 0x80) vEnd--;
  return { name, key: name.toLowerCase(), value: unfold(decodeBytes(raw, colon + 1, vEnd)) };
}

/** Header bytes as text: UTF-8 when valid (RFC 6532), else Latin-1 so that no octet is lost. */
export function decodeBytes(raw: Buffer, start: number, end: number): string {
  let ascii = true;
  for (let i = start; i < end; i++) {
    if (raw[i] >= 0x80 || raw[i] === 0) {
      ascii = false;
      break;
    }
  }
  if (ascii) return raw.toString('latin1', start, end);
  const s = isUtf8(raw.subarray(start, end)) ? raw.toString('utf8', start, end) : raw.toString('latin1', start, end);
  // NUL cannot be stored in PostgreSQL text/jsonb nor sent in an IMAP quoted string.
  return s.includes('\0') ? s.replaceAll('\0', '\uFFFD') : s;
}

/** RFC 5322 §2.2.3 unfolding: remove the CRLF of each fold, then trim the value's outer WSP. */
export function unfold(value: string): string {
  const v = value.includes('\n') || value.includes('\r') ? value.replace(/\r?\n|\r/g, '') : value;
  return v.trim();
}

/** Value of the first field named `key` (lower-case), or null. */
export function firstField(fields: HeaderField[], key: string): string | null {
  for (const f of fields) if (f.key === key) return f.value;
  return null;
}

/** Values of every field named `key` (lower-case), in order. */
export function allFields(fields: HeaderField[], key: string): string[] {
  const out: string[] = [];
  for (const f of fields) if (f.key === key) out.push(f.value);
  return out;
}
