/** Build RFC 5322 bytes for Email/set create from JMAP properties with nodemailer's MailComposer. RFC 8621 §4.6, RFC 5322. */
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';
import { SetError } from './errors.ts';
import { parseHeaderProp } from './email-headers.ts';
import type { Args } from './types.ts';

export type BlobReader = (blobId: string) => Promise<{ data: Buffer; type: string } | null>;

const ADDR_FIELDS = ['from', 'sender', 'to', 'cc', 'bcc', 'replyTo'] as const;
// RFC 8621 §4.6: properties a client may give on create (plus header:… forms).
const CREATE_PROPS = new Set(['mailboxIds', 'keywords', 'receivedAt', 'messageId', 'inReplyTo', 'references', 'sender', 'from', 'to', 'cc', 'bcc', 'replyTo', 'subject', 'sentAt', 'bodyStructure', 'bodyValues', 'textBody', 'htmlBody', 'attachments']);

function bad(property: string, description: string): SetError {
  return new SetError('invalidProperties', description, { properties: [property] });
}

function addresses(v: unknown, k: string): Mail.Address[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw bad(k, `${k} must be EmailAddress[]`);
  return v.map((a: Args) => {
    if (!a || typeof a.email !== 'string' || !/^[^\s@<>]+@[^\s@<>]+$/.test(a.email)) throw bad(k, `${k}: invalid address`);
    return { name: typeof a.name === 'string' ? a.name : '', address: a.email };
  });
}

function idList(v: unknown, k: string): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && !/[<>\s]/.test(x))) throw bad(k, `${k} must be an array of ids without <>`);
  return v.map((x) => `<${x}>`);
}

interface Leaf {
  type: string;
  partId?: string;
  blobId?: string;
  name?: string | null;
  disposition?: string | null;
  cid?: string | null;
}

function leafOf(p: Args, k: string): Leaf {
  if (!p || typeof p !== 'object') throw bad(k, 'bad EmailBodyPart');
  const type = typeof p.type === 'string' ? p.type.toLowerCase() : p.partId ? 'text/plain' : 'application/octet-stream';
  if (p.partId !== undefined && p.blobId !== undefined) throw bad(k, 'partId and blobId are exclusive');
  return { type, partId: p.partId as string | undefined, blobId: p.blobId as string | undefined, name: p.name as string | null, disposition: p.disposition as string | null, cid: p.cid as string | null };
}

/** Flatten a bodyStructure into leaves (multipart containers are rebuilt by MailComposer). */
function leaves(p: Args, out: Leaf[], depth = 0): void {
  // Limit: 20 levels of nesting.
  if (depth > 20) throw bad('bodyStructure', 'too deep');
  if (Array.isArray(p.subParts)) for (const s of p.subParts) leaves(s as Args, out, depth + 1);
  else out.push(leafOf(p, 'bodyStructure'));
}

/** Compose the message. Throws SetError invalidProperties / blobNotFound. */
export async function composeEmail(o: Args, readBlob: BlobReader, now: number): Promise<Buffer> {
  const headers: { key: string; value: string }[] = [];
  for (const k of Object.keys(o)) {
    if (CREATE_PROPS.has(k)) continue;
    const h = parseHeaderProp(k);
    if (!h || h.all || (h.form !== 'Raw' && h.form !== 'Text')) throw bad(k, `property ${k} cannot be set`);
    if (typeof o[k] !== 'string') throw bad(k, `${k} must be a string`);
    headers.push({ key: h.name, value: (o[k] as string).replace(/[\r\n]+/g, ' ').trim() });
  }
  const bodyValues = (o.bodyValues ?? {}) as Record<string, Args>;
  if (typeof bodyValues !== 'object') throw bad('bodyValues', 'bodyValues must be an object');
  const valueOf = (partId: string, k: string) => {
    const v = bodyValues[partId];
    if (!v || typeof v.value !== 'string') throw bad(k, `no bodyValue for part ${partId}`);
    if (v.isTruncated === true || v.isEncodingProblem === true) throw bad(k, 'bodyValues must not be truncated');
    return v.value;
  };
  let parts: Leaf[] = [];
  if (o.bodyStructure !== undefined) {
    if (o.textBody !== undefined || o.htmlBody !== undefined || o.attachments !== undefined) throw bad('bodyStructure', 'bodyStructure excludes textBody/htmlBody/attachments');
    leaves(o.bodyStructure as Args, parts);
  } else {
    for (const k of ['textBody', 'htmlBody'] as const) {
      const list = o[k];
      if (list === undefined) continue;
      if (!Array.isArray(list) || list.length > 1) throw bad(k, `${k} must hold at most one part`);
      for (const p of list) {
        const l = leafOf(p as Args, k);
        if (l.type !== (k === 'textBody' ? 'text/plain' : 'text/html')) throw bad(k, `${k} part must be ${k === 'textBody' ? 'text/plain' : 'text/html'}`);
        parts.push(l);
      }
    }
    if (o.attachments !== undefined) {
      if (!Array.isArray(o.attachments)) throw bad('attachments', 'attachments must be an array');
      parts = parts.concat(o.attachments.map((p) => ({ disposition: 'attachment', ...leafOf(p as Args, 'attachments') })));
    }
  }
  const mail: Mail.Options = {
    subject: typeof o.subject === 'string' ? o.subject : undefined,
    date: typeof o.sentAt === 'string' && !Number.isNaN(Date.parse(o.sentAt)) ? new Date(o.sentAt) : new Date(now),
    messageId: idList(o.messageId, 'messageId')?.[0],
    inReplyTo: idList(o.inReplyTo, 'inReplyTo')?.join(' '),
    references: idList(o.references, 'references'),
    headers,
    attachments: [],
  };
  for (const k of ADDR_FIELDS) {
    const a = addresses(o[k], k);
    if (a) (mail as Record<string, unknown>)[k] = k === 'from' || k === 'sender' ? (k === 'sender' ? a[0] : a) : a;
  }
  for (const p of parts) {
    const inline = p.disposition !== 'attachment';
    if (p.partId !== undefined && inline && p.type === 'text/plain' && mail.text === undefined) mail.text = valueOf(p.partId, 'textBody');
    else if (p.partId !== undefined && inline && p.type === 'text/html' && mail.html === undefined) mail.html = valueOf(p.partId, 'htmlBody');
    else {
      let content: Buffer;
      if (p.partId !== undefined) content = Buffer.from(valueOf(p.partId, 'bodyValues'));
      else {
        const b = p.blobId ? await readBlob(p.blobId) : null;
        if (!b) throw new SetError('blobNotFound', `blob ${p.blobId} not found`, { notFound: [p.blobId] });
        content = b.data;
      }
      mail.attachments!.push({ content, contentType: p.type, filename: p.name ?? undefined, cid: p.cid ?? undefined, contentDisposition: p.disposition === 'inline' ? 'inline' : 'attachment' });
    }
  }
  const node = new MailComposer(mail).compile();
  // Drafts keep their Bcc (RFC 8621 §4.1.2.3: the header is part of the stored message).
  (node as unknown as { keepBcc: boolean }).keepBcc = true;
  return node.build();
}
