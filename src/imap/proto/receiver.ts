/** Sans-I/O IMAP command receiver: bytes in, typed requests / literal requests / errors out.
 *  RFC 9051 §2.2.1 and §4.3 (literals), RFC 7888 (LITERAL+ / LITERAL-), RFC 3516 (literal8). */
import { defaultLimits, ImapProtoError, type ProtoLimits } from './limits.ts';
import { parseCommand } from './parse-command.ts';
import type { Request } from './types.ts';

import type { Segment } from './segment.ts';

export type { Segment } from './segment.ts';

export type ReceiverEvent =
  | { kind: 'request'; request: Request }
  /** Nothing complete is buffered: push more bytes. */
  | { kind: 'need-more' }
  /** A synchronising literal was announced: send "+ Ready" (RFC 9051 §7.5) and call next() again. */
  | { kind: 'need-literal'; tag: string; size: number }
  /** A raw line read by nextLine() (IDLE's DONE, AUTHENTICATE responses). */
  | { kind: 'line'; text: string }
  /**
   * Reply `tag status [code] text` (or untagged when tag is null). `fatal`: send BYE and close,
   * the byte stream cannot be resynchronised.
   */
  | { kind: 'error'; tag: string | null; status: 'BAD' | 'NO'; code: 'TOOBIG' | null; fatal: boolean; error: ImapProtoError };

export interface ReceiverOptions {
  limits?: Partial<ProtoLimits>;
  /** UTF8=ACCEPT enabled or IMAP4rev2: mailbox names are UTF-8, not modified UTF-7. */
  utf8?: boolean;
}

type State =
  | { s: 'line' }
  | { s: 'literal'; remaining: number; chunks: Buffer[]; binary: boolean }
  | { s: 'skip-literal'; remaining: number }
  | { s: 'skip-line' }
  | { s: 'closed' };

const LF = 0x0a;
const CR = 0x0d;
// Shared by every receiver: an idle connection keeps neither its own empty Buffer nor its last
// chunk from the socket (released once consumed), nor a state object of its own.
const EMPTY = Buffer.alloc(0);
const LINE: State = Object.freeze({ s: 'line' });

/** Feed bytes with push(); pull events with next() until it returns need-more. */
export class Receiver {
  readonly limits: ProtoLimits;
  utf8: boolean;
  /**
   * Whether APPEND may use the large APPEND literal limit. A session keeps this false until
   * sign-in, so an unauthenticated client cannot make the server read 50 MiB.
   */
  appendAllowed = true;
  #buf: Buffer = EMPTY;
  #pos = 0;
  #state: State = LINE;
  #segments: Segment[] = [];
  #tag: string | null = null;
  #name = '';
  #literals = 0;
  #bytes = 0;

  constructor(opts: ReceiverOptions = {}) {
    this.limits = { ...defaultLimits, ...opts.limits };
    this.utf8 = opts.utf8 ?? false;
  }

  push(chunk: Buffer): void {
    if (this.#state.s === 'closed' || chunk.length === 0) return;
    this.#buf = this.#pos >= this.#buf.length ? chunk : Buffer.concat([this.#buf.subarray(this.#pos), chunk]);
    this.#pos = 0;
  }

  /** Octets received and not yet consumed. */
  get buffered(): number {
    return this.#buf.length - this.#pos;
  }

  /** True between commands (a raw line may be read with nextLine()). */
  get idle(): boolean {
    return this.#state.s === 'line' && this.#segments.length === 0;
  }

  /** Read one raw line (CRLF stripped), for IDLE's DONE and AUTHENTICATE continuation data. */
  nextLine(): ReceiverEvent {
    const ev = this.#nextLine();
    this.#release();
    return ev;
  }

  /** Drops the reference to a fully consumed chunk (lines already returned keep their own). */
  #release(): void {
    if (this.#pos >= this.#buf.length && this.#buf !== EMPTY) {
      this.#buf = EMPTY;
      this.#pos = 0;
    }
  }

  #nextLine(): ReceiverEvent {
    if (this.#state.s === 'closed') return { kind: 'need-more' };
    const line = this.#takeLine();
    if (line === null) return { kind: 'need-more' };
    if (line === 'too-long') return this.#fatal(new ImapProtoError('IMAP_LINE_TOO_LONG', 'line too long'));
    return { kind: 'line', text: line.toString('utf8') };
  }

  /** The next event from the buffered bytes. */
  next(): ReceiverEvent {
    const ev = this.#next();
    this.#release();
    return ev;
  }

