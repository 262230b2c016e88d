/** Email objects for a freshly parsed message (Email/parse): metadata null, body parts addressed under the parsed blob. RFC 8621 §4.9. */
import type { ParsedMessage } from '../mime/types.ts';
import { bodyProperties, rawHeaderProperties, type BodyValueOpts } from './email-view.ts';
import type { Args } from './types.ts';

export const BODY_KEYS = new Set(['bodyStructure', 'textBody', 'htmlBody', 'attachments', 'bodyValues', 'preauSafeHtml']);
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const orNull = <T>(l: T[]) => (l.length ? l : null);

export function emailFromParsed(blobId: string, p: ParsedMessage, raw: Buffer, props: string[], opts: BodyValueOpts, bodyKeys: Set<string>): Args {
  // RFC 8621 §4.9: id, mailboxIds, keywords, receivedAt, threadId are null for a parsed blob.
  const base: Args = {
    id: null,
    blobId,
    threadId: null,
    mailboxIds: null,
    keywords: null,
    receivedAt: null,
    size: raw.length,
    messageId: p.messageId ? [p.messageId] : null,
    inReplyTo: orNull(p.inReplyTo),
    references: orNull(p.references),
    sender: orNull(p.sender),
    from: orNull(p.from),
    to: orNull(p.to),
    cc: orNull(p.cc),
    bcc: orNull(p.bcc),
    replyTo: orNull(p.replyTo),
    subject: p.subject,
    sentAt: p.sentAt === null ? null : iso(p.sentAt),
    hasAttachment: p.hasAttachment,
    preview: p.preview,
  };
  const o: Args = {};
  for (const k of props) if (k in base) o[k] = base[k];
  Object.assign(o, rawHeaderProperties(raw, props));
  // Part blob ids of a parsed blob only resolve for whole-message blobs (sha-256 ids).
  if (props.some((k) => bodyKeys.has(k))) Object.assign(o, bodyProperties(blobId, p, new Set(props), opts, raw));
  return o;
}
