/** Parse a message once at delivery into a ParsedMessage. RFC 5322 §3.6, RFC 9051 §7.5.2, RFC 8621 §4.1. */
import type { MimePart, ParsedMessage } from './types.ts';
import { firstField } from './header.ts';
import { ADDRESS_BUDGET, buildEnvelope, parseAddressFields, toEmailAddresses } from './envelope.ts';
import { newContext, parseEntity } from './tree.ts';
import { decodeWords } from './words.ts';
import {
  attachmentInfo,
  bodyParts,
  type BodyParts,
  jmapPartId,
  makePreview,
  MAX_HTML,
  MAX_TEXT,
  stripBrackets,
  TextCache,
  truncate,
} from './body.ts';

// Limit: `headers` keeps the first 500 top-level fields, each value cut at 8 KiB.
export const MAX_HEADERS = 500;
export const MAX_HEADER_VALUE = 8 * 1024;
// Limit: In-Reply-To / References keep 100 ids (References: the first and the last 99; the
// REFERENCES threading of RFC 5256 §3 leans on the last ones, RFC 5322 §3.6.4 on the first).
export const MAX_IDS = 100;
// Limit: embedded messages add their text to the search text down to 3 levels.
const MAX_TEXT_DEPTH = 3;

/**
 * Parses a raw message (RFC 5322 + MIME) into its structure with byte offsets, its IMAP envelope
 * and the decoded values JMAP and search need. Never throws and never re-reads the input more
 * than a bounded number of times: malformed MIME yields a best-effort tree (see the `Limit:`
 * comments in header.ts, tree.ts, body.ts, envelope.ts). Synchronous work behind a Promise
 * (about 0.1 ms for 10 KB; 25 MB with a base64 attachment in a few tens of ms).
 */
export async function parseMessage(raw: Buffer): Promise<ParsedMessage> {
  return parseMessageSync(raw);
}

/** Synchronous form of {@link parseMessage}. */
export function parseMessageSync(raw: Buffer): ParsedMessage {
  const ctx = newContext(raw);
  const { part: root, fields } = parseEntity(ctx, 0, raw.length, '', 0, undefined, true);
  // the top-level addresses get their own budget so embedded messages cannot exhaust it
  const addrs = parseAddressFields(fields, { left: ADDRESS_BUDGET });
  const cache = new TextCache(raw);
  const parts = bodyParts(root);
  const text = truncate(searchText(cache, parts, 0, MAX_TEXT).trim(), MAX_TEXT).toWellFormed();
  const htmlParts = parts.htmlBody.filter((p) => p.type === 'text' && p.subtype === 'html');
  const html = htmlParts.length > 0 ? truncate(htmlParts.map((p) => cache.source(p)).join('\n'), MAX_HTML).toWellFormed() : null;
  const attachments = parts.attachments.map((p) => attachmentInfo(raw, p));
  const subject = firstField(fields, 'subject');
  return {
    size: raw.length,
    root,
    envelope: buildEnvelope(fields, addrs),
    subject: subject === null ? '' : decodeWords(subject),
    from: toEmailAddresses(addrs.from),
    sender: toEmailAddresses(addrs.sender),
    replyTo: toEmailAddresses(addrs.replyTo),
    to: toEmailAddresses(addrs.to),
    cc: toEmailAddresses(addrs.cc),
    bcc: toEmailAddresses(addrs.bcc),
    sentAt: parseDate(firstField(fields, 'date')),
    messageId: messageIds(firstField(fields, 'message-id'))[0] ?? null,
    inReplyTo: messageIds(firstField(fields, 'in-reply-to')),
    references: messageIds(firstField(fields, 'references')),
    preview: makePreview(text),
    text,
    html,
    // RFC 8621 §4.1.4 hasAttachment: an attachment not marked inline, ignoring images the HTML
    // embeds by cid: (the MAY of that section).
    hasAttachment: attachments.some((a) => a.disposition === 'attachment' && !(a.cid !== null && html?.includes(`cid:${a.cid}`))),
    attachments,
    textBody: parts.textBody.map(jmapPartId),
    htmlBody: parts.htmlBody.map(jmapPartId),
    headers: fields.slice(0, MAX_HEADERS).map((f) => ({ name: f.name, value: truncate(f.value, MAX_HEADER_VALUE).toWellFormed() })),
  };
}