  #next(): ReceiverEvent {
    for (;;) {
      const st = this.#state;
      switch (st.s) {
        case 'closed':
          return { kind: 'need-more' };
        case 'literal':
        case 'skip-literal': {
          const take = Math.min(st.remaining, this.#buf.length - this.#pos);
          if (st.s === 'literal' && take > 0) st.chunks.push(this.#buf.subarray(this.#pos, this.#pos + take));
          this.#pos += take;
          st.remaining -= take;
          if (st.remaining > 0) return { kind: 'need-more' };
          if (st.s === 'literal') {
            this.#segments.push({ literal: true, data: Buffer.concat(st.chunks), binary: st.binary });
            this.#state = LINE;
          } else this.#state = { s: 'skip-line' };
          continue;
        }
        case 'skip-line': {
          const ev = this.#skipLine();
          if (ev) return ev;
          continue;
        }
        case 'line': {
          const ev = this.#readSegment();
          if (ev) return ev;
          continue;
        }
      }
    }
  }

  /** Reads one line of the current command; returns an event, or null to continue the loop. */
  #readSegment(): ReceiverEvent | null {
    const line = this.#takeLine();
    if (line === null) return { kind: 'need-more' };
    if (line === 'too-long') return this.#fatal(new ImapProtoError('IMAP_LINE_TOO_LONG', 'line too long', this.#tag ?? peekTag(this.#buf.subarray(this.#pos))));
    const first = this.#segments.length === 0;
    // Deviation (RFC 9051 §2.2.1): an empty line between commands is ignored, as telnet users type it.
    if (first && line.length === 0) return null;
    if (first) {
      this.#tag = peekTag(line);
      this.#name = peekName(line);
    }
    this.#bytes += line.length;
    const lit = findLiteral(line);
    if (!lit) {
      this.#segments.push({ literal: false, data: line });
      return this.#complete();
    }
    this.#segments.push({ literal: false, data: line.subarray(0, lit.start) });
    return this.#announce(lit);
  }

  /** Checks an announced literal against the limits and enters the literal state. */
  #announce(lit: LiteralSpec): ReceiverEvent | null {
    const L = this.limits;
    const tag = this.#tag;
    this.#literals++;
    this.#bytes += lit.size;
    const max = this.#name === 'APPEND' && this.appendAllowed ? L.maxAppendLiteral : L.maxOtherLiteral;
    let err: ImapProtoError | null = null;
    let status: 'BAD' | 'NO' = 'BAD';
    let code: 'TOOBIG' | null = 'TOOBIG';
    if (this.#literals > L.maxLiteralsPerCommand) {
      err = new ImapProtoError('IMAP_TOO_MANY_LITERALS', 'too many literals in one command', tag);
      code = null;
    } else if (lit.size > max || this.#bytes > L.maxCommandBytes) {
      // RFC 7888 §4, RFC 9051 §7.1 (TOOBIG): refuse before the client sends the octets.
      err = new ImapProtoError('IMAP_TOOBIG', `literal of ${lit.size} octets exceeds the limit of ${max}`, tag);
      status = lit.sync ? 'NO' : 'BAD';
    } else if (!lit.sync && L.maxNonSyncLiteral !== null && lit.size > L.maxNonSyncLiteral) {
      // RFC 7888 §5: LITERAL- refuses larger non-synchronising literals with BAD [TOOBIG].
      err = new ImapProtoError('IMAP_TOOBIG', `non-synchronizing literal over ${L.maxNonSyncLiteral} octets`, tag);
    }
    if (!err) {
      this.#state = { s: 'literal', remaining: lit.size, chunks: [], binary: lit.binary };
      return lit.sync ? { kind: 'need-literal', tag: tag ?? '*', size: lit.size } : null;
    }
    this.#reset();
    if (lit.sync) {
      // The client waits for "+" and sends nothing more of this command.
      return { kind: 'error', tag, status, code, fatal: false, error: err };
    }
    // RFC 7888 §4 choice 1: the octets are on their way; read and drop them (bounded), else BYE.
    if (lit.size > L.maxAppendLiteral) return this.#fatal(err, code);
    this.#state = { s: 'skip-literal', remaining: lit.size };
    return { kind: 'error', tag, status, code, fatal: false, error: err };
  }

  /** Drops the rest of a refused command (its lines and non-synchronising literals). */
  #skipLine(): ReceiverEvent | null {
    const line = this.#takeLine();
    if (line === null) return { kind: 'need-more' };
    if (line === 'too-long') return this.#fatal(new ImapProtoError('IMAP_LINE_TOO_LONG', 'line too long'));
    const lit = findLiteral(line);
    if (lit && !lit.sync) {
      if (lit.size > this.limits.maxAppendLiteral) return this.#fatal(new ImapProtoError('IMAP_TOOBIG', 'literal too big'), 'TOOBIG');
      this.#state = { s: 'skip-literal', remaining: lit.size };
    } else this.#state = LINE;
    return null;
  }

  #complete(): ReceiverEvent {
    const segments = this.#segments;
    const tag = this.#tag;
    this.#reset();
    try {
      return { kind: 'request', request: parseCommand(segments, { utf8: this.utf8, maxNesting: this.limits.maxNesting }) };
    } catch (e) {
      if (!(e instanceof ImapProtoError)) throw e;
      if (e.tag === null) e.tag = tag;
      return { kind: 'error', tag: e.tag, status: 'BAD', code: null, fatal: false, error: e };
    }
  }

  #reset(): void {
    this.#segments = [];
    this.#tag = null;
    this.#name = '';
    this.#literals = 0;
    this.#bytes = 0;
    this.#state = LINE;
  }

  #fatal(error: ImapProtoError, code: 'TOOBIG' | null = null): ReceiverEvent {
    const tag = error.tag ?? this.#tag;
    this.#reset();
    this.#state = { s: 'closed' };
    this.#buf = EMPTY;
    this.#pos = 0;
    return { kind: 'error', tag, status: 'BAD', code, fatal: true, error };
  }

  /** One line without its CRLF, null when incomplete, 'too-long' past the limit. */
  #takeLine(): Buffer | null | 'too-long' {
    const lf = this.#buf.indexOf(LF, this.#pos);
    const max = this.limits.maxLineLength;
    if (lf < 0) return this.#buf.length - this.#pos > max + 1 ? 'too-long' : null;
    // Deviation (RFC 9051 §2.2): a bare LF ends a line too (netcat users, some scripts).
    const end = lf > this.#pos && this.#buf[lf - 1] === CR ? lf - 1 : lf;
    if (end - this.#pos > max) return 'too-long';
    const line = this.#buf.subarray(this.#pos, end);
    this.#pos = lf + 1;
    return line;
  }
}

