/** FETCH and STORE arguments. RFC 9051 §6.4.5–6.4.6, RFC 3516 (BINARY), RFC 7162 §3.1–3.2 (CONDSTORE/QRESYNC). */
import type { Cursor } from './reader.ts';
import { parseSequenceSet } from './sequence.ts';
import type { CommandArgs, FetchAtt, Partial, Section, SimpleFetchAtt } from './types.ts';

const SIMPLE = new Set<string>(['ENVELOPE', 'FLAGS', 'INTERNALDATE', 'RFC822', 'RFC822.HEADER', 'RFC822.SIZE', 'RFC822.TEXT', 'BODY', 'BODYSTRUCTURE', 'UID', 'MODSEQ', 'EMAILID', 'THREADID', 'SAVEDATE']);

const att = (kind: SimpleFetchAtt): FetchAtt => ({ kind });

/** RFC 9051 §6.4.5: the macros ALL, FAST and FULL. */
export const FETCH_MACROS: Record<'ALL' | 'FAST' | 'FULL', SimpleFetchAtt[]> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
};

const isNameChar = (ch: number): boolean => (ch >= 0x41 && ch <= 0x5a) || (ch >= 0x61 && ch <= 0x7a) || (ch >= 0x30 && ch <= 0x39) || ch === 0x2e;

/** section-part = nz-number *("." nz-number); stops before ".HEADER" etc. */
function parsePart(c: Cursor): number[] {
  const part: number[] = [];
  while (c.peek() >= 0x30 && c.peek() <= 0x39) {
    part.push(c.nzNumber());
    // Limit: sections nest at most as deep as the list nesting limit.
    if (part.length > c.maxNesting) c.fail('section too deep');
    const n = c.peekWord(2);
    if (n.length === 2 && n[0] === '.' && n[1]! >= '0' && n[1]! <= '9') c.advance();
    else break;
  }
  return part;
}

/** "[" [section-spec] "]" (RFC 9051 §9 section). */
export function parseSection(c: Cursor): Section {
  c.expect('[');
  const part = parsePart(c);
  let text: Section['text'] = null;
  let fields: string[] = [];
  if (part.length === 0 || c.take('.')) {
    const word = c.readWhile((ch) => (ch >= 0x41 && ch <= 0x5a) || (ch >= 0x61 && ch <= 0x7a) || ch === 0x2e).toUpperCase();
    if (word === 'HEADER' || word === 'TEXT') text = word;
    else if (word === 'MIME' && part.length > 0) text = 'MIME';
    else if (word === 'HEADER.FIELDS' || word === 'HEADER.FIELDS.NOT') {
      text = word;
      c.sp();
      fields = c.list(() => c.astring('header field name'));
    } else if (word !== '' || part.length > 0) c.fail('bad section');
  }
  c.expect(']');
  return { part, text, fields };
}

/** "<" number "." nz-number ">" in requests. */
function parsePartial(c: Cursor): Partial | null {
  if (!c.take('<')) return null;
  const start = c.number();
  c.expect('.');
  const length = c.nzNumber();
  c.expect('>');
  return { start, length };
}

/** BINARY section: "[" [section-binary] "]", section-binary = section-part only. */
function parseBinarySection(c: Cursor): number[] {
  c.expect('[');
  const part = parsePart(c);
  c.expect(']');
  return part;
}

export function parseFetchAtt(c: Cursor): FetchAtt {
  const name = c.readWhile(isNameChar).toUpperCase();
  if (!name) c.fail('expected a fetch attribute');
  if (c.peek() === 0x5b) {
    if (name === 'BODY' || name === 'BODY.PEEK') {
      const section = parseSection(c);
      return { kind: 'BODY[]', peek: name === 'BODY.PEEK', section, partial: parsePartial(c) };
    }
    if (name === 'BINARY' || name === 'BINARY.PEEK') {
      const part = parseBinarySection(c);
      return { kind: 'BINARY[]', peek: name === 'BINARY.PEEK', part, partial: parsePartial(c) };
    }
    if (name === 'BINARY.SIZE') return { kind: 'BINARY.SIZE', part: parseBinarySection(c) };
    c.fail(`unexpected "[" after ${name}`);
  }
  if (!SIMPLE.has(name)) c.fail(`unknown fetch attribute ${name}`);
  return att(name as SimpleFetchAtt);
}

