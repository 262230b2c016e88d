/** Content-Transfer-Encoding decoding and text conversion of a part body. RFC 2045 §6.7-6.8, RFC 9051 §6.4.5 (BINARY), §7.1 (UNKNOWN-CTE). */
import type { MimePart } from './types.ts';
import { decodeCharset } from './words.ts';

/**
 * Transfer-decodes a body. RFC 2045 §6.8 base64: characters outside the alphabet (line breaks,
 * garbage) are ignored, decoding stops at padding. RFC 2045 §6.7 quoted-printable. 7BIT, 8BIT,
 * BINARY and unknown encodings are returned as is (an unknown encoding is not decodable: for
 * FETCH BINARY that is the UNKNOWN-CTE response code of RFC 9051 §7.1, which the IMAP layer
 * checks with `isKnownEncoding`).
 */
export function decodeTransfer(body: Buffer, encoding: string): Buffer {
  switch (encoding.toUpperCase()) {
    case 'BASE64':
      return Buffer.from(body.toString('latin1'), 'base64');
    case 'QUOTED-PRINTABLE':
      return decodeQuotedPrintable(body);
    default:
      return body;
  }
}

const KNOWN = new Set(['7BIT', '8BIT', 'BINARY', 'BASE64', 'QUOTED-PRINTABLE']);

/** True for the RFC 2045 §6.1 transfer encodings this module can decode. */
export function isKnownEncoding(encoding: string): boolean {
  return KNOWN.has(encoding.toUpperCase());
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/**
 * RFC 2045 §6.7: "=XX" is an octet; "=" at the end of a line (after optional transport padding)
 * is a soft line break; trailing whitespace of a line is transport padding and is removed.
 * Robustness: a malformed "=" sequence is kept literally, as §6.7 note (2) suggests.
 */
export function decodeQuotedPrintable(input: Buffer): Buffer {
  const out = Buffer.allocUnsafe(input.length);
  let o = 0;
  let lineStartOut = 0;
  // End of the last encoded octet: "=20" or "=09" is data, not transport padding (a signature
  // separator "-- " is sent as "--=20", RFC 3676 §4.3), so it is never trimmed.
  let keptOut = 0;
  const n = input.length;
  for (let i = 0; i < n; i++) {
    const c = input[i];
    if (c === 61) {
      const h = i + 2 < n ? hexValue(input[i + 1]) : -1;
      const l = h >= 0 ? hexValue(input[i + 2]) : -1;
      if (h >= 0 && l >= 0) {
        out[o++] = (h << 4) | l;
        keptOut = o;
        i += 2;
        continue;
      }
      // soft line break: "=" [WSP...] CRLF|LF|end
      let j = i + 1;
      while (j < n && (input[j] === 32 || input[j] === 9)) j++;
      if (j >= n) break;
      if (input[j] === 10 || (input[j] === 13 && j + 1 < n && input[j + 1] === 10)) {
        i = input[j] === 13 ? j + 1 : j;
        continue;
      }
      out[o++] = c;
    } else if (c === 10) {
      // drop transport padding before the line end (and the CR of CRLF is re-emitted)
      let k = o;
      let cr = false;
      if (k > lineStartOut && out[k - 1] === 13) {
        cr = true;
        k--;
      }
      // RFC 2045 §6.7 rule (3): only literal trailing white space is padding.
      while (k > Math.max(lineStartOut, keptOut) && (out[k - 1] === 32 || out[k - 1] === 9)) k--;
      o = k;
      if (cr) out[o++] = 13;
      out[o++] = 10;
      lineStartOut = o;
    } else {
      out[o++] = c;
    }
  }
  return out.subarray(0, o);
}

/** The part's body octets as transmitted: raw[bodyStart, bodyEnd). */
export function partRawBody(raw: Buffer, part: MimePart): Buffer {
  return raw.subarray(part.bodyStart, part.bodyEnd);
}

/**
 * Transfer-decoded body of a part, for IMAP BINARY (RFC 9051 §6.4.5) and JMAP blob download.
 * Never throws; an unknown encoding returns the octets as transmitted.
 */
export function decodePartBody(raw: Buffer, part: MimePart): Buffer {
  return decodeTransfer(partRawBody(raw, part), part.encoding);
}

/**
 * Decoded text of a part: transfer-decoded, then converted from its charset to a JS string.
 * Unknown or missing charsets fall back to UTF-8 when valid, else Windows-1252. Never throws.
 * `maxInput` bounds the transmitted octets considered (for previews of huge parts).
 */
export function decodePartText(raw: Buffer, part: MimePart, maxInput = Infinity): string {
  let body = partRawBody(raw, part);
  if (body.length > maxInput) body = body.subarray(0, maxInput);
  return decodeCharset(decodeTransfer(body, part.encoding), part.params.charset);
}