interface LiteralSpec {
  start: number;
  size: number;
  sync: boolean;
  binary: boolean;
}

// Limit: a literal length has at most 10 digits (number = 1*DIGIT up to 4294967295, RFC 9051 §9);
// longer announcements count as infinitely large (→ TOOBIG), never as a JavaScript number overflow.
const MAX_DIGITS = 10;

/** The literal announcement `{n}`, `{n+}` or `~{n}` ending `line`, outside any quoted string. */
export function findLiteral(line: Buffer): LiteralSpec | null {
  let i = line.length - 1;
  if (i < 2 || line[i] !== 0x7d) return null; // '}'
  i--;
  const sync = line[i] !== 0x2b; // '+'
  if (!sync) i--;
  const digitsEnd = i + 1;
  while (i >= 0 && line[i]! >= 0x30 && line[i]! <= 0x39) i--;
  if (i < 0 || line[i] !== 0x7b || i + 1 === digitsEnd) return null; // '{'
  const digits = line.subarray(i + 1, digitsEnd).toString('latin1');
  let start = i;
  const binary = start > 0 && line[start - 1] === 0x7e; // '~'
  if (binary) start--;
  if (insideQuotes(line, start)) return null;
  const size = digits.length > MAX_DIGITS ? Infinity : Number(digits);
  return { start, size: size > 0xffffffff ? Infinity : size, sync, binary };
}

/** Whether position `end` of `line` lies within a quoted string (RFC 9051 §4.3 quoted). */
function insideQuotes(line: Buffer, end: number): boolean {
  let inQ = false;
  for (let i = 0; i < end; i++) {
    const c = line[i];
    if (inQ && c === 0x5c) i++;
    else if (c === 0x22) inQ = !inQ;
  }
  return inQ;
}

const TAG_RE = /^[\x21\x23\x24\x26\x27\x2c-\x5b\x5d-\x7a\x7c-\x7e]+$/;

/** The tag of a command line if it is a valid tag (RFC 9051 §9 tag), for error replies. */
export function peekTag(line: Buffer): string | null {
  let sp = line.indexOf(0x20);
  if (sp < 0) sp = Math.min(line.length, 200);
  const t = line.subarray(0, Math.min(sp, 200)).toString('latin1');
  return TAG_RE.test(t) ? t : null;
}

function peekName(line: Buffer): string {
  const sp = line.indexOf(0x20);
  if (sp < 0) return '';
  let end = line.indexOf(0x20, sp + 1);
  if (end < 0) end = line.length;
  return line.subarray(sp + 1, Math.min(end, sp + 20)).toString('latin1').toUpperCase();
}
