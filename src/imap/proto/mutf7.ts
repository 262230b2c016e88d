/** Mailbox name encoding: modified UTF-7 (RFC 3501 §5.1.3) or UTF-8 (RFC 9051 §5.1, RFC 6855 §3). */

const isPrintable = (c: number): boolean => c >= 0x20 && c <= 0x7e;

/** Unicode → modified UTF-7: "Élèves 2nde B" → "&AMk-l&AOg-ves 2nde B". */
export function encodeMutf7(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (isPrintable(c)) {
      out += c === 0x26 ? '&-' : s[i];
      i++;
      continue;
    }
    let j = i;
    while (j < s.length && !isPrintable(s.charCodeAt(j))) j++;
    const buf = Buffer.alloc(2 * (j - i));
    for (let k = i; k < j; k++) buf.writeUInt16BE(s.charCodeAt(k), 2 * (k - i));
    out += '&' + buf.toString('base64').replace(/=+$/, '').replaceAll('/', ',') + '-';
    i = j;
  }
  return out;
}

export class Mutf7Error extends Error {
  readonly code = 'IMAP_MUTF7';
}

const B64 = /^[A-Za-z0-9+,]+$/;

/** Modified UTF-7 → Unicode; throws Mutf7Error on anything RFC 3501 §5.1.3 does not allow. */
export function decodeMutf7(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (!isPrintable(c)) throw new Mutf7Error('non-ASCII character in a modified UTF-7 name');
    if (c !== 0x26) {
      out += s[i];
      i++;
      continue;
    }
    const dash = s.indexOf('-', i + 1);
    if (dash < 0) throw new Mutf7Error('unterminated "&" shift');
    if (dash === i + 1) {
      out += '&';
      i = dash + 1;
      continue;
    }
    const b64 = s.slice(i + 1, dash);
    if (!B64.test(b64) || b64.length % 4 === 1) throw new Mutf7Error('bad base64 in modified UTF-7');
    const bytes = Buffer.from(b64.replaceAll(',', '/'), 'base64');
    if (bytes.length % 2 !== 0) throw new Mutf7Error('odd number of octets in modified UTF-7');
    let chunk = '';
    for (let k = 0; k < bytes.length; k += 2) chunk += String.fromCharCode(bytes.readUInt16BE(k));
    if (!chunk.isWellFormed()) throw new Mutf7Error('lone surrogate in modified UTF-7');
    out += chunk;
    i = dash + 1;
  }
  return out;
}

/**
 * A mailbox name as received → Unicode. With UTF-8 on, names are taken as they are.
 * "INBOX" is case-insensitive (RFC 9051 §5.1) and comes back upper-cased.
 */
export function decodeMailboxName(wire: string, utf8: boolean): string {
  let name = wire;
  if (!utf8) {
    try {
      name = decodeMutf7(wire);
    } catch {
      // Deviation (RFC 3501 §5.1.3): a name that is not valid modified UTF-7 (raw UTF-8 sent by
      // clients that ignore the encoding) is taken literally rather than refused.
      name = wire;
    }
  }
  return name.toUpperCase() === 'INBOX' ? 'INBOX' : name;
}

/** A Unicode mailbox name → its wire form for this session. */
export function encodeMailboxName(name: string, utf8: boolean): string {
  return utf8 ? name : encodeMutf7(name);
}
