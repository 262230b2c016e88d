/** Mailbox command arguments: SELECT/EXAMINE, CREATE, LIST, STATUS, APPEND. RFC 9051 §6.3,
 *  RFC 7162 §3.2.5 (QRESYNC), RFC 6154 (USE), RFC 5258 + RFC 5819 + RFC 6154 (LIST), RFC 3502, RFC 6855. */
import type { Cursor } from './reader.ts';
import { isListChar } from './reader.ts';
import { decodeMailboxName } from './mutf7.ts';
import { parseFlagList } from './parse-fetch.ts';
import { parseSequenceSet } from './sequence.ts';
import type { AppendMessage, CommandArgs, ListReturn, QresyncParam, StatusItem } from './types.ts';

/** SELECT / EXAMINE mailbox [SP "(" select-param *(SP select-param) ")"]. */
export function parseSelectArgs(c: Cursor): CommandArgs['SELECT'] {
  const mailbox = c.mailbox();
  let condstore = false;
  let qresync: QresyncParam | null = null;
  if (c.maybeSp()) {
    c.list(() => {
      const p = c.keyword('select parameter');
      if (p === 'CONDSTORE') condstore = true;
      else if (p === 'QRESYNC') {
        c.sp();
        qresync = parseQresync(c);
      } else c.fail(`unknown select parameter ${p}`);
    });
  }
  return { mailbox, condstore, qresync };
}

/** RFC 7162 §3.2.5: "(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")". */
function parseQresync(c: Cursor): QresyncParam {
  c.expect('(');
  const uidValidity = c.nzNumber();
  c.sp();
  const modseq = c.number64();
  let knownUids: QresyncParam['knownUids'] = null;
  let seqMatch: QresyncParam['seqMatch'] = null;
  if (c.maybeSp() && c.peek() !== 0x28) {
    knownUids = parseSequenceSet(c);
    c.maybeSp();
  }
  if (c.peek() === 0x28) {
    c.expect('(');
    const seqs = parseSequenceSet(c);
    c.sp();
    const uids = parseSequenceSet(c);
    c.expect(')');
    seqMatch = { seqs, uids };
  }
  c.expect(')');
  return { uidValidity, modseq, knownUids, seqMatch };
}

/** CREATE mailbox [SP "(" "USE" SP "(" use-attr … ")" ")"] (RFC 6154 §3). */
export function parseCreateArgs(c: Cursor): CommandArgs['CREATE'] {
  const mailbox = c.mailbox();
  const specialUse: string[] = [];
  if (c.maybeSp()) {
    c.list(() => {
      if (c.keyword('create parameter') !== 'USE') c.fail('unknown create parameter');
      c.sp();
      for (const a of c.list(() => (c.expect('\\'), '\\' + c.atom('special-use attribute')), true)) specialUse.push(a);
    });
  }
  return { mailbox, specialUse };
}

/** list-mailbox = 1*list-char / string. */
function listMailbox(c: Cursor): string {
  const ch = c.peek();
  const raw = ch === 0x22 || c.atLiteral() ? c.string() : c.readWhile(isListChar);
  if (raw === '' && ch !== 0x22 && !c.atLiteral()) c.fail('expected a mailbox pattern');
  return decodeMailboxName(raw, c.utf8);
}

const STATUS_ITEMS = new Set<string>(['MESSAGES', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'DELETED', 'SIZE', 'RECENT', 'HIGHESTMODSEQ', 'APPENDLIMIT', 'MAILBOXID']);

export function parseStatusItems(c: Cursor): StatusItem[] {
  return c.list(() => {
    const k = c.keyword('status item');
    if (!STATUS_ITEMS.has(k)) c.fail(`unknown status item ${k}`);
    return k as StatusItem;
  });
}

const SELECT_OPTS = new Set(['SUBSCRIBED', 'REMOTE', 'RECURSIVEMATCH', 'SPECIAL-USE']);

