/** Structural invariants of a ParsedMessage, checked by the tests (and usable by store consistency checks). RFC 9051 §6.4.5. */
import type { MimePart, ParsedMessage } from './types.ts';
import { findPart } from './sections.ts';

/**
 * Returns the first violated invariant, or null: offsets within [0, size] and ordered, children
 * inside their parent's body and in order, an embedded message spanning its part's body,
 * multiparts with children, section numbers that findPart resolves, strings free of NUL and
 * lone surrogates (PostgreSQL text/jsonb refuse both).
 */
export function checkInvariants(raw: Buffer, m: ParsedMessage): string | null {
  if (m.size !== raw.length) return `size ${m.size} != ${raw.length}`;
  if (m.root.headerStart !== 0 || m.root.bodyEnd !== raw.length) return 'root does not span the message';
  const err = checkPart(raw.length, m.root, m.root, true);
  if (err) return err;
  const json = JSON.stringify({ ...m, root: undefined });
  if (json.includes('\\u0000')) return 'NUL in a string';
  if (!json.isWellFormed() || json.includes('\\ud8') || json.includes('\\udc')) return 'lone surrogate in a string';
  if (m.preview.length > 256) return 'preview longer than 256';
  for (const id of [...m.textBody, ...m.htmlBody, ...m.attachments.map((a) => a.partId)]) {
    if (!findPart(m.root, id)) return `body part ${id} not found`;
  }
  return null;
}

function checkPart(size: number, top: MimePart, p: MimePart, isMessageRoot: boolean): string | null {
  const where = `part "${p.partId}"`;
  if (!(0 <= p.headerStart && p.headerStart <= p.bodyStart && p.bodyStart <= p.bodyEnd && p.bodyEnd <= size)) {
    return `${where}: offsets ${p.headerStart} ${p.bodyStart} ${p.bodyEnd} out of order or bounds`;
  }
  if (p.size !== p.bodyEnd - p.bodyStart) return `${where}: size`;
  if (p.lines < 0 || !Number.isInteger(p.lines)) return `${where}: lines`;
  if (!isMessageRoot && findPart(top, p.partId) !== p) return `${where}: findPart does not resolve it`;
  if (p.children) {
    if (p.type !== 'multipart' || p.children.length === 0) return `${where}: children on a non-multipart or none`;
    let prevEnd = p.bodyStart;
    for (const c of p.children) {
      if (c.headerStart < prevEnd || c.bodyEnd > p.bodyEnd) return `${where}: child "${c.partId}" outside or overlapping`;
      prevEnd = c.bodyEnd;
      const e = checkPart(size, top, c, false);
      if (e) return e;
    }
  } else if (p.type === 'multipart') {
    return `${where}: multipart without children`;
  }
  if (p.message) {
    const r = p.message.root;
    if (r.headerStart !== p.bodyStart || r.bodyEnd !== p.bodyEnd) return `${where}: embedded message does not span the body`;
    const e = checkPart(size, top, r, true);
    if (e) return e;
  }
  return null;
}
