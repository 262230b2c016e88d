/** SEARCH, SORT and THREAD arguments. RFC 9051 §6.4.4, RFC 4731 (ESEARCH), RFC 5182 (SAVE),
 *  RFC 7162 §3.1.5 (MODSEQ), RFC 5032 (OLDER/YOUNGER), RFC 5256 (SORT/THREAD), RFC 8474. */
import type { Cursor } from './reader.ts';
import { parseSequenceSet, startsSequenceSet } from './sequence.ts';
import type { CommandArgs, ImapDate, SearchKey, SearchReturn, SortKeyName } from './types.ts';

const FLAG_KEYS = new Set(['ALL', 'ANSWERED', 'DELETED', 'DRAFT', 'FLAGGED', 'NEW', 'OLD', 'RECENT', 'SEEN', 'UNANSWERED', 'UNDELETED', 'UNDRAFT', 'UNFLAGGED', 'UNSEEN']);
const TEXT_KEYS = new Set(['BCC', 'BODY', 'CC', 'FROM', 'SUBJECT', 'TEXT', 'TO']);
const DATE_KEYS = new Set(['BEFORE', 'ON', 'SINCE', 'SENTBEFORE', 'SENTON', 'SENTSINCE']);
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** date = date-text / DQUOTE date-text DQUOTE; date-text = date-day "-" date-month "-" date-year. */
export function parseDate(c: Cursor): ImapDate {
  const q = c.take('"');
  const day = c.number();
  c.expect('-');
  const m = c.readWhile((ch) => (ch >= 0x41 && ch <= 0x5a) || (ch >= 0x61 && ch <= 0x7a)).toUpperCase();
  const month = m.length === 3 ? MONTHS.indexOf(m) + 1 : 0;
  if (month === 0) c.fail('bad month');
  c.expect('-');
  const year = c.number();
  if (q) c.expect('"');
  if (day < 1 || day > 31 || year < 1 || year > 9999) c.fail('bad date');
  return { year, month, day };
}

type K<T extends SearchKey['key']> = Extract<SearchKey, { key: T }>;

/** One search-key (recursive for NOT / OR / parenthesised lists, bounded by the nesting limit). */
export function parseSearchKey(c: Cursor): SearchKey {
  if (c.peek() === 0x28) {
    const keys = c.list(() => parseSearchKey(c));
    return keys.length === 1 ? keys[0]! : { key: 'AND', keys };
  }
  if (startsSequenceSet(c)) return { key: 'SEQ', set: parseSequenceSet(c) };
  const k = c.readWhile((ch) => (ch >= 0x41 && ch <= 0x5a) || (ch >= 0x61 && ch <= 0x7a)).toUpperCase();
  if (!k) c.fail('expected a search key');
  if (FLAG_KEYS.has(k)) return { key: k } as K<'ALL'>;
  if (k === 'NOT') {
    c.sp();
    c.enter();
    const inner = parseSearchKey(c);
    c.leave();
    return { key: 'NOT', inner };
  }
  if (k === 'OR') {
    c.enter();
    c.sp();
    const left = parseSearchKey(c);
    c.sp();
    const right = parseSearchKey(c);
    c.leave();
    return { key: 'OR', left, right };
  }
  c.sp();
  if (k === 'KEYWORD' || k === 'UNKEYWORD') return { key: k, flag: c.atom('flag keyword') };
  if (TEXT_KEYS.has(k)) return { key: k, value: c.astring() } as K<'BODY'>;
  if (DATE_KEYS.has(k)) return { key: k, date: parseDate(c) } as K<'ON'>;
  switch (k) {
    case 'HEADER': {
      const field = c.astring('header field name');
      c.sp();
      return { key: 'HEADER', field, value: c.astring() };
    }
    case 'LARGER':
    case 'SMALLER':
      return { key: k, size: c.number64() };
    case 'UID':
      return { key: 'UID', set: parseSequenceSet(c) };
    case 'OLDER':
    case 'YOUNGER':
      return { key: k, seconds: c.nzNumber() };
    case 'EMAILID':
    case 'THREADID':
      return { key: k, id: c.atom('object id') };
    case 'MODSEQ':
      return parseModseqKey(c);
  }
  return c.fail(`unknown search key ${k}`);
}

