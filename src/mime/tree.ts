/** MIME tree with byte offsets: multipart splitting, embedded messages, section numbers. RFC 2045 §5-6, RFC 2046 §5.1-5.2, RFC 2183, RFC 9051 §6.4.5. */
import type { ImapEnvelope, MimePart } from './types.ts';
import { firstField, MAX_HEADER_LINES, readHeader, type HeaderField } from './header.ts';
import { countLf } from './lines.ts';
import { ADDRESS_BUDGET, buildEnvelope, parseAddressFields, type AddressBudget, type AddressFields } from './envelope.ts';
import { parseStructured } from './words.ts';

// Limit: nesting depth 50 (multiparts and embedded messages). A multipart or message/rfc822 part
// deeper than that is kept as a leaf typed application/octet-stream (its declared type is kept in
// `declaredType`), so a 200-level bomb costs 50 levels of work and no stack depth.
export const MAX_DEPTH = 50;
// Limit: 1000 parts per message (mailsplit's default too); delimiters past that are ignored, the
// bytes after the last kept part are left outside any part, like an epilogue.
export const MAX_PARTS = 1000;

// Limit: 100 000 delimiter candidates (lines starting with "--" and a boundary) are examined per
// message, all levels together. Boundaries that prefix each other ("a", "aa", ...) nested 50 deep
// over a 25 MB body of "--aaa...x" lines would otherwise cost 50 native calls per line. Once
// spent, a multipart's current part runs to its end as if the close delimiter were missing.
export const MAX_CANDIDATES = 100_000;

/** Parse state shared by all the parts of one message. */
export interface TreeContext {
  raw: Buffer;
  parts: number;
  budget: AddressBudget;
  headerLines: { left: number };
  candidates: { left: number };
  /** LF count of each part's whole entity (header and body), computed bottom-up once. */
  lf: Map<MimePart, number>;
}

/** One parsed entity: its part, its header fields and, for a message root, its address fields. */
export interface Entity {
  part: MimePart;
  fields: HeaderField[];
}

export function newContext(raw: Buffer): TreeContext {
  return {
    raw,
    parts: 0,
    budget: { left: ADDRESS_BUDGET },
    headerLines: { left: MAX_HEADER_LINES },
    candidates: { left: MAX_CANDIDATES },
    lf: new Map(),
  };
}

const TEXT_PLAIN = { type: 'text', subtype: 'plain' };
const MESSAGE_RFC822 = { type: 'message', subtype: 'rfc822' };
const IDENTITY = new Set(['7BIT', '8BIT', 'BINARY']);

/** RFC 9051 §6.4.5: children of part "2" are "2.1", "2.2"; of the whole message "1", "2". */
export function childId(parentId: string, n: number): string {
  return parentId === '' ? String(n) : `${parentId}.${n}`;
}

/**
 * Parses the entity raw[start, end) into a part. `partId` is its section number; for the root of
 * a message (top level or embedded) it is the number of the message ("" at the top).
 * `defaultType` is text/plain, or message/rfc822 inside multipart/digest (RFC 2046 §5.1.5).
 */
export function parseEntity(
  ctx: TreeContext,
  start: number,
  end: number,
  partId: string,
  depth: number,
  defaultType = TEXT_PLAIN,
  isMessageRoot = false,
): Entity {
  ctx.parts++;
  const { raw } = ctx;
  const hb = readHeader(raw, start, end, ctx.headerLines);
  const part = describePart(hb.fields, partId, start, hb.bodyStart, end, defaultType);
  const tooDeep = depth >= MAX_DEPTH || ctx.parts >= MAX_PARTS;
  if (part.type === 'multipart') {
    if (tooDeep) demote(part);
    else splitChildren(ctx, part, depth);
  } else if (part.type === 'message' && (part.subtype === 'rfc822' || part.subtype === 'global')) {
    // RFC 2046 §5.2.1: only 7bit, 8bit or binary; an encoded one is an opaque leaf (no `message`).
    if (tooDeep) demote(part);
    else if (IDENTITY.has(part.encoding)) {
      // the embedded root numbers like its container; a non-multipart root's own body is ".1"
      const innerId = isMessageRoot ? childId(partId, 1) : partId;
      const inner = parseEntity(ctx, part.bodyStart, end, innerId, depth + 1, TEXT_PLAIN, true);
      part.message = { envelope: envelopeOf(inner.fields, ctx.budget), root: inner.part };
    }
  }
  countLines(ctx, part);
  return { part, fields: hb.fields };
}

