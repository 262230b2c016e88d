/** Token reader over a received command (text segments and literals). RFC 9051 §4 and §9 (formal syntax). */
import { ImapProtoError } from './limits.ts';
import { decodeMailboxName } from './mutf7.ts';
import type { Segment } from './segment.ts';

const SP = 0x20;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;

/** ATOM-CHAR: any CHAR except atom-specials "(" ")" "{" SP CTL "%" "*" DQUOTE "\" "]" (RFC 9051 §9). */
export function isAtomChar(c: number): boolean {
  return c > 0x20 && c < 0x7f && c !== 0x28 && c !== 0x29 && c !== 0x7b && c !== 0x25 && c !== 0x2a && c !== DQUOTE && c !== BACKSLASH && c !== 0x5d;
}
/** ASTRING-CHAR = ATOM-CHAR / resp-specials ("]"). */
export function isAstringChar(c: number): boolean {
  return isAtomChar(c) || c === 0x5d;
}
/** list-char = ATOM-CHAR / list-wildcards / resp-specials. */
export function isListChar(c: number): boolean {
  return isAstringChar(c) || c === 0x25 || c === 0x2a;
}

// Limit: numbers fit in 32 bits (RFC 9051 §9 number); number64 up to 2^63-1, see number64().
const MAX_NUMBER = 0xffffffff;

export interface CursorOptions {
  utf8: boolean;
  maxNesting: number;
  tag?: string | null;
}

/** Reads tokens left to right; every failure throws ImapProtoError('IMAP_SYNTAX') with the tag. */
export class Cursor {
  readonly segs: Segment[];
  readonly utf8: boolean;
  readonly maxNesting: number;
  tag: string | null;
  #i = 0;
  #off = 0;
  #depth = 0;

  constructor(segs: Segment[], opts: CursorOptions) {
    this.segs = segs;
    this.utf8 = opts.utf8;
    this.maxNesting = opts.maxNesting;
    this.tag = opts.tag ?? null;
  }

  fail(msg: string): never {
    throw new ImapProtoError('IMAP_SYNTAX', msg, this.tag);
  }

