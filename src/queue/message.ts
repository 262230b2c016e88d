/** Outbound message bytes: line endings (RFC 5321 §2.3.8), header block access, missing Date / Message-ID (RFC 6409 §8). */
import { randomBytes } from 'node:crypto';
import addressparser from 'nodemailer/lib/addressparser';

/**
 * Replace every bare CR and bare LF with CRLF. RFC 5321 §2.3.8: "CR and LF MUST only occur together
 * as CRLF". Done before DKIM signing so the signed bytes are the bytes sent.
 */
export function normaliseLineEndings(raw: Buffer): Buffer {
  let clean = true;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i];
    if (b === 0x0d ? raw[i + 1] !== 0x0a : b === 0x0a && raw[i - 1] !== 0x0d) {
      clean = false;
      break;
    }
  }
  if (clean) return raw;
  const out = Buffer.allocUnsafe(raw.length * 2);
  let o = 0;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i];
    if (b === 0x0d) {
      out[o++] = 0x0d;
      out[o++] = 0x0a;
      if (raw[i + 1] === 0x0a) i++;
    } else if (b === 0x0a) {
      out[o++] = 0x0d;
      out[o++] = 0x0a;
    } else out[o++] = b;
  }
  return out.subarray(0, o);
}

/** Length of the longest line in octets, CRLF excluded (RFC 5322 §2.1.1: at most 998). */
export function longestLine(raw: Buffer): number {
  let max = 0;
  let start = 0;
  for (let i = raw.indexOf(0x0a); i >= 0; i = raw.indexOf(0x0a, start)) {
    const len = i - start - (i > start && raw[i - 1] === 0x0d ? 1 : 0);
    if (len > max) max = len;
    start = i + 1;
  }
  return Math.max(max, raw.length - start);
}

/** True when `raw` holds a CR or LF that is not part of a CRLF pair. */
export function hasBareLineBreak(raw: Buffer): boolean {
  return normaliseLineEndings(raw) !== raw;
}

// Limit: the header block is looked for in the first 1 MiB; a longer one is refused as invalid.
const MAX_HEADER = 1024 * 1024;

/** End of the header block (index of the first body byte), or -1 when none within the limit. */
export function headerEnd(raw: Buffer): number {
  const max = Math.min(raw.length, MAX_HEADER);
  if (raw[0] === 0x0d && raw[1] === 0x0a) return 2;
  const i = raw.subarray(0, max).indexOf('\r\n\r\n');
  if (i >= 0) return i + 4;
  return raw.length <= MAX_HEADER ? raw.length : -1;
}

/** Unfolded values of header field `name` (case-insensitive), RFC 5322 §2.2.3. */
export function headerValues(raw: Buffer, name: string): string[] {
  const end = headerEnd(raw);
  const block = raw.subarray(0, end < 0 ? MAX_HEADER : end).toString('utf8');
  const lower = name.toLowerCase();
  const out: string[] = [];
  for (const field of block.split(/\r\n(?![ \t])/)) {
    const c = field.indexOf(':');
    if (c <= 0) continue;
    if (field.slice(0, c).trim().toLowerCase() !== lower) continue;
    out.push(field.slice(c + 1).replace(/\r\n/g, '').trim());
  }
  return out;
}

/** The raw header block (for text/rfc822-headers in a DSN). */
export function headerBlock(raw: Buffer): Buffer {
  const end = headerEnd(raw);
  return raw.subarray(0, end < 0 ? MAX_HEADER : end);
}

/** Addresses of the From: field(s), lower-cased; group syntax flattened. */
export function fromAddresses(raw: Buffer): string[] {
  const out: string[] = [];
  const walk = (list: any[]) => {
    for (const a of list) {
      if (a.group) walk(a.group);
      else if (a.address) out.push(String(a.address).toLowerCase());
    }
  };
  for (const v of headerValues(raw, 'from')) walk(addressparser(v) as any[]);
  return out;
}

/**
 * Prepend trace and the fields a submission server may add. RFC 6409 §8.2 (Date), §8.3
 * (Message-ID); RFC 5321 §4.4 (Received).
 */
export function completeHeaders(raw: Buffer, opts: { hostname: string; now: number; received?: string }): Buffer {
  const add: string[] = [];
  if (opts.received) add.push(opts.received);
  if (!headerValues(raw, 'date').length) add.push(`Date: ${new Date(opts.now).toUTCString().replace('GMT', '+0000')}`);
  if (!headerValues(raw, 'message-id').length) add.push(`Message-ID: <${randomBytes(12).toString('hex')}@${opts.hostname}>`);
  if (!add.length) return raw;
  return Buffer.concat([Buffer.from(add.join('\r\n') + '\r\n'), raw]);
}

/** A Received: field for an authenticated submission (RFC 5321 §4.4, RFC 3848 ESMTPSA). */
export function receivedField(o: { helo: string; ip: string; hostname: string; secure: boolean; id: string; now: number }): string {
  const helo = o.helo.replace(/[^\x21-\x7e]/g, '').slice(0, 255) || 'unknown';
  const proto = o.secure ? 'ESMTPSA' : 'ESMTPA';
  const date = new Date(o.now).toUTCString().replace('GMT', '+0000');
  return `Received: from ${helo} ([${o.ip}])\r\n\tby ${o.hostname} (Preau) with ${proto} id ${o.id};\r\n\t${date}`;
}

/** Domain part of an address, lower-cased. */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : address.slice(at + 1).toLowerCase();
}