/** Text of the given body parts, joined by blank lines, at most `max` characters. */
function bodyText(cache: TextCache, parts: MimePart[], max: number): string {
  const out: string[] = [];
  let len = 0;
  for (const p of parts) {
    if (len >= max) break;
    const t = cache.plain(p, max - len);
    if (t === '') continue;
    out.push(t);
    len += t.length + 2;
  }
  return out.join('\n\n');
}

/** Search text: the text body, then the subject and text of attached messages (bounded depth). */
function searchText(cache: TextCache, parts: BodyParts, depth: number, max: number): string {
  let text = bodyText(cache, parts.textBody, max);
  if (depth >= MAX_TEXT_DEPTH) return text;
  for (const a of parts.attachments) {
    if (text.length >= max || !a.message) continue;
    const inner = a.message.root;
    const subj = a.message.envelope.subject;
    const innerText = searchText(cache, bodyParts(inner), depth + 1, max - text.length);
    text += `${text === '' ? '' : '\n\n'}${subj === null ? '' : decodeWords(subj)}\n${innerText}`;
  }
  return text;
}

/** msg-id list (RFC 5322 §3.6.4) without angle brackets; bare tokens when there are no brackets. */
export function messageIds(value: string | null): string[] {
  if (value === null) return [];
  let ids = [...value.matchAll(/<([^<>]*)>/g)].map((m) => m[1].replace(/\s+/g, '')).filter((s) => s !== '');
  if (ids.length === 0) ids = value.split(/[\s,]+/).map(stripBrackets).filter((s) => s !== '');
  if (ids.length > MAX_IDS) ids = [ids[0], ...ids.slice(ids.length - (MAX_IDS - 1))];
  return ids;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
// RFC 5322 §4.3 obs-zone: the US zones; any other alphabetic zone means -0000 (UTC).
const ZONES: Record<string, number> = { ut: 0, gmt: 0, z: 0, est: -5, edt: -4, cst: -6, cdt: -5, mst: -7, mdt: -6, pst: -8, pdt: -7 };
const DATE_TIME =
  /^(?:[A-Za-z]{2,9}\s*,?\s*)?(\d{1,2})\s*[- ]\s*([A-Za-z]{3})[A-Za-z]*\s*[- ]\s*(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(?:([+-])(\d{2}):?(\d{2})|([A-Za-z]{1,5}))?/;

/**
 * RFC 5322 §3.3 date-time to epoch ms, with the obsolete forms of §4.3 (two-digit years,
 * alphabetic zones, comments). Null when absent or unparsable: no guessing from free text.
 */
export function parseDate(value: string | null): number | null {
  if (value === null) return null;
  const v = value.slice(0, 200).replace(/\([^()]*\)/g, ' ').trim();
  const m = DATE_TIME.exec(v);
  if (!m) {
    // some software writes ISO 8601
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v)) return null;
    const t = Date.parse(v);
    return Number.isFinite(t) ? t : null;
  }
  const month = MONTHS.indexOf(m[2].toLowerCase());
  if (month < 0) return null;
  let year = Number(m[3]);
  // RFC 5322 §4.3: two-digit years below 50 are 20xx, others 19xx; three digits add 1900
  if (m[3].length === 2) year += year < 50 ? 2000 : 1900;
  else if (m[3].length === 3) year += 1900;
  let offsetMin = 0;
  if (m[7] !== undefined) offsetMin = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9]));
  else if (m[10] !== undefined) offsetMin = (ZONES[m[10].toLowerCase()] ?? 0) * 60;
  const t = Date.UTC(year, month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)) - offsetMin * 60_000;
  return Number.isFinite(t) ? t : null;
}