/**
 * Sets `lines` (RFC 9051 §7.5.2 body-fld-lines: lines of the body) of a leaf or message part and
 * records the entity's LF count. Bottom-up from the children's counts, so each octet is counted
 * once however deep the nesting.
 */
function countLines(ctx: TreeContext, part: MimePart): void {
  const { raw, lf } = ctx;
  let bodyLf = 0;
  if (part.children) {
    let pos = part.bodyStart;
    for (const c of part.children) {
      bodyLf += countLf(raw, pos, c.headerStart) + (lf.get(c) ?? 0);
      pos = Math.max(pos, c.bodyEnd);
    }
    bodyLf += countLf(raw, pos, part.bodyEnd);
  } else if (part.message) {
    bodyLf = lf.get(part.message.root) ?? 0;
  } else {
    bodyLf = countLf(raw, part.bodyStart, part.bodyEnd);
  }
  lf.set(part, countLf(raw, part.headerStart, part.bodyStart) + bodyLf);
  if (!part.children) part.lines = bodyLf + (part.size > 0 && raw[part.bodyEnd - 1] !== 10 ? 1 : 0);
}

export function envelopeOf(fields: HeaderField[], budget: AddressBudget, addrs?: AddressFields): ImapEnvelope {
  return buildEnvelope(fields, addrs ?? parseAddressFields(fields, budget));
}

function demote(part: MimePart): void {
  part.declaredType = `${part.type}/${part.subtype}`;
  part.type = 'application';
  part.subtype = 'octet-stream';
}

function splitChildren(ctx: TreeContext, part: MimePart, depth: number): void {
  const boundary = part.params.boundary ?? '';
  const ranges = boundary === '' ? [] : splitMultipart(ctx.raw, part.bodyStart, part.bodyEnd, boundary, MAX_PARTS - ctx.parts, ctx.candidates);
  const def = part.subtype === 'digest' ? MESSAGE_RFC822 : TEXT_PLAIN;
  const children: MimePart[] = [];
  for (const r of ranges) {
    if (ctx.parts >= MAX_PARTS) break;
    children.push(parseEntity(ctx, r.start, r.end, childId(part.partId, children.length + 1), depth + 1, def).part);
  }
  // RFC 9051 §9 body-type-mpart needs at least one part: a multipart whose boundary never
  // appears gets one empty text/plain part at its end (as Dovecot does).
  if (children.length === 0) {
    ctx.parts++;
    const at = part.bodyEnd;
    const empty = describePart([], childId(part.partId, 1), at, at, at, TEXT_PLAIN);
    ctx.lf.set(empty, 0);
    children.push(empty);
  }
  part.children = children;
}

export interface Range {
  start: number;
  end: number;
}

/**
 * RFC 2046 §5.1.1: splits a multipart body at its delimiter lines ("--" boundary, optional
 * transport padding, line end). The line break before a delimiter belongs to the delimiter.
 * A line "--boundary--" closes the multipart; the epilogue after it is ignored. Robustness: when
 * the close delimiter is missing the last part runs to the end; when the boundary never appears
 * there is no part. Linear: every candidate is checked once, each byte is scanned O(1) times.
 */
