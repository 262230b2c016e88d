/** Test and bench support: an injected DNS resolver, DKIM keys, hand-built messages and ZIP fixtures. */
import { generateKeyPairSync } from 'node:crypto';
import { parseMessage } from '../mime/index.ts';
import type { ParsedMessage, MimePart } from '../mime/types.ts';
import type { DnsResolver } from './auth.ts';

/** A resolver serving fixed records: `{ 'example.fr': { TXT: ['v=spf1 ip4:192.0.2.1 -all'] } }`. Unknown → ENOTFOUND. */
export function fakeResolver(zone: Record<string, Record<string, unknown[]>>): DnsResolver {
  return async (name: string, rrtype: string) => {
    const recs = zone[name.toLowerCase().replace(/\.$/, '')]?.[rrtype];
    if (!recs || !recs.length) {
      const e = new Error(`queryTxt ENOTFOUND ${name}`) as Error & { code: string };
      e.code = rrtype === 'TXT' && zone[name.toLowerCase()] ? 'ENODATA' : 'ENOTFOUND';
      throw e;
    }
    // TXT answers are lists of character-strings, as node's dns.resolveTxt returns them.
    return rrtype === 'TXT' ? recs.map((r) => (Array.isArray(r) ? r : [r])) : recs;
  };
}

/** An RSA key pair and the DKIM TXT record publishing it (RFC 6376 §3.6.1). */
export function dkimKey(bits = 2048): { privateKey: string; record: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const der = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  return { privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), record: `v=DKIM1; k=rsa; p=${der}` };
}

/** Préau's parser (src/mime), as the delivery path uses it. */
export function parseForTest(raw: Buffer): Promise<ParsedMessage> {
  return parseMessage(raw);
}

function part(partId: string, over: Partial<MimePart> = {}): MimePart {
  return {
    partId, type: 'text', subtype: 'plain', params: {}, id: null, description: null, encoding: '7BIT', disposition: null, language: null, location: null, md5: null,
    headerStart: 0, bodyStart: 0, bodyEnd: 0, size: 0, lines: 0, name: null, ...over,
  };
}

/** A hand-built ParsedMessage for analyzer unit tests. */
export function fakeParsed(p: Partial<ParsedMessage> & { fromAddr?: string; fromName?: string | null } = {}): ParsedMessage {
  const { fromAddr, fromName, ...rest } = p;
  return {
    size: 0, root: part(''), envelope: { date: null, subject: null, from: null, sender: null, replyTo: null, to: null, cc: null, bcc: null, inReplyTo: null, messageId: null },
    subject: '', from: fromAddr ? [{ name: fromName ?? null, email: fromAddr }] : [], sender: [], replyTo: [], to: [], cc: [], bcc: [], sentAt: null,
    messageId: null, inReplyTo: [], references: [], preview: '', text: '', html: null, hasAttachment: false, attachments: [], textBody: [], htmlBody: [], headers: [],
    ...rest,
  };
}

/** A raw multipart message with base64 attachments and the matching ParsedMessage (true byte offsets). */
export function withAttachments(files: { name: string; content: Buffer; type?: string }[], over: Parameters<typeof fakeParsed>[0] = {}): { raw: Buffer; parsed: ParsedMessage } {
  let raw = 'From: x@example.org\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nVoir pièce jointe.\r\n';
  const children: MimePart[] = [];
  const attachments: ParsedMessage['attachments'] = [];
  files.forEach((f, i) => {
    const partId = String(i + 2);
    raw += `--b\r\n`;
    const headerStart = Buffer.byteLength(raw);
    raw += `Content-Type: ${f.type ?? 'application/octet-stream'}\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment\r\n\r\n`;
    const bodyStart = Buffer.byteLength(raw);
    raw += (f.content.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
    const bodyEnd = Buffer.byteLength(raw);
    raw += '\r\n';
    const [type, subtype] = (f.type ?? 'application/octet-stream').split('/');
    children.push(part(partId, { type, subtype, encoding: 'BASE64', headerStart, bodyStart, bodyEnd, size: bodyEnd - bodyStart, name: f.name, disposition: { type: 'attachment', params: {} } }));
    attachments.push({ partId, name: f.name, type: f.type ?? 'application/octet-stream', size: f.content.length, disposition: 'attachment', cid: null });
  });
  raw += '--b--\r\n';
  const root = part('', { type: 'multipart', subtype: 'mixed', children: [part('1'), ...children] });
  return { raw: Buffer.from(raw), parsed: fakeParsed({ root, attachments, hasAttachment: true, fromAddr: 'x@example.org', ...over }) };
}

/** A minimal ZIP local file header sequence (APPNOTE §4.3.7), enough for the analyzers. */
export function tinyZip(entries: { name: string; encrypted?: boolean; data?: Buffer }[]): Buffer {
  const chunks: Buffer[] = [];
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const data = e.data ?? Buffer.from('x');
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE((e.encrypted ? 1 : 0) | 0x800, 6);
    h.writeUInt32LE(data.length, 18);
    h.writeUInt32LE(data.length, 22);
    h.writeUInt16LE(name.length, 26);
    chunks.push(h, name, data);
  }
  chunks.push(Buffer.from([0x50, 0x4b, 0x05, 0x06]), Buffer.alloc(18));
  return Buffer.concat(chunks);
}
