/** Server responses → bytes. RFC 9051 §7 (responses) and §4.3 (string forms), RFC 3516 (literal8),
 *  RFC 4731 (ESEARCH), RFC 5256 (SORT/THREAD), RFC 5258 (LIST extended data), RFC 7162 (VANISHED),
 *  RFC 9208 (QUOTA), RFC 2971 (ID), RFC 2342 (NAMESPACE), RFC 5161 (ENABLED), RFC 5530 codes. */
import { encodeMailboxName } from './mutf7.ts';
import { compressNumbers } from './sequence.ts';
import type { StatusItem } from './types.ts';

/**
 * A value inside a response: `null` is NIL, a number a number, a string or Buffer an IMAP string
 * (quoted or literal, chosen by content), `{atom}` is written verbatim, `{literal8}` as ~{n},
 * an array a parenthesised list, `{adjacent}` values written with no space between them
 * (the bodies of a multipart, RFC 9051 §9 body-type-mpart = 1*body SP media-subtype).
 */
export type Value = null | number | string | Buffer | { atom: string } | { literal8: Buffer } | { adjacent: Value[] } | Value[];

export const atom = (s: string): { atom: string } => ({ atom: s });

export interface FormatOptions {
  /** IMAP4rev2 or UTF8=ACCEPT: UTF-8 may appear in quoted strings and mailbox names. */
  utf8: boolean;
}

export interface ThreadNode {
  /** Message number, or null for a missing parent (RFC 5256 §4, "dummy" node). */
  id: number | null;
  children: ThreadNode[];
}

export type Namespace = [prefix: string, delimiter: string | null][] | null;

export type Response =
  | { type: 'tagged'; tag: string; status: 'OK' | 'NO' | 'BAD'; code?: string; text: string }
  | { type: 'untagged'; status: 'OK' | 'NO' | 'BAD' | 'BYE' | 'PREAUTH'; code?: string; text: string }
  | { type: 'continue'; text?: string }
  | { type: 'capability' | 'enabled'; caps: string[] }
  | { type: 'flags'; flags: string[] }
  | { type: 'exists' | 'recent'; count: number }
  | { type: 'expunge'; seq: number }
  | { type: 'vanished'; earlier: boolean; uids: number[] }
  | { type: 'fetch'; seq: number; items: [name: string, value: Value][] }
  | { type: 'list' | 'lsub'; attributes: string[]; delimiter: string | null; mailbox: string; childInfo?: string[]; oldName?: string }
  | { type: 'status'; mailbox: string; items: [StatusItem, number | string][] }
  | { type: 'esearch'; tag: string | null; uid: boolean; min?: number; max?: number; count?: number; all?: number[]; modseq?: number }
  | { type: 'search' | 'sort'; numbers: number[]; modseq?: number }
  | { type: 'thread'; threads: ThreadNode[] }
  | { type: 'quota'; root: string; resources: { name: string; usage: number; limit: number }[] }
  | { type: 'quotaroot'; mailbox: string; roots: string[] }
  | { type: 'id'; params: [string, string | null][] | null }
  | { type: 'namespace'; personal: Namespace; other: Namespace; shared: Namespace };

// Limit: strings longer than this are sent as literals (clients bound their line buffers).
const MAX_QUOTED = 1024;

/** Collects text and literal octets; text is UTF-8 encoded on flush. */
class Out {
  parts: Buffer[] = [];
  text = '';
  put(s: string): void {
    this.text += s;
  }
  raw(b: Buffer): void {
    this.parts.push(Buffer.from(this.text, 'utf8'), b);
    this.text = '';
  }
  done(): Buffer {
    this.parts.push(Buffer.from(this.text + '\r\n', 'utf8'));
    return Buffer.concat(this.parts);
  }
}

/** Whether a string can be sent quoted: no CR, LF or NUL, no 8-bit unless `utf8`, not too long. */
function quotable(s: string, utf8: boolean): boolean {
  if (s.length > MAX_QUOTED) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0 || c === 0x0a || c === 0x0d || (c > 0x7f && !utf8)) return false;
    // Lone surrogates cannot be sent as UTF-8.
    if (c >= 0xd800 && c <= 0xdfff && !s.isWellFormed()) return false;
  }
  return true;
}