  /** The byte at the cursor, or -1 at the end of a text segment (a literal or the end follows). */
  peek(): number {
    const s = this.segs[this.#i];
    if (!s || s.literal || this.#off >= s.data.length) return -1;
    return s.data[this.#off]!;
  }

  /** Upper-cased peek of the next `n` characters of the current text segment. */
  peekWord(n: number): string {
    const s = this.segs[this.#i];
    if (!s || s.literal) return '';
    return s.data.subarray(this.#off, this.#off + n).toString('latin1').toUpperCase();
  }

  atLiteral(): boolean {
    const s = this.segs[this.#i];
    return !!s && !s.literal && this.#off >= s.data.length && !!this.segs[this.#i + 1]?.literal;
  }

  atEnd(): boolean {
    return this.#i >= this.segs.length - 1 && this.peek() === -1 && !this.atLiteral();
  }

  end(): void {
    if (!this.atEnd()) this.fail('unexpected characters at end of command');
  }

  advance(n = 1): void {
    this.#off += n;
  }

  sp(): void {
    if (this.peek() !== SP) this.fail('expected a space');
    this.#off++;
  }

  /** Consumes a space if present. */
  maybeSp(): boolean {
    if (this.peek() !== SP) return false;
    this.#off++;
    return true;
  }

  expect(ch: string): void {
    if (this.peek() !== ch.charCodeAt(0)) this.fail(`expected "${ch}"`);
    this.#off++;
  }

  /** Consumes `ch` if it is next. */
  take(ch: string): boolean {
    if (this.peek() !== ch.charCodeAt(0)) return false;
    this.#off++;
    return true;
  }

  /** Consumes an upper-cased `word` when it is next and followed by a non-atom character. */
  takeWord(word: string): boolean {
    if (this.peekWord(word.length) !== word) return false;
    const s = this.segs[this.#i]!;
    const after = s.data[this.#off + word.length];
    if (after !== undefined && isAtomChar(after) && after !== 0x5b) return false;
    this.#off += word.length;
    return true;
  }

  readWhile(pred: (c: number) => boolean): string {
    const s = this.segs[this.#i];
    if (!s || s.literal) return '';
    const start = this.#off;
    while (this.#off < s.data.length && pred(s.data[this.#off]!)) this.#off++;
    return s.data.subarray(start, this.#off).toString('latin1');
  }

  atom(what = 'atom'): string {
    const a = this.readWhile(isAtomChar);
    if (!a) this.fail(`expected ${what}`);
    return a;
  }

  /** An atom, upper-cased (command names, keywords). */
  keyword(what = 'keyword'): string {
    return this.atom(what).toUpperCase();
  }

  /** Enter a nested list or NOT/OR operand; bounded by maxNesting. */
  enter(): void {
    // Limit: maxNesting, so hostile "((((…" cannot exhaust the stack.
    if (++this.#depth > this.maxNesting) throw new ImapProtoError('IMAP_NESTING', 'nesting too deep', this.tag);
  }
  leave(): void {
    this.#depth--;
  }

  literal(): { data: Buffer; binary: boolean } {
    if (!this.atLiteral()) this.fail('expected a literal');
    const s = this.segs[this.#i + 1]!;
    this.#i += 2;
    this.#off = 0;
    return { data: s.data, binary: s.literal ? s.binary : false };
  }

  /** quoted / literal (RFC 9051 §4.3) as raw octets. */
  stringBytes(): Buffer {
    if (this.atLiteral()) {
      const l = this.literal();
      if (l.binary) this.fail('literal8 not allowed here');
      return l.data;
    }
    return this.quoted();
  }

  quoted(): Buffer {
    const s = this.segs[this.#i];
    if (this.peek() !== DQUOTE || !s) this.fail('expected a string');
    const d = s.data;
    const out: number[] = [];
    let i = this.#off + 1;
    for (; i < d.length; i++) {
      const c = d[i]!;
      if (c === DQUOTE) break;
      if (c === BACKSLASH) {
        const n = d[++i];
        if (n !== DQUOTE && n !== BACKSLASH) this.fail('bad escape in quoted string');
        out.push(n);
      } else if (c === 0) this.fail('NUL in quoted string');
      else out.push(c);
    }
    if (i >= d.length) this.fail('unterminated quoted string');
    this.#off = i + 1;
    return Buffer.from(out);
  }

  string(): string {
    return this.stringBytes().toString('utf8');
  }

  /** astring = 1*ASTRING-CHAR / string. */
  astring(what = 'astring'): string {
    const c = this.peek();
    if (c === DQUOTE || this.atLiteral()) return this.string();
    // Deviation (RFC 9051 §9 ASTRING-CHAR is 7-bit): UTF-8 octets are accepted in an atom-form
    // astring; curl sends "SEARCH CHARSET UTF-8 SUBJECT réunion" unquoted. Invalid UTF-8 is refused.
    const a = this.readWhile((x) => isAstringChar(x) || x >= 0x80);
    if (!a) this.fail(`expected ${what}`);
    if (!/[\x80-\xff]/.test(a)) return a;
    const u = Buffer.from(a, 'latin1').toString('utf8');
    if (u.includes('\uFFFD')) this.fail('invalid UTF-8 in atom');
    return u;
  }

  /** nstring = string / NIL. */
  nstring(): string | null {
    if (this.takeWord('NIL')) return null;
    return this.string();
  }

  /** mailbox = "INBOX" / astring, decoded (modified UTF-7 unless UTF-8 is on); INBOX upper-cased. */
  mailbox(): string {
    return decodeMailboxName(this.astring('mailbox name'), this.utf8);
  }

  number(): number {
    const d = this.readWhile((c) => c >= 0x30 && c <= 0x39);
    if (!d) this.fail('expected a number');
    const n = d.length > 10 ? Infinity : Number(d);
    if (n > MAX_NUMBER) this.fail('number too large');
    return n;
  }

  nzNumber(): number {
    const n = this.number();
    if (n === 0) this.fail('expected a non-zero number');
    return n;
  }

  /**
   * number64 (RFC 9051 §9). Values above 2^53-1 (up to the grammar's 2^63-1) are clamped to
   * Number.MAX_SAFE_INTEGER: our modseqs stay far below it, so a bigger one (RFC 7162's examples
   * use 17 digits) still compares as "greater than every modseq we have".
   */
  number64(): number {
    const d = this.readWhile((c) => c >= 0x30 && c <= 0x39);
    if (!d) this.fail('expected a number');
    if (d.length > 19 || BigInt(d) > 0x7fffffffffffffffn) this.fail('number too large');
    return Math.min(Number(d), Number.MAX_SAFE_INTEGER);
  }

  /** "(" item *(SP item) ")" — with `allowEmpty`, "()" too. */
  list<T>(item: () => T, allowEmpty = false): T[] {
    this.expect('(');
    this.enter();
    const out: T[] = [];
    if (!(allowEmpty && this.peek() === 0x29)) {
      out.push(item());
      while (this.maybeSp()) out.push(item());
    }
    this.expect(')');
    this.leave();
    return out;
  }
}