/** RFC 7162 §3.1.5: MODSEQ [SP entry-name SP entry-type-req] SP mod-sequence-valzer. */
function parseModseqKey(c: Cursor): SearchKey {
  let entry: K<'MODSEQ'>['entry'] = null;
  if (c.peek() === 0x22 || c.atLiteral()) {
    const name = c.string();
    c.sp();
    const type = c.keyword('entry type').toLowerCase();
    if (type !== 'priv' && type !== 'shared' && type !== 'all') c.fail('bad entry type');
    c.sp();
    entry = { name, type };
  }
  return { key: 'MODSEQ', modseq: c.number64(), entry };
}

/** search-return-opts = SP "RETURN" SP "(" [search-return-opt *(SP search-return-opt)] ")". */
export function parseSearchReturn(c: Cursor): SearchReturn {
  const r: SearchReturn = { min: false, max: false, all: false, count: false, save: false };
  const opts = c.list(() => c.keyword('return option'), true);
  for (const o of opts) {
    if (o === 'MIN') r.min = true;
    else if (o === 'MAX') r.max = true;
    else if (o === 'ALL') r.all = true;
    else if (o === 'COUNT') r.count = true;
    else if (o === 'SAVE') r.save = true;
    else c.fail(`unknown search return option ${o}`);
  }
  // RFC 4731 §3.1: "RETURN ()" is the same as "RETURN (ALL)".
  if (opts.length === 0) r.all = true;
  return r;
}

/** The search keys after the optional charset: 1*(SP search-key), ANDed. */
function parseCriteria(c: Cursor): SearchKey {
  const keys: SearchKey[] = [parseSearchKey(c)];
  while (c.maybeSp()) keys.push(parseSearchKey(c));
  return keys.length === 1 ? keys[0]! : { key: 'AND', keys };
}

/** SEARCH [SP "RETURN" ...] [SP "CHARSET" SP charset] 1*(SP search-key) — after "SEARCH SP". */
export function parseSearchArgs(c: Cursor, uid: boolean): CommandArgs['SEARCH'] {
  let returnOpts: SearchReturn | null = null;
  let charset: string | null = null;
  if (c.takeWord('RETURN')) {
    c.sp();
    returnOpts = parseSearchReturn(c);
    c.sp();
  }
  if (c.takeWord('CHARSET')) {
    c.sp();
    charset = c.astring('charset');
    c.sp();
  }
  return { uid, charset, criteria: parseCriteria(c), returnOpts };
}

const SORT_KEYS = new Set<string>(['ARRIVAL', 'CC', 'DATE', 'FROM', 'SIZE', 'SUBJECT', 'TO', 'DISPLAYFROM', 'DISPLAYTO']);

/** RFC 5256 §3: SORT [RETURN (…)] SP sort-criteria SP charset 1*(SP search-key). RFC 5267 ESORT. */
export function parseSortArgs(c: Cursor, uid: boolean): CommandArgs['SORT'] {
  let returnOpts: SearchReturn | null = null;
  if (c.takeWord('RETURN')) {
    c.sp();
    returnOpts = parseSearchReturn(c);
    c.sp();
  }
  const keys = c.list(() => {
    const reverse = c.takeWord('REVERSE');
    if (reverse) c.sp();
    const key = c.keyword('sort key');
    if (!SORT_KEYS.has(key)) c.fail(`unknown sort key ${key}`);
    return { key: key as SortKeyName, reverse };
  });
  c.sp();
  const charset = c.astring('charset');
  c.sp();
  return { uid, keys, charset, criteria: parseCriteria(c), returnOpts };
}

/** RFC 5256 §3: THREAD SP thread-alg SP search-criteria (charset mandatory). */
export function parseThreadArgs(c: Cursor, uid: boolean): CommandArgs['THREAD'] {
  const algorithm = c.keyword('thread algorithm');
  c.sp();
  const charset = c.astring('charset');
  c.sp();
  return { uid, algorithm, charset, criteria: parseCriteria(c) };
}
