/** JMAP body parts (textBody, htmlBody, attachments) and the text drawn from them. RFC 8621 §4.1.4, RFC 3676 §4.2. */
import libmime from 'libmime';
import type { AttachmentInfo, MimePart } from './types.ts';
import { decodePartText } from './decode.ts';
import { htmlToText } from './html-text.ts';

export interface BodyParts {
  textBody: MimePart[];
  htmlBody: MimePart[];
  attachments: MimePart[];
}

const mediaType = (p: MimePart): string => `${p.type}/${p.subtype}`;
const isInlineMedia = (p: MimePart): boolean => p.type === 'image' || p.type === 'audio' || p.type === 'video';

/** JMAP partId of a part: its section number; the body of a non-multipart message is "1". */
export function jmapPartId(p: MimePart): string {
  return p.partId === '' ? '1' : p.partId;
}

/** RFC 8621 §4.1.4: the suggested parseStructure algorithm, message/* parts are not descended. */
export function bodyParts(root: MimePart): BodyParts {
  const out: BodyParts = { textBody: [], htmlBody: [], attachments: [] };
  walk([root], 'mixed', false, out.htmlBody, out.textBody, out.attachments);
  return out;
}

function walk(
  parts: MimePart[],
  multipartType: string,
  inAlternative: boolean,
  htmlBody: MimePart[] | null,
  textBody: MimePart[] | null,
  attachments: MimePart[],
): void {
  const textLength = textBody ? textBody.length : -1;
  const htmlLength = htmlBody ? htmlBody.length : -1;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const type = mediaType(part);
    const isInline =
      part.disposition?.type !== 'attachment' &&
      (type === 'text/plain' || type === 'text/html' || isInlineMedia(part)) &&
      (i === 0 || (multipartType !== 'related' && (isInlineMedia(part) || !part.name)));
    if (part.children) {
      walk(part.children, part.subtype, inAlternative || part.subtype === 'alternative', htmlBody, textBody, attachments);
    } else if (isInline) {
      if (multipartType === 'alternative') {
        if (type === 'text/plain') textBody?.push(part);
        else if (type === 'text/html') htmlBody?.push(part);
        else attachments.push(part);
        continue;
      } else if (inAlternative) {
        if (type === 'text/plain') htmlBody = null;
        if (type === 'text/html') textBody = null;
      }
      textBody?.push(part);
      htmlBody?.push(part);
      if ((!textBody || !htmlBody) && isInlineMedia(part)) attachments.push(part);
    } else {
      attachments.push(part);
    }
  }
  if (multipartType === 'alternative' && textBody && htmlBody) {
    // found an HTML part only: it is the text body too; and the other way round
    if (textLength === textBody.length && htmlLength !== htmlBody.length) textBody.push(...htmlBody.slice(htmlLength));
    if (htmlLength === htmlBody.length && textLength !== textBody.length) htmlBody.push(...textBody.slice(textLength));
  }
}

// Limit: at most 4 MiB of a part's transmitted body is decoded for text, preview and HTML; enough
// for the 256 KiB text and 1 MiB HTML bounds, and a 25 MB text part costs no more than that.
export const MAX_PART_INPUT = 4 * 1024 * 1024;
// Limit: text for the search index is cut at 256 KiB (characters), HTML at 1 MiB; only the first
// 1 MiB of an HTML part is converted to text.
export const MAX_TEXT = 256 * 1024;
export const MAX_HTML = 1024 * 1024;

/** Decodes text parts once per message (HTML is needed both as HTML and as text). */
export class TextCache {
  private readonly raw: Buffer;
  private readonly decoded = new Map<MimePart, string>();
  constructor(raw: Buffer) {
    this.raw = raw;
  }
  /** Decoded text of a text/* part; text/plain format=flowed is unwrapped (RFC 3676 §4.2). */
  source(p: MimePart): string {
    let s = this.decoded.get(p);
    if (s === undefined) {
      s = decodePartText(this.raw, p, MAX_PART_INPUT);
      if (p.subtype === 'plain' && (p.params.format ?? '').toLowerCase() === 'flowed') {
        s = libmime.decodeFlowed(s, (p.params.delsp ?? '').toLowerCase() === 'yes');
      }
      this.decoded.set(p, s);
    }
    return s;
  }
  /** Plain text of a text/plain or text/html part, '' for other types. */
  plain(p: MimePart, max: number): string {
    if (p.type !== 'text') return '';
    if (p.subtype === 'html') {
      const html = this.source(p);
      return htmlToText(html.length > MAX_HTML ? html.slice(0, MAX_HTML) : html, max);
    }
    const s = this.source(p);
    return s.includes('\r') ? s.replace(/\r\n?/g, '\n') : s;
  }
}

/** Cuts a string to at most `max` UTF-16 units without splitting a surrogate pair. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  let n = max;
  const c = s.charCodeAt(n - 1);
  if (c >= 0xd800 && c <= 0xdbff) n--;
  return s.slice(0, n);
}

/**
 * RFC 8621 §4.1.4 preview: quoted lines skipped, whitespace collapsed, at most 256 characters.
 * Reads lines only until enough text is gathered (and at most 64 KiB of the text).
 */
export function makePreview(text: string): string {
  let out = '';
  let pos = 0;
  const stop = Math.min(text.length, 64 * 1024);
  while (pos < stop && out.length < 512) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    const line = text.slice(pos, nl);
    if (!line.trimStart().startsWith('>')) out += `${line} `;
    pos = nl + 1;
  }
  return truncate(out.replace(/\s+/g, ' ').trim(), 256).toWellFormed();
}

/**
 * Approximate decoded size (RFC 8621 §4.1.4 EmailBodyPart size is the decoded size), without
 * decoding: base64 is 3 octets per 4 characters once the CRLFs are taken off.
 */
export function decodedSize(raw: Buffer, p: MimePart): number {
  if (p.encoding !== 'BASE64' || p.size === 0) return p.size;
  const breaks = raw[p.bodyEnd - 1] === 10 ? p.lines : p.lines - 1;
  return Math.max(0, Math.floor(((p.size - breaks * 2) * 3) / 4));
}

export function attachmentInfo(raw: Buffer, p: MimePart): AttachmentInfo {
  return {
    partId: jmapPartId(p),
    name: p.name,
    type: mediaType(p),
    size: decodedSize(raw, p),
    disposition: p.disposition?.type === 'inline' ? 'inline' : 'attachment',
    cid: p.id === null ? null : stripBrackets(p.id),
  };
}

export function stripBrackets(s: string): string {
  const t = s.trim();
  return t.startsWith('<') && t.endsWith('>') ? t.slice(1, -1).trim() : t;
}