export function splitMultipart(
  raw: Buffer,
  start: number,
  end: number,
  boundary: string,
  maxParts: number,
  candidates: { left: number } = { left: MAX_CANDIDATES },
): Range[] {
  const delim = Buffer.from(`--${boundary}`, 'utf8');
  const ranges: Range[] = [];
  let partStart = -1;
  let pos = start;
  while (pos < end) {
    const i = candidates.left-- > 0 ? raw.indexOf(delim, pos) : -1;
    if (i < 0 || i + delim.length > end) break;
    if (i !== start && raw[i - 1] !== 10) {
      pos = i + 1;
      continue;
    }
    let j = i + delim.length;
    const close = j + 1 < end && raw[j] === 45 && raw[j + 1] === 45;
    if (close) j += 2;
    while (j < end && (raw[j] === 32 || raw[j] === 9)) j++;
    let lineEnd: number;
    if (j >= end) lineEnd = end;
    else if (raw[j] === 10) lineEnd = j + 1;
    else if (raw[j] === 13 && (j + 1 >= end || raw[j + 1] === 10)) lineEnd = Math.min(j + 2, end);
    else if (close) lineEnd = end; // "--b--garbage": still the end
    else {
      pos = i + 1; // "--boundaryX": another boundary that merely starts with ours
      continue;
    }
    if (partStart >= 0) ranges.push({ start: partStart, end: eolBefore(raw, i, partStart) });
    if (close || ranges.length >= maxParts) return ranges;
    partStart = lineEnd;
    pos = lineEnd;
  }
  if (partStart >= 0) ranges.push({ start: partStart, end });
  return ranges;
}

/** Start of the CRLF (or LF) that ends the line before offset i, not before `min`. */
function eolBefore(raw: Buffer, i: number, min: number): number {
  let e = i;
  if (e > min && raw[e - 1] === 10) e--;
  if (e > min && raw[e - 1] === 13) e--;
  return e;
}

/** Builds a part from its Content-* fields (RFC 2045 §5-8, RFC 2183, RFC 3282, RFC 2557 §4). */
function describePart(
  fields: HeaderField[],
  partId: string,
  headerStart: number,
  bodyStart: number,
  bodyEnd: number,
  defaultType: { type: string; subtype: string },
): MimePart {
  const ctRaw = firstField(fields, 'content-type');
  let { type, subtype } = defaultType;
  let params: Record<string, string> = {};
  if (ctRaw !== null) {
    const ct = parseStructured(ctRaw);
    const m = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)\s*\/\s*([!#$%&'*+\-.^_`|~0-9A-Za-z]+)$/.exec(ct.value);
    // RFC 2045 §5.2: an invalid Content-Type defaults to text/plain; charset=us-ascii
    if (m) {
      type = m[1].toLowerCase();
      subtype = m[2].toLowerCase();
      params = ct.params;
    } else {
      type = 'text';
      subtype = 'plain';
      params = { charset: 'us-ascii' };
    }
  } else if (type === 'text') {
    params = { charset: 'us-ascii' };
  }
  const cte = firstField(fields, 'content-transfer-encoding');
  const encoding = (cte ?? '').replace(/\(.*?\)/g, '').trim().toUpperCase() || '7BIT';
  const cdRaw = firstField(fields, 'content-disposition');
  const cd = cdRaw === null ? null : parseStructured(cdRaw);
  const disposition = cd && cd.value !== '' ? { type: cd.value.toLowerCase(), params: cd.params } : null;
  const lang = firstField(fields, 'content-language');
  const langs = lang === null ? [] : lang.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const name = disposition?.params.filename ?? params.name ?? null;
  return {
    partId,
    type,
    subtype,
    params,
    id: firstField(fields, 'content-id'),
    description: firstField(fields, 'content-description'),
    encoding,
    disposition,
    language: langs.length > 0 ? langs : null,
    location: firstField(fields, 'content-location'),
    md5: firstField(fields, 'content-md5'),
    headerStart,
    bodyStart,
    bodyEnd,
    size: bodyEnd - bodyStart,
    lines: 0,
    name: name === null || name === '' ? null : name,
  };
}
