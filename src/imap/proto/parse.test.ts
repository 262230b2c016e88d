/** Table-driven tests of the receiver + parser, each input fed whole and split at every octet. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { feed, splits, type Simple } from './test-support.ts';
import type { Request, SearchKey } from './types.ts';

const rq = (r: Request): Simple => ({ request: r });
const bad = (tag: string | null, error = 'IMAP_SYNTAX'): Simple => ({ error, tag, status: 'BAD', code: null, fatal: false });
const all = (n: number | '*', m: number | '*' = n) => [{ start: n, end: m }];
const noRet = { subscribed: false, children: false, specialUse: false, myRights: false, status: null };
const fetch = (tag: string, set: ReturnType<typeof all>, atts: object[], extra: object = {}): Simple =>
  rq({ tag, command: 'FETCH', args: { uid: false, set, atts, macro: null, changedSince: null, vanished: false, ...extra } } as Request);
const search = (tag: string, criteria: SearchKey, extra: object = {}): Simple =>
  rq({ tag, command: 'SEARCH', args: { uid: false, charset: null, criteria, returnOpts: null, ...extra } } as Request);

interface Case {
  name: string;
  input: string | Buffer;
  expect: Simple[];
}

const cases: Case[] = [
  { name: 'no-arg commands', input: 'a CAPABILITY\r\nb noop\r\nc LOGOUT\r\n', expect: [rq({ tag: 'a', command: 'CAPABILITY', args: {} }), rq({ tag: 'b', command: 'NOOP', args: {} }), rq({ tag: 'c', command: 'LOGOUT', args: {} })] },
  { name: 'more no-arg commands', input: 'a STARTTLS\r\nb CHECK\r\nc CLOSE\r\nd UNSELECT\r\ne IDLE\r\nf NAMESPACE\r\ng EXPUNGE\r\n', expect: [
    rq({ tag: 'a', command: 'STARTTLS', args: {} }), rq({ tag: 'b', command: 'CHECK', args: {} }), rq({ tag: 'c', command: 'CLOSE', args: {} }),
    rq({ tag: 'd', command: 'UNSELECT', args: {} }), rq({ tag: 'e', command: 'IDLE', args: {} }), rq({ tag: 'f', command: 'NAMESPACE', args: {} }),
    rq({ tag: 'g', command: 'EXPUNGE', args: { uids: null } })] },
  { name: 'LOGIN atoms, quoted with escapes', input: 'a1 LOGIN marie.curie "p\\"a\\\\ss word"\r\n', expect: [rq({ tag: 'a1', command: 'LOGIN', args: { username: 'marie.curie', password: 'p"a\\ss word' } })] },
  { name: 'LOGIN with synchronising literals', input: 'a1 LOGIN {5}\r\nmarie {4}\r\nx y"\r\n', expect: [{ literal: 5 }, { literal: 4 }, rq({ tag: 'a1', command: 'LOGIN', args: { username: 'marie', password: 'x y"' } })] },
  { name: 'LOGIN with LITERAL+', input: 'a1 LOGIN {5+}\r\nmarie {0+}\r\n\r\n', expect: [rq({ tag: 'a1', command: 'LOGIN', args: { username: 'marie', password: '' } })] },
  { name: 'literal-looking text inside a quoted string', input: 'a LOGIN u "{3}"\r\n', expect: [rq({ tag: 'a', command: 'LOGIN', args: { username: 'u', password: '{3}' } })] },
  { name: 'AUTHENTICATE with SASL-IR', input: 'a AUTHENTICATE PLAIN AGZvbwBiYXI=\r\nb authenticate plain =\r\nc AUTHENTICATE PLAIN\r\n', expect: [
    rq({ tag: 'a', command: 'AUTHENTICATE', args: { mechanism: 'PLAIN', initialResponse: 'AGZvbwBiYXI=' } }),
    rq({ tag: 'b', command: 'AUTHENTICATE', args: { mechanism: 'PLAIN', initialResponse: '=' } }),
    rq({ tag: 'c', command: 'AUTHENTICATE', args: { mechanism: 'PLAIN', initialResponse: null } })] },
  { name: 'ENABLE', input: 'e ENABLE CONDSTORE utf8=accept\r\n', expect: [rq({ tag: 'e', command: 'ENABLE', args: { capabilities: ['CONDSTORE', 'UTF8=ACCEPT'] } })] },
  { name: 'SELECT inbox case-insensitive, modified UTF-7', input: 's SELECT inbox\r\nt EXAMINE "&AMk-l&AOg-ves 2nde B" (CONDSTORE)\r\n', expect: [
    rq({ tag: 's', command: 'SELECT', args: { mailbox: 'INBOX', condstore: false, qresync: null } }),
    rq({ tag: 't', command: 'EXAMINE', args: { mailbox: 'Élèves 2nde B', condstore: true, qresync: null } })] },
  { name: 'SELECT QRESYNC with seq-match', input: 'A02 SELECT INBOX (QRESYNC (67890007 90060115194045000 1:29997 (5000,7500,9000,9990:9999 15000,22500,27000,29970,29973,29976,29979,29982,29985,29988,29991,29994,29997)))\r\n', expect: [
    rq({ tag: 'A02', command: 'SELECT', args: { mailbox: 'INBOX', condstore: false, qresync: { uidValidity: 67890007, modseq: Number.MAX_SAFE_INTEGER, knownUids: all(1, 29997),
      seqMatch: { seqs: [...all(5000), ...all(7500), ...all(9000), ...all(9990, 9999)], uids: [15000, 22500, 27000, 29970, 29973, 29976, 29979, 29982, 29985, 29988, 29991, 29994, 29997].map((n) => ({ start: n, end: n })) } } } })] },
  { name: 'CREATE with USE', input: 'c CREATE Archives/2024 (USE (\\Archive))\r\nd CREATE x\r\n', expect: [
    rq({ tag: 'c', command: 'CREATE', args: { mailbox: 'Archives/2024', specialUse: ['\\Archive'] } }),
    rq({ tag: 'd', command: 'CREATE', args: { mailbox: 'x', specialUse: [] } })] },
  { name: 'DELETE RENAME SUBSCRIBE UNSUBSCRIBE', input: 'a DELETE x\r\nb RENAME "a b" c\r\nc SUBSCRIBE y\r\nd UNSUBSCRIBE y\r\n', expect: [
    rq({ tag: 'a', command: 'DELETE', args: { mailbox: 'x' } }), rq({ tag: 'b', command: 'RENAME', args: { from: 'a b', to: 'c' } }),
    rq({ tag: 'c', command: 'SUBSCRIBE', args: { mailbox: 'y' } }), rq({ tag: 'd', command: 'UNSUBSCRIBE', args: { mailbox: 'y' } })] },
  { name: 'LIST basic and LSUB', input: 'l LIST "" *\r\nm LIST ~/Mail/ %\r\nn LSUB "" "%"\r\n', expect: [
    rq({ tag: 'l', command: 'LIST', args: { reference: '', patterns: ['*'], selection: [], returnOpts: noRet, extended: false } }),
    rq({ tag: 'm', command: 'LIST', args: { reference: '~/Mail/', patterns: ['%'], selection: [], returnOpts: noRet, extended: false } }),
    rq({ tag: 'n', command: 'LSUB', args: { reference: '', pattern: '%' } })] },
  { name: 'LIST-EXTENDED with RETURN STATUS', input: 'l LIST (SUBSCRIBED RECURSIVEMATCH) "" ("INBOX" Drafts/*) RETURN (CHILDREN SPECIAL-USE STATUS (MESSAGES UNSEEN SIZE))\r\n', expect: [
    rq({ tag: 'l', command: 'LIST', args: { reference: '', patterns: ['INBOX', 'Drafts/*'], selection: ['SUBSCRIBED', 'RECURSIVEMATCH'], extended: true,
      returnOpts: { subscribed: false, children: true, specialUse: true, myRights: false, status: ['MESSAGES', 'UNSEEN', 'SIZE'] } } })] },
  { name: 'STATUS', input: 's STATUS Sent (MESSAGES UIDNEXT UIDVALIDITY UNSEEN DELETED SIZE HIGHESTMODSEQ APPENDLIMIT)\r\n', expect: [
    rq({ tag: 's', command: 'STATUS', args: { mailbox: 'Sent', items: ['MESSAGES', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'DELETED', 'SIZE', 'HIGHESTMODSEQ', 'APPENDLIMIT'] } })] },
  { name: 'APPEND with flags and date', input: 'A003 APPEND saved-messages (\\Seen $Label) " 7-Feb-1994 21:52:25 -0800" {11}\r\nFrom: a\r\nxy\r\n', expect: [{ literal: 11 },
    rq({ tag: 'A003', command: 'APPEND', args: { mailbox: 'saved-messages', messages: [{ flags: ['\\Seen', '$Label'], date: Date.UTC(1994, 1, 8, 5, 52, 25), data: Buffer.from('From: a\r\nxy'), binary: false, utf8: false }] } })] },
  { name: 'MULTIAPPEND, literal8 and UTF8', input: 'a APPEND INBOX {1+}\r\nx ~{2+}\r\n\0y UTF8 (~{1+}\r\nz)\r\n', expect: [
    rq({ tag: 'a', command: 'APPEND', args: { mailbox: 'INBOX', messages: [
      { flags: [], date: null, data: Buffer.from('x'), binary: false, utf8: false },
      { flags: [], date: null, data: Buffer.from('\0y'), binary: true, utf8: false },
      { flags: [], date: null, data: Buffer.from('z'), binary: true, utf8: true }] } })] },
  { name: 'UID EXPUNGE', input: 'u UID EXPUNGE 3000:3002\r\n', expect: [rq({ tag: 'u', command: 'EXPUNGE', args: { uids: all(3000, 3002) } })] },
  { name: 'SEARCH simple and sequence set', input: 's SEARCH UNSEEN\r\nt SEARCH 1:*,$\r\nu SEARCH $\r\n', expect: [search('s', { key: 'UNSEEN' }), bad('t'), search('u', { key: 'SEQ', set: '$' })] },
  { name: 'SEARCH full grammar', input: 's UID SEARCH RETURN (MIN MAX COUNT SAVE) CHARSET UTF-8 OR (FROM "Élise" TO x) NOT KEYWORD $Junk HEADER X-Spam yes SENTSINCE "01-Jan-2024" BEFORE 2-feb-2024 LARGER 100 SMALLER 99999 UID 1:3 OLDER 3600 YOUNGER 60 MODSEQ 12 ANSWERED\r\n', expect: [
    rq({ tag: 's', command: 'SEARCH', args: { uid: true, charset: 'UTF-8', returnOpts: { min: true, max: true, all: false, count: true, save: true }, criteria: { key: 'AND', keys: [
      { key: 'OR', left: { key: 'AND', keys: [{ key: 'FROM', value: 'Élise' }, { key: 'TO', value: 'x' }] }, right: { key: 'NOT', inner: { key: 'KEYWORD', flag: '$Junk' } } },
      { key: 'HEADER', field: 'X-Spam', value: 'yes' }, { key: 'SENTSINCE', date: { year: 2024, month: 1, day: 1 } }, { key: 'BEFORE', date: { year: 2024, month: 2, day: 2 } },
      { key: 'LARGER', size: 100 }, { key: 'SMALLER', size: 99999 }, { key: 'UID', set: all(1, 3) }, { key: 'OLDER', seconds: 3600 }, { key: 'YOUNGER', seconds: 60 },
      { key: 'MODSEQ', modseq: 12, entry: null }, { key: 'ANSWERED' }] } } })] },
  { name: 'SEARCH RETURN () means ALL', input: 's SEARCH RETURN () ALL\r\n', expect: [search('s', { key: 'ALL' }, { returnOpts: { min: false, max: false, all: true, count: false, save: false } })] },
  { name: 'SEARCH literal string', input: 's SEARCH CHARSET UTF-8 SUBJECT {6}\r\nÉcole\r\n', expect: [{ literal: 6 }, search('s', { key: 'SUBJECT', value: 'École' }, { charset: 'UTF-8' })] },
  { name: 'FETCH macros and items', input: 'f FETCH 1:* ALL\r\ng FETCH 2 fast\r\nh FETCH 3 (UID RFC822.SIZE FLAGS BODYSTRUCTURE ENVELOPE INTERNALDATE MODSEQ BODY RFC822 RFC822.HEADER RFC822.TEXT)\r\n', expect: [
    fetch('f', all(1, '*'), [{ kind: 'FLAGS' }, { kind: 'INTERNALDATE' }, { kind: 'RFC822.SIZE' }, { kind: 'ENVELOPE' }], { macro: 'ALL' }),
    fetch('g', all(2), [{ kind: 'FLAGS' }, { kind: 'INTERNALDATE' }, { kind: 'RFC822.SIZE' }], { macro: 'FAST' }),
    fetch('h', all(3), ['UID', 'RFC822.SIZE', 'FLAGS', 'BODYSTRUCTURE', 'ENVELOPE', 'INTERNALDATE', 'MODSEQ', 'BODY', 'RFC822', 'RFC822.HEADER', 'RFC822.TEXT'].map((kind) => ({ kind })))] },
  { name: 'FETCH sections, partials, BINARY', input: 'f UID FETCH 4:2 (BODY[] BODY.PEEK[HEADER.FIELDS (From "Subject")]<10.20> BODY[1.2.MIME] BODY[3.TEXT] BINARY.PEEK[1]<0.5> BINARY.SIZE[2] BINARY[]) (CHANGEDSINCE 9 VANISHED)\r\n', expect: [
    fetch('f', all(4, 2), [
      { kind: 'BODY[]', peek: false, section: { part: [], text: null, fields: [] }, partial: null },
      { kind: 'BODY[]', peek: true, section: { part: [], text: 'HEADER.FIELDS', fields: ['From', 'Subject'] }, partial: { start: 10, length: 20 } },
      { kind: 'BODY[]', peek: false, section: { part: [1, 2], text: 'MIME', fields: [] }, partial: null },
      { kind: 'BODY[]', peek: false, section: { part: [3], text: 'TEXT', fields: [] }, partial: null },
      { kind: 'BINARY[]', peek: true, part: [1], partial: { start: 0, length: 5 } },
      { kind: 'BINARY.SIZE', part: [2] },
      { kind: 'BINARY[]', peek: false, part: [], partial: null }], { uid: true, changedSince: 9, vanished: true })] },
  { name: 'FETCH bad items', input: 'a FETCH 1 (FOO)\r\nb FETCH 1 BODY[MIME]\r\nc FETCH 0 FLAGS\r\nd FETCH 1 (FLAGS) (VANISHED)\r\n', expect: [bad('a'), bad('b'), bad('c'), bad('d')] },
  { name: 'STORE variants', input: 'a STORE 1 +FLAGS (\\Seen)\r\nb UID STORE 2:4 (UNCHANGEDSINCE 320162338) -FLAGS.SILENT \\Deleted $x\r\nc STORE $ FLAGS ()\r\n', expect: [
    rq({ tag: 'a', command: 'STORE', args: { uid: false, set: all(1), op: 'add', silent: false, flags: ['\\Seen'], unchangedSince: null } }),
    rq({ tag: 'b', command: 'STORE', args: { uid: true, set: all(2, 4), op: 'remove', silent: true, flags: ['\\Deleted', '$x'], unchangedSince: 320162338 } }),
    rq({ tag: 'c', command: 'STORE', args: { uid: false, set: '$', op: 'replace', silent: false, flags: [], unchangedSince: null } })] },
  { name: 'COPY MOVE UID', input: 'a COPY 2:4 Trash\r\nb UID MOVE 42 "Boîte"\r\n', expect: [
    rq({ tag: 'a', command: 'COPY', args: { uid: false, set: all(2, 4), mailbox: 'Trash' } }),
    rq({ tag: 'b', command: 'MOVE', args: { uid: true, set: all(42), mailbox: 'Boîte' } })] },
  { name: 'SORT and THREAD', input: 's UID SORT (REVERSE ARRIVAL SUBJECT) UTF-8 ALL\r\nt THREAD REFERENCES US-ASCII SINCE 1-Feb-1994\r\n', expect: [
    rq({ tag: 's', command: 'SORT', args: { uid: true, keys: [{ key: 'ARRIVAL', reverse: true }, { key: 'SUBJECT', reverse: false }], charset: 'UTF-8', criteria: { key: 'ALL' }, returnOpts: null } }),
    rq({ tag: 't', command: 'THREAD', args: { uid: false, algorithm: 'REFERENCES', charset: 'US-ASCII', criteria: { key: 'SINCE', date: { year: 1994, month: 2, day: 1 } } } })] },
  { name: 'QUOTA', input: 'a GETQUOTA ""\r\nb GETQUOTAROOT INBOX\r\nc SETQUOTA "" (STORAGE 512 MESSAGE 1000)\r\n', expect: [
    rq({ tag: 'a', command: 'GETQUOTA', args: { root: '' } }), rq({ tag: 'b', command: 'GETQUOTAROOT', args: { mailbox: 'INBOX' } }),
    rq({ tag: 'c', command: 'SETQUOTA', args: { root: '', limits: [{ resource: 'STORAGE', limit: 512 }, { resource: 'MESSAGE', limit: 1000 }] } })] },
  { name: 'ID and COMPRESS', input: 'a ID ("name" "Thunderbird" "version" NIL)\r\nb ID NIL\r\nc COMPRESS DEFLATE\r\n', expect: [
    rq({ tag: 'a', command: 'ID', args: { params: [['name', 'Thunderbird'], ['version', null]] } }), rq({ tag: 'b', command: 'ID', args: { params: null } }),
    rq({ tag: 'c', command: 'COMPRESS', args: { mechanism: 'DEFLATE' } })] },
  { name: 'bare LF and blank lines', input: '\r\na NOOP\n', expect: [rq({ tag: 'a', command: 'NOOP', args: {} })] },
  { name: 'errors keep the tag', input: 'x1 FROB\r\nx2 LOGIN a\r\n+ NOOP\r\nx3 NOOP extra\r\nx4 SELECT\r\n', expect: [bad('x1', 'IMAP_UNKNOWN_COMMAND'), bad('x2'), bad(null), bad('x3'), bad('x4')] },
  { name: 'NUL in quoted string', input: 'a LOGIN "a\0b" c\r\nb NOOP\r\n', expect: [bad('a'), rq({ tag: 'b', command: 'NOOP', args: {} })] },
];

for (const c of cases) {
  test(`parse: ${c.name}`, () => {
    const input = Buffer.isBuffer(c.input) ? c.input : Buffer.from(c.input, 'utf8');
    const limits = { maxNonSyncLiteral: null };
    assert.deepStrictEqual(feed([input], { limits }), c.expect);
    for (const chunks of splits(input)) assert.deepStrictEqual(feed(chunks, { limits }), c.expect, `split ${chunks.map((x) => x.length).join('+')}`);
  });
}