/** RFC 9051 §4.3: quoted string with "\" and DQUOTE escaped. */
export function quote(s: string): string {
  return '"' + s.replace(/[\\"]/g, (m) => '\\' + m) + '"';
}

function writeString(o: Out, v: string | Buffer, opts: FormatOptions): void {
  if (typeof v === 'string') {
    if (quotable(v, opts.utf8)) o.put(quote(v));
    else {
      const b = Buffer.from(v, 'utf8');
      o.put(`{${b.length}}\r\n`);
      o.raw(b);
    }
    return;
  }
  let plain = v.length <= MAX_QUOTED;
  for (let i = 0; plain && i < v.length; i++) {
    const c = v[i]!;
    if (c === 0 || c === 0x0a || c === 0x0d || c > 0x7f) plain = false;
  }
  if (plain) o.put(quote(v.toString('latin1')));
  else {
    o.put(`{${v.length}}\r\n`);
    o.raw(v);
  }
}

function writeValue(o: Out, v: Value, opts: FormatOptions): void {
  if (v === null) o.put('NIL');
  else if (typeof v === 'number') o.put(String(Math.trunc(v)));
  else if (typeof v === 'string' || Buffer.isBuffer(v)) writeString(o, v, opts);
  else if (Array.isArray(v)) {
    o.put('(');
    v.forEach((x, i) => {
      if (i) o.put(' ');
      writeValue(o, x, opts);
    });
    o.put(')');
  } else if ('atom' in v) o.put(v.atom);
  else if ('adjacent' in v) for (const x of v.adjacent) writeValue(o, x, opts);
  else {
    o.put(`~{${v.literal8.length}}\r\n`);
    o.raw(v.literal8);
  }
}

/** Text after a status or in a continuation: one line, no CR/LF. */
const oneLine = (s: string): string => s.replace(/[\r\n]+/g, ' ');
const codeText = (code: string | undefined): string => (code ? `[${oneLine(code).replaceAll(']', '')}] ` : '');

function mailboxValue(name: string, opts: FormatOptions): string {
  return encodeMailboxName(name, opts.utf8);
}

/**
 * RFC 5256 §4: a single child continues the chain; siblings are each parenthesised. Iterative, so a
 * thread thousands of levels deep costs no stack and is written once (no copy per level).
 */
function formatThread(root: ThreadNode): string {
  const out: string[] = [];
  let lastWasId = false;
  const stack: (ThreadNode | string)[] = [root];
  while (stack.length) {
    const item = stack.pop()!;
    if (typeof item === 'string') {
      out.push(item);
      lastWasId = false;
      continue;
    }
    let n = item;
    for (;;) {
      if (n.id !== null) {
        out.push(lastWasId ? ` ${n.id}` : String(n.id));
        lastWasId = true;
      }
      if (n.children.length === 1) {
        n = n.children[0]!;
        continue;
      }
      if (n.children.length > 1) {
        if (lastWasId) out.push(' ');
        lastWasId = false;
        for (let i = n.children.length - 1; i >= 0; i--) stack.push(')', n.children[i]!, '(');
      }
      break;
    }
  }
  return out.join('');
}

function namespaceValue(ns: Namespace, opts: FormatOptions): Value {
  return ns === null ? null : ns.map(([p, d]) => [mailboxValue(p, opts), d]);
}

/** Writes the body of one response (everything after "* " or the tag). */
function writeBody(o: Out, r: Response, opts: FormatOptions): void {
  switch (r.type) {
    case 'tagged':
    case 'untagged':
      return o.put(`${r.status} ${codeText(r.code)}${oneLine(r.text)}`);
    case 'continue':
      return;
    case 'capability':
    case 'enabled':
      return o.put([r.type.toUpperCase(), ...r.caps].join(' '));
    case 'flags':
      return o.put(`FLAGS (${r.flags.join(' ')})`);
    case 'exists':
    case 'recent':
      return o.put(`${r.count} ${r.type.toUpperCase()}`);
    case 'expunge':
      return o.put(`${r.seq} EXPUNGE`);
    case 'vanished':
      return o.put(`VANISHED ${r.earlier ? '(EARLIER) ' : ''}${compressNumbers(r.uids)}`);
    case 'fetch': {
      o.put(`${r.seq} FETCH (`);
      r.items.forEach(([name, v], i) => {
        o.put(`${i ? ' ' : ''}${name} `);
        writeValue(o, v, opts);
      });
      return o.put(')');
    }
    case 'list':
    case 'lsub': {
      o.put(`${r.type.toUpperCase()} (${r.attributes.join(' ')}) ${r.delimiter === null ? 'NIL' : quote(r.delimiter)} `);
      writeValue(o, mailboxValue(r.mailbox, opts), opts);
      // RFC 5258 §4 (CHILDINFO), RFC 9051 §6.3.9.7 (OLDNAME): mbox-list-extended.
      const ext: Value[] = [];
      if (r.childInfo?.length) ext.push('CHILDINFO', r.childInfo);
      if (r.oldName !== undefined) ext.push('OLDNAME', [mailboxValue(r.oldName, opts)]);
      if (ext.length) {
        o.put(' ');
        writeValue(o, ext, opts);
      }
      return;
    }
    case 'status':
      o.put('STATUS ');
      writeValue(o, mailboxValue(r.mailbox, opts), opts);
      return o.put(` (${r.items.map(([k, v]) => `${k} ${v}`).join(' ')})`);
    case 'esearch': {
      // RFC 4731 §3.1, RFC 9051 §7.3.4.
      let s = 'ESEARCH';
      if (r.tag !== null) s += ` (TAG ${quote(r.tag)})`;
      if (r.uid) s += ' UID';
      if (r.min !== undefined) s += ` MIN ${r.min}`;
      if (r.max !== undefined) s += ` MAX ${r.max}`;
      if (r.all !== undefined && r.all.length) s += ` ALL ${compressNumbers(r.all)}`;
      if (r.count !== undefined) s += ` COUNT ${r.count}`;
      if (r.modseq !== undefined) s += ` MODSEQ ${r.modseq}`;
      return o.put(s);
    }
    case 'search':
    case 'sort': {
      const nums = r.numbers.length ? ' ' + r.numbers.join(' ') : '';
      // RFC 7162 §3.1.5: "(MODSEQ n)" after the numbers when MODSEQ was searched.
      return o.put(`${r.type.toUpperCase()}${nums}${r.modseq !== undefined && r.numbers.length ? ` (MODSEQ ${r.modseq})` : ''}`);
    }
    case 'thread':
      // RFC 5256 §5: `thread-data = "THREAD" [SP 1*thread-list]`: no trailing space when empty.
      return o.put(r.threads.length ? 'THREAD ' + r.threads.map((t) => `(${formatThread(t)})`).join('') : 'THREAD');
    case 'quota':
      o.put('QUOTA ');
      writeValue(o, r.root, opts);
      return o.put(` (${r.resources.map((x) => `${x.name} ${x.usage} ${x.limit}`).join(' ')})`);
    case 'quotaroot':
      o.put('QUOTAROOT ');
      writeValue(o, mailboxValue(r.mailbox, opts), opts);
      for (const root of r.roots) {
        o.put(' ');
        writeValue(o, root, opts);
      }
      return;
    case 'id':
      o.put('ID ');
      return writeValue(o, r.params === null ? null : r.params.flat(), opts);
    case 'namespace':
      o.put('NAMESPACE ');
      return writeValue(o, { adjacent: [namespaceValue(r.personal, opts), atom(' '), namespaceValue(r.other, opts), atom(' '), namespaceValue(r.shared, opts)] }, opts);
  }
}

/** One response as bytes, CRLF included. */
export function formatResponse(r: Response, opts: FormatOptions = { utf8: false }): Buffer {
  const o = new Out();
  if (r.type === 'tagged') o.put(r.tag + ' ');
  else if (r.type === 'continue') o.put(r.text ? `+ ${oneLine(r.text)}` : '+ ');
  else o.put('* ');
  writeBody(o, r, opts);
  return o.done();
}

/**
 * `* seq FETCH (UID n FLAGS (…) MODSEQ (m))` CRLF as text: the fast path of flag resyncs
 * (`UID FETCH 1:* (FLAGS)`, RFC 9051 §7.5.2, RFC 7162 §3.1.4), one string per row instead of a
 * value tree. Flags come from storage, where they are valid atoms (flag-keyword, RFC 9051 §9).
 */
export function formatFlagFetch(seq: number, items: readonly (readonly ['UID' | 'MODSEQ', number] | readonly ['FLAGS', readonly string[]])[]): string {
  let out = `* ${seq} FETCH (`;
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    if (i) out += ' ';
    if (it[0] === 'UID') out += `UID ${it[1]}`;
    else if (it[0] === 'MODSEQ') out += `MODSEQ (${it[1]})`;
    else out += `FLAGS (${(it[1] as readonly string[]).join(' ')})`;
  }
  return out + ')\r\n';
}

/**
 * The same line as formatFlagFetch from one stored row, without building items: `flags` is the
 * stored space-separated list (valid atoms, '' for none). FETCH's UID/FLAGS/MODSEQ fast path.
 */
export function formatFlagLine(seq: number, kinds: readonly ('UID' | 'FLAGS' | 'MODSEQ')[], uid: number, flags: string, modseq: number): string {
  let out = `* ${seq} FETCH (`;
  for (let i = 0; i < kinds.length; i++) {
    const k = kinds[i];
    if (i) out += ' ';
    out += k === 'UID' ? `UID ${uid}` : k === 'FLAGS' ? `FLAGS (${flags})` : `MODSEQ (${modseq})`;
  }
  return out + ')\r\n';
}

/** A single value as bytes (no CRLF), for tests and for callers composing their own lines. */
export function formatValue(v: Value, opts: FormatOptions = { utf8: false }): Buffer {
  const o = new Out();
  writeValue(o, v, opts);
  o.parts.push(Buffer.from(o.text, 'utf8'));
  return Buffer.concat(o.parts);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** RFC 9051 §9 date-time: "17-Jul-1996 02:44:25 -0700", in the zone `offsetMinutes` east of UTC. */
export function formatDateTime(ms: number, offsetMinutes = 0): string {
  const d = new Date(ms + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const off = Math.abs(offsetMinutes);
  return `${pad(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${sign}${pad(Math.floor(off / 60))}${pad(off % 60)}`;
}

/** Response code helpers (RFC 9051 §7.1, RFC 4315 UIDPLUS, RFC 7162, RFC 5530). */
export const codes = {
  capability: (caps: string[]): string => `CAPABILITY ${caps.join(' ')}`,
  permanentFlags: (flags: string[]): string => `PERMANENTFLAGS (${flags.join(' ')})`,
  uidValidity: (n: number): string => `UIDVALIDITY ${n}`,
  uidNext: (n: number): string => `UIDNEXT ${n}`,
  highestModseq: (n: number): string => `HIGHESTMODSEQ ${n}`,
  appendUid: (uidValidity: number, uids: number[]): string => `APPENDUID ${uidValidity} ${compressNumbers(uids)}`,
  /** RFC 4315 §3: source and destination UIDs in matching order (not compressed). */
  copyUid: (uidValidity: number, from: number[], to: number[]): string => `COPYUID ${uidValidity} ${orderedSet(from)} ${orderedSet(to)}`,
  modified: (nums: number[]): string => `MODIFIED ${compressNumbers(nums)}`,
};

/** A set that keeps the given order, joining consecutive ascending runs (RFC 4315 uid-set). */
function orderedSet(nums: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < nums.length; ) {
    let j = i;
    while (j + 1 < nums.length && nums[j + 1] === nums[j]! + 1) j++;
    parts.push(i === j ? String(nums[i]) : `${nums[i]}:${nums[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