/** LIST [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts] (RFC 5258 §6). */
export function parseListArgs(c: Cursor): CommandArgs['LIST'] {
  let selection: string[] = [];
  let extended = false;
  if (c.peek() === 0x28) {
    extended = true;
    selection = c.list(() => {
      const o = c.keyword('selection option');
      // RFC 5258 §3: an unknown selection option is an error (BAD).
      if (!SELECT_OPTS.has(o)) c.fail(`unknown LIST selection option ${o}`);
      return o;
    }, true);
    // RFC 5258 §3: RECURSIVEMATCH alone is a BAD.
    if (selection.includes('RECURSIVEMATCH') && selection.length === 1) c.fail('RECURSIVEMATCH needs another option');
    c.sp();
  }
  const reference = c.mailbox();
  c.sp();
  let patterns: string[];
  if (c.peek() === 0x28) {
    extended = true;
    patterns = c.list(() => listMailbox(c));
  } else patterns = [listMailbox(c)];
  const returnOpts: ListReturn = { subscribed: false, children: false, specialUse: false, myRights: false, status: null };
  if (c.maybeSp()) {
    extended = true;
    if (!c.takeWord('RETURN')) c.fail('expected RETURN');
    c.sp();
    c.list(() => {
      const o = c.keyword('return option');
      if (o === 'SUBSCRIBED') returnOpts.subscribed = true;
      else if (o === 'CHILDREN') returnOpts.children = true;
      else if (o === 'SPECIAL-USE') returnOpts.specialUse = true;
      else if (o === 'MYRIGHTS') returnOpts.myRights = true;
      else if (o === 'STATUS') {
        c.sp();
        returnOpts.status = parseStatusItems(c);
      } else c.fail(`unknown LIST return option ${o}`);
    }, true);
  }
  return { reference, patterns, selection, returnOpts, extended };
}

/** LSUB SP mailbox SP list-mailbox. */
export function parseLsubArgs(c: Cursor): CommandArgs['LSUB'] {
  const reference = c.mailbox();
  c.sp();
  return { reference, pattern: listMailbox(c) };
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DATE_TIME = /^([ \d]\d)-([A-Za-z]{3})-(\d{4}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)$/;

/** date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE → epoch ms. */
export function parseDateTime(c: Cursor): number {
  const s = c.quoted().toString('latin1');
  const m = DATE_TIME.exec(s);
  if (!m) c.fail('bad date-time');
  const month = MONTHS.indexOf(m[2]!.toUpperCase());
  const [day, year, hh, mm, ss, zh, zm] = [m[1], m[3], m[4], m[5], m[6], m[8], m[9]].map((x) => Number(x!.trim()));
  if (month < 0 || day! < 1 || day! > 31 || hh! > 23 || mm! > 59 || ss! > 60 || zm! > 59) c.fail('bad date-time');
  const offset = (m[7] === '-' ? -1 : 1) * (zh! * 60 + zm!) * 60_000;
  return Date.UTC(year!, month, day!, hh!, mm!, ss!) - offset;
}

/** APPEND SP mailbox 1*(append-opts SP append-data) (RFC 3502 §6, RFC 3516 §4.3, RFC 6855 §4). */
export function parseAppendArgs(c: Cursor): CommandArgs['APPEND'] {
  const mailbox = c.mailbox();
  const messages: AppendMessage[] = [];
  while (c.maybeSp()) {
    let flags: string[] = [];
    let date: number | null = null;
    if (c.peek() === 0x28) {
      flags = parseFlagList(c);
      c.sp();
    }
    if (c.peek() === 0x22) {
      date = parseDateTime(c);
      c.sp();
    }
    let utf8 = false;
    if (c.takeWord('UTF8')) {
      c.sp();
      c.expect('(');
      utf8 = true;
    }
    const lit = c.literal();
    if (utf8) {
      if (!lit.binary) c.fail('UTF8 needs a literal8');
      c.expect(')');
    }
    messages.push({ flags, date, data: lit.data, binary: lit.binary, utf8 });
  }
  if (messages.length === 0) c.fail('APPEND needs a message');
  return { mailbox, messages };
}
