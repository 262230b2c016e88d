/** Email objects for Email/get and Email/parse: metadata, header forms, body structure, body values. RFC 8621 §4.1, §4.2, §4.9. */
import type { MimePart, ParsedMessage } from '../mime/types.ts';
import { decodePartText, findPart, jmapPartId } from '../mime/index.ts';
import { headerFieldsOf, headerList, headerValue, parseHeaderProp } from './email-headers.ts';
import { safeHtml, textToSafeHtml } from './safe-html.ts';
import type { Args } from './types.ts';

export const EMAIL_PROPS = ['id', 'blobId', 'threadId', 'mailboxIds', 'keywords', 'size', 'receivedAt', 'messageId', 'inReplyTo', 'references', 'sender', 'from', 'to', 'cc', 'bcc', 'replyTo', 'subject', 'sentAt', 'hasAttachment', 'preview', 'bodyValues', 'textBody', 'htmlBody', 'attachments', 'headers', 'bodyStructure', 'preauVerdict', 'preauSafeHtml'];
// RFC 8621 §4.2: the default property list.
export const EMAIL_DEFAULT = ['id', 'blobId', 'threadId', 'mailboxIds', 'keywords', 'size', 'receivedAt', 'messageId', 'inReplyTo', 'references', 'sender', 'from', 'to', 'cc', 'bcc', 'replyTo', 'subject', 'sentAt', 'hasAttachment', 'preview', 'bodyValues', 'textBody', 'htmlBody', 'attachments'];
export const BODY_PROPS = ['partId', 'blobId', 'size', 'headers', 'name', 'type', 'charset', 'disposition', 'cid', 'language', 'location', 'subParts'];
export const BODY_DEFAULT = ['partId', 'blobId', 'size', 'name', 'type', 'charset', 'disposition', 'cid', 'language', 'location'];
/** Properties that need the raw message bytes. */
export const NEEDS_RAW = (p: string) => p === 'headers' || p === 'bodyValues' || p === 'preauSafeHtml' || p.startsWith('header:');

export interface BodyValueOpts {
  fetchTextBodyValues: boolean;
  fetchHTMLBodyValues: boolean;
  fetchAllBodyValues: boolean;
  maxBodyValueBytes: number;
  bodyProperties: string[];
  /** "/jmap/download/<accountId>/" for cid: rewriting in preauSafeHtml. */
  downloadBase?: string;
}

export type Structure = Omit<ParsedMessage, 'text' | 'html' | 'headers'>;

/** Decoded size of a part (approximate for base64: 3/4 of the encoded octets without line breaks). */
function decodedSize(p: MimePart): number {
  if (p.encoding === 'BASE64') return Math.floor(((p.size - p.lines * 2) * 3) / 4);
  return p.size;
}

/** EmailBodyPart (RFC 8621 §4.1.4). multipart parts have null partId/blobId and subParts; message/rfc822 is a leaf. */
export function bodyPart(blob: string, p: MimePart, props: string[], raw: Buffer | null): Args {
  const multipart = !!p.children;
  const partId = multipart ? null : jmapPartId(p);
  const o: Args = {};
  for (const k of props) {
    switch (k) {
      case 'partId': o.partId = partId; break;
      case 'blobId': o.blobId = partId === null ? null : `${blob}-${partId}`; break;
      case 'size': o.size = multipart ? 0 : decodedSize(p); break;
      case 'headers': o.headers = raw ? headerList(headerFieldsOf(raw, p.headerStart, p.bodyStart)) : []; break;
      case 'name': o.name = p.name; break;
      case 'type': o.type = `${p.type}/${p.subtype}`; break;
      case 'charset': o.charset = p.type === 'text' ? (p.params.charset ?? 'us-ascii') : (p.params.charset ?? null); break;
      case 'disposition': o.disposition = p.disposition?.type ?? null; break;
      case 'cid': o.cid = p.id ? p.id.replace(/^<|>$/g, '') : null; break;
      case 'language': o.language = p.language; break;
      case 'location': o.location = p.location; break;
      case 'subParts': if (multipart) o.subParts = p.children!.map((ch) => bodyPart(blob, ch, props, raw)); break;
      default: {
        const h = parseHeaderProp(k);
        if (h) o[k] = raw ? headerValue(headerFieldsOf(raw, p.headerStart, p.bodyStart), h) : null;
      }
    }
  }
  return o;
}

