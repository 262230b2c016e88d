/** Section numbers to parts and byte ranges, for FETCH BODY[...] / BINARY[...] and JMAP blobs. RFC 9051 §6.4.5. */
import type { MimePart } from './types.ts';

/**
 * The part with this section number (RFC 9051 §6.4.5): "" is the whole message (the root);
 * "1", "1.2" walk multipart children; a non-multipart message's body is its ".1"; parts under a
 * message/rfc822 part number under it ("3.1" is the first part of the message in part 3, or its
 * body when not multipart). Null when there is no such part.
 */
export function findPart(root: MimePart, partId: string): MimePart | null {
  if (partId === '') return root;
  const nums = partId.split('.');
  let node = root;
  for (let i = 0; i < nums.length; i++) {
    if (!/^[1-9][0-9]{0,8}$/.test(nums[i])) return null;
    const n = Number(nums[i]);
    if (node.children) {
      const child = node.children[n - 1];
      if (!child) return null;
      node = child;
    } else if (n !== 1) {
      return null;
    }
    if (i < nums.length - 1 && !node.children) {
      if (!node.message) return null;
      node = node.message.root;
    }
  }
  return node;
}

export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Byte range of a section-spec without its partial: "" (whole message), "HEADER", "TEXT",
 * "1.2" (part body), "1.2.MIME" (part header), "3.HEADER" / "3.TEXT" (message in part 3).
 * "HEADER.FIELDS (...)" and "HEADER.FIELDS.NOT (...)": pass "HEADER" or "3.HEADER" here and
 * filter the range with {@link headerFields}. Null for a section that does not exist or a
 * HEADER/TEXT of a part that is not a message.
 */
export function sectionRange(root: MimePart, section: string): ByteRange | null {
  const s = section.toUpperCase();
  if (s === '') return { start: 0, end: root.bodyEnd };
  const m = /^(?:((?:[1-9][0-9]*\.)*[1-9][0-9]*)(?:\.(HEADER|TEXT|MIME))?|(HEADER|TEXT))$/.exec(s);
  if (!m) return null;
  const nums = m[1];
  if (nums === undefined) {
    return m[3] === 'HEADER' ? { start: root.headerStart, end: root.bodyStart } : { start: root.bodyStart, end: root.bodyEnd };
  }
  const spec = m[2];
  const part = findPart(root, nums);
  if (!part) return null;
  if (spec === undefined) return { start: part.bodyStart, end: part.bodyEnd };
  if (spec === 'MIME') return { start: part.headerStart, end: part.bodyStart };
  const inner = part.message?.root;
  if (!inner) return null;
  return spec === 'HEADER' ? { start: inner.headerStart, end: inner.bodyStart } : { start: inner.bodyStart, end: inner.bodyEnd };
}

/**
 * RFC 9051 §6.4.5 HEADER.FIELDS / HEADER.FIELDS.NOT: the fields of the header in raw[range]
 * whose names are (or, with `exclude`, are not) in `names`, as written (folding kept), followed
 * by the blank line. Names compare case-insensitively.
 */
export function headerFields(raw: Buffer, range: ByteRange, names: readonly string[], exclude = false): Buffer {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const out: Buffer[] = [];
  let pos = range.start;
  let keep = false;
  while (pos < range.end) {
    const nl = raw.indexOf(10, pos);
    const lineEnd = nl < 0 || nl >= range.end ? range.end : nl + 1;
    const first = raw[pos];
    if (first === 13 || first === 10) break; // the blank line
    if (first !== 32 && first !== 9) {
      const colon = raw.indexOf(58, pos);
      const name = colon > pos && colon < lineEnd ? raw.toString('latin1', pos, colon).trim().toLowerCase() : '';
      keep = wanted.has(name) !== exclude && name !== '';
    }
    if (keep) out.push(raw.subarray(pos, lineEnd));
    pos = lineEnd;
  }
  out.push(Buffer.from('\r\n'));
  return Buffer.concat(out);
}

/** The bytes of a range. */
export function sliceRange(raw: Buffer, range: ByteRange): Buffer {
  return raw.subarray(range.start, range.end);
}