/** fetch-modifiers: CHANGEDSINCE mod-sequence-value, VANISHED (RFC 7162 §3.1.4.1, §3.2.6). */
function parseFetchModifiers(c: Cursor, args: CommandArgs['FETCH']): void {
  c.list(() => {
    const m = c.keyword('fetch modifier');
    if (m === 'CHANGEDSINCE') {
      c.sp();
      args.changedSince = c.number64();
    } else if (m === 'VANISHED') args.vanished = true;
    else c.fail(`unknown fetch modifier ${m}`);
  });
}

/** FETCH SP sequence-set SP ("ALL" / "FULL" / "FAST" / fetch-att / "(" … ")") [SP modifiers]. */
export function parseFetchArgs(c: Cursor, uid: boolean): CommandArgs['FETCH'] {
  const set = parseSequenceSet(c);
  c.sp();
  const args: CommandArgs['FETCH'] = { uid, set, atts: [], macro: null, changedSince: null, vanished: false };
  const w = c.peekWord(4);
  if (w === 'ALL' || w.startsWith('ALL ') || w === 'FAST' || w === 'FULL') {
    const m = c.keyword() as 'ALL' | 'FAST' | 'FULL';
    if (!(m in FETCH_MACROS)) c.fail('bad fetch macro');
    args.macro = m;
    args.atts = FETCH_MACROS[m].map(att);
  } else if (c.peek() === 0x28) args.atts = c.list(() => parseFetchAtt(c));
  else args.atts = [parseFetchAtt(c)];
  if (c.maybeSp()) parseFetchModifiers(c, args);
  // RFC 7162 §3.2.6: VANISHED needs CHANGEDSINCE and a UID FETCH.
  if (args.vanished && (args.changedSince === null || !uid)) c.fail('VANISHED requires UID FETCH with CHANGEDSINCE');
  return args;
}

/** flag = "\" atom / atom (RFC 9051 §9 flag, flag-keyword, flag-extension). */
export function parseFlag(c: Cursor): string {
  const bs = c.take('\\');
  if (bs && c.take('*')) return '\\*';
  const a = c.atom('flag');
  return bs ? '\\' + a : a;
}

/** flag-list = "(" [flag *(SP flag)] ")". */
export function parseFlagList(c: Cursor): string[] {
  return c.list(() => parseFlag(c), true);
}

/** STORE SP sequence-set [SP "(" UNCHANGEDSINCE n ")"] SP store-att-flags (RFC 7162 §3.1.3). */
export function parseStoreArgs(c: Cursor, uid: boolean): CommandArgs['STORE'] {
  const set = parseSequenceSet(c);
  c.sp();
  let unchangedSince: number | null = null;
  if (c.peek() === 0x28) {
    c.list(() => {
      if (c.keyword('store modifier') !== 'UNCHANGEDSINCE') c.fail('unknown store modifier');
      c.sp();
      unchangedSince = c.number64();
    });
    c.sp();
  }
  const op = c.take('+') ? 'add' : c.take('-') ? 'remove' : 'replace';
  const item = c.keyword('FLAGS');
  if (item !== 'FLAGS' && item !== 'FLAGS.SILENT') c.fail('expected FLAGS or FLAGS.SILENT');
  c.sp();
  let flags: string[];
  if (c.peek() === 0x28) flags = parseFlagList(c);
  else {
    flags = [parseFlag(c)];
    while (c.maybeSp()) flags.push(parseFlag(c));
  }
  return { uid, set, op, silent: item === 'FLAGS.SILENT', flags, unchangedSince };
}