function truncateUtf8(s: string, max: number): { value: string; truncated: boolean } {
  if (!max || Buffer.byteLength(s) <= max) return { value: s, truncated: false };
  let buf = Buffer.from(s).subarray(0, max);
  // do not cut inside a UTF-8 sequence
  while (buf.length && (buf[buf.length - 1] & 0xc0) === 0x80) buf = buf.subarray(0, buf.length - 1);
  if (buf.length && buf[buf.length - 1] >= 0xc0) buf = buf.subarray(0, buf.length - 1);
  return { value: buf.toString('utf8'), truncated: true };
}

function partsOf(root: MimePart, ids: string[]): MimePart[] {
  return ids.map((id) => findPart(root, id === '1' && !root.children && root.partId === '' ? '' : id)).filter((p): p is MimePart => !!p);
}

/** The body-derived properties (RFC 8621 §4.1.4) for one message. */
export function bodyProperties(blob: string, s: Structure, props: Set<string>, opts: BodyValueOpts, raw: Buffer | null): Args {
  const o: Args = {};
  const text = partsOf(s.root, s.textBody);
  const html = partsOf(s.root, s.htmlBody);
  const attachments = s.attachments.map((a) => findPart(s.root, a.partId === '1' && !s.root.children ? '' : a.partId)).filter((p): p is MimePart => !!p);
  if (props.has('bodyStructure')) o.bodyStructure = bodyPart(blob, s.root, [...opts.bodyProperties, ...(opts.bodyProperties.includes('subParts') ? [] : ['subParts'])], raw);
  if (props.has('textBody')) o.textBody = text.map((p) => bodyPart(blob, p, opts.bodyProperties, raw));
  if (props.has('htmlBody')) o.htmlBody = html.map((p) => bodyPart(blob, p, opts.bodyProperties, raw));
  if (props.has('attachments')) o.attachments = attachments.map((p) => bodyPart(blob, p, opts.bodyProperties, raw));
  if (props.has('bodyValues')) {
    const values: Args = {};
    const want: MimePart[] = [];
    if (opts.fetchAllBodyValues) {
      const walk = (p: MimePart) => (p.children ? p.children.forEach(walk) : p.type === 'text' && want.push(p));
      walk(s.root);
    } else {
      if (opts.fetchTextBodyValues) want.push(...text);
      if (opts.fetchHTMLBodyValues) want.push(...html);
    }
    for (const p of want) {
      if (!raw || p.type !== 'text') continue;
      const decoded = decodePartText(raw, p);
      const t = truncateUtf8(decoded, opts.maxBodyValueBytes);
      values[jmapPartId(p)] = { value: t.value, isEncodingProblem: decoded.includes('\ufffd'), isTruncated: t.truncated };
    }
    o.bodyValues = values;
  }
  if (props.has('preauSafeHtml') && raw) {
    const cids = new Map<string, string>();
    const walk = (p: MimePart) => {
      if (p.children) p.children.forEach(walk);
      else if (p.id) cids.set(p.id.replace(/^<|>$/g, ''), jmapPartId(p));
    };
    walk(s.root);
    let htmlOut: string;
    let blockedImages = 0;
    if (html.some((p) => p.subtype === 'html')) {
      const parts = html.map((p) => (p.subtype === 'html' ? decodePartText(raw, p) : p.type === 'text' ? textToSafeHtml(decodePartText(raw, p)) : ''));
      const r = safeHtml(parts.join('\n'), { cidUrl: (cid) => (cids.has(cid) ? `${opts.downloadBase ?? ""}${blob}-${cids.get(cid)}/inline` : null) });
      htmlOut = r.html;
      blockedImages = r.blockedImages;
    } else htmlOut = text.map((p) => textToSafeHtml(decodePartText(raw, p))).join('\n');
    o.preauSafeHtml = { html: htmlOut, blockedImages };
  }
  return o;
}

/** Header-derived properties from the raw header (header:… forms and headers). */
export function rawHeaderProperties(raw: Buffer, props: Iterable<string>): Args {
  const fields = headerFieldsOf(raw);
  const o: Args = {};
  for (const p of props) {
    if (p === 'headers') o.headers = headerList(fields);
    else {
      const h = parseHeaderProp(p);
      if (h) o[p] = headerValue(fields, h);
    }
  }
  return o;
}
