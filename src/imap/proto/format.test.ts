/** Response formatting, quoting, ENVELOPE/BODYSTRUCTURE, mailbox name codec. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ImapEnvelope, MimePart } from '../../mime/types.ts';
import { bodyStructureValue, envelopeValue, fetchItemName } from './body.ts';
import { atom, codes, formatDateTime, formatFlagFetch, formatFlagLine, formatResponse, formatValue, type Response, type ThreadNode } from './format.ts';
import { decodeMutf7, encodeMutf7, decodeMailboxName } from './mutf7.ts';
import { compressNumbers } from './sequence.ts';

const s = (r: Response, utf8 = false): string => formatResponse(r, { utf8 }).toString('utf8');

test('status responses, codes and continuation', () => {
  assert.equal(s({ type: 'tagged', tag: 'a1', status: 'OK', code: codes.appendUid(38505, [3955]), text: 'APPEND completed' }), 'a1 OK [APPENDUID 38505 3955] APPEND completed\r\n');
  assert.equal(s({ type: 'tagged', tag: 'a', status: 'NO', code: 'TOOBIG', text: 'too big\r\nsneaky' }), 'a NO [TOOBIG] too big sneaky\r\n');
  assert.equal(s({ type: 'untagged', status: 'BYE', text: 'bye' }), '* BYE bye\r\n');
  assert.equal(s({ type: 'continue', text: 'Ready' }), '+ Ready\r\n');
  assert.equal(s({ type: 'continue' }), '+ \r\n');
  assert.equal(codes.copyUid(7, [3, 4, 5, 9], [10, 11, 12, 8]), 'COPYUID 7 3:5,9 10:12,8');
});

test('untagged data', () => {
  assert.equal(s({ type: 'capability', caps: ['IMAP4rev2', 'IDLE'] }), '* CAPABILITY IMAP4rev2 IDLE\r\n');
  assert.equal(s({ type: 'enabled', caps: ['CONDSTORE'] }), '* ENABLED CONDSTORE\r\n');
  assert.equal(s({ type: 'flags', flags: ['\\Seen', '$Junk'] }), '* FLAGS (\\Seen $Junk)\r\n');
  assert.equal(s({ type: 'exists', count: 23 }), '* 23 EXISTS\r\n');
  assert.equal(s({ type: 'expunge', seq: 3 }), '* 3 EXPUNGE\r\n');
  assert.equal(s({ type: 'vanished', earlier: true, uids: [41, 43, 44, 45, 42, 100] }), '* VANISHED (EARLIER) 41:45,100\r\n');
  assert.equal(s({ type: 'list', attributes: ['\\HasNoChildren', '\\Sent'], delimiter: '/', mailbox: 'Élèves 2nde B' }), '* LIST (\\HasNoChildren \\Sent) "/" "&AMk-l&AOg-ves 2nde B"\r\n');
  assert.equal(s({ type: 'list', attributes: [], delimiter: '/', mailbox: 'Élèves', childInfo: ['SUBSCRIBED'] }, true), '* LIST () "/" "Élèves" ("CHILDINFO" ("SUBSCRIBED"))\r\n');
  assert.equal(s({ type: 'lsub', attributes: [], delimiter: null, mailbox: 'a"b' }), '* LSUB () NIL "a\\"b"\r\n');
  assert.equal(s({ type: 'status', mailbox: 'INBOX', items: [['MESSAGES', 2], ['UIDNEXT', 9]] }), '* STATUS "INBOX" (MESSAGES 2 UIDNEXT 9)\r\n');
  assert.equal(s({ type: 'esearch', tag: 'a5', uid: true, min: 1, max: 9, all: [1, 2, 3, 9], count: 4 }), '* ESEARCH (TAG "a5") UID MIN 1 MAX 9 ALL 1:3,9 COUNT 4\r\n');
  assert.equal(s({ type: 'search', numbers: [] }), '* SEARCH\r\n');
  assert.equal(s({ type: 'search', numbers: [2, 5], modseq: 917162500 }), '* SEARCH 2 5 (MODSEQ 917162500)\r\n');
  assert.equal(s({ type: 'sort', numbers: [5, 3] }), '* SORT 5 3\r\n');
  assert.equal(s({ type: 'quota', root: '', resources: [{ name: 'STORAGE', usage: 10, limit: 512 }] }), '* QUOTA "" (STORAGE 10 512)\r\n');
  assert.equal(s({ type: 'quotaroot', mailbox: 'INBOX', roots: [''] }), '* QUOTAROOT "INBOX" ""\r\n');
  assert.equal(s({ type: 'id', params: [['name', 'Préau'], ['os', null]] }), '* ID ("name" {6}\r\nPréau "os" NIL)\r\n');
  assert.equal(s({ type: 'id', params: null }), '* ID NIL\r\n');
  assert.equal(s({ type: 'namespace', personal: [['', '/']], other: null, shared: null }), '* NAMESPACE (("" "/")) NIL NIL\r\n');
});

test('THREAD nesting (RFC 5256 §4 example)', () => {
  const n = (id: number | null, ...children: ThreadNode[]): ThreadNode => ({ id, children });
  const r = s({ type: 'thread', threads: [n(2), n(3, n(6, n(4, n(23)), n(44, n(7, n(96)))))] });
  assert.equal(r, '* THREAD (2)(3 6 (4 23)(44 7 96))\r\n');
  assert.equal(s({ type: 'thread', threads: [n(null, n(3), n(5))] }), '* THREAD ((3)(5))\r\n');
  assert.equal(s({ type: 'thread', threads: [n(1, n(2, n(3)), n(null, n(4), n(5)))] }), '* THREAD (1 (2 3)((4)(5)))\r\n');
  // RFC 5256 §5: nothing found is a bare THREAD.
  assert.equal(s({ type: 'thread', threads: [] }), '* THREAD\r\n');
});

test('THREAD of a chain 50 000 levels deep and branching at every level', () => {
  let chain: ThreadNode = { id: 50_000, children: [] };
  for (let i = 49_999; i >= 1; i--) chain = { id: i, children: [chain] };
  const r = s({ type: 'thread', threads: [chain] });
  assert.ok(r.startsWith('* THREAD (1 2 3 ') && r.endsWith(' 49999 50000)\r\n'));
  let tree: ThreadNode = { id: 0, children: [] };
  for (let i = 1; i <= 20_000; i++) tree = { id: i, children: [tree, { id: -i, children: [] }] };
  const t = s({ type: 'thread', threads: [tree] });
  assert.ok(t.startsWith('* THREAD (20000 (19999 (19998 ') && t.includes('(1 (0)(-1))(-2))') && t.endsWith('(-19999))(-20000))\r\n'));
});

test('string forms: atom, quoted, literal, literal8, NIL', () => {
  const v = (x: Parameters<typeof formatValue>[0], utf8 = false) => formatValue(x, { utf8 }).toString('latin1');
  assert.equal(v(null), 'NIL');
  assert.equal(v(atom('\\Seen')), '\\Seen');
  assert.equal(v('a "b" \\c'), '"a \\"b\\" \\\\c"');
  assert.equal(v('two\r\nlines'), '{10}\r\ntwo\r\nlines');
  assert.equal(v('é'), '{2}\r\n\xc3\xa9');
  assert.equal(Buffer.from(v('é', true), 'latin1').toString('utf8'), '"é"');
  assert.equal(v('x'.repeat(2000)).slice(0, 8), '{2000}\r\n');
  assert.equal(v({ literal8: Buffer.from([0, 1]) }), '~{2}\r\n\0\x01');
  assert.equal(v([1, [2, null], 'x']), '(1 (2 NIL) "x")');
  assert.equal(v(Buffer.from('plain')), '"plain"');
});

test('FETCH with nested values and a literal body', () => {
  const r = formatResponse({ type: 'fetch', seq: 12, items: [['UID', 7], ['FLAGS', [atom('\\Seen')]], ['BODY[]', Buffer.from('a\r\nb')]] });
  assert.equal(r.toString(), '* 12 FETCH (UID 7 FLAGS (\\Seen) BODY[] {4}\r\na\r\nb)\r\n');
});

test('date-time', () => {
  assert.equal(formatDateTime(Date.UTC(1996, 6, 17, 9, 44, 25), -420), '17-Jul-1996 02:44:25 -0700');
  assert.equal(formatDateTime(Date.UTC(2024, 0, 5, 0, 0, 0)), '05-Jan-2024 00:00:00 +0000');
});

const env: ImapEnvelope = {
  date: 'Wed, 17 Jul 1996 02:23:25 -0700 (PDT)', subject: 'IMAP4rev2 WG mtg summary and minutes',
  from: [{ name: 'Terry Gray', adl: null, mailbox: 'gray', host: 'cac.washington.edu' }], sender: null, replyTo: [],
  to: [{ name: null, adl: null, mailbox: 'imap', host: 'cac.washington.edu' }], cc: null, bcc: null, inReplyTo: null, messageId: '<B27397-0100000@cac.washington.edu>',
};

test('ENVELOPE: sender and reply-to default to from (RFC 9051 §7.5.2)', () => {
  const out = formatValue(envelopeValue(env)).toString();
  const from = '(("Terry Gray" NIL "gray" "cac.washington.edu"))';
  assert.equal(out, `("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev2 WG mtg summary and minutes" ${from} ${from} ${from} ((NIL NIL "imap" "cac.washington.edu")) NIL NIL NIL "<B27397-0100000@cac.washington.edu>")`);
});

const part = (o: Partial<MimePart>): MimePart => ({
  partId: '1', type: 'text', subtype: 'plain', params: { charset: 'us-ascii' }, id: null, description: null, encoding: '7BIT', disposition: null,
  language: null, location: null, md5: null, headerStart: 0, bodyStart: 0, bodyEnd: 0, size: 3028, lines: 92, name: null, ...o,
});

test('BODYSTRUCTURE and BODY', () => {
  const root = part({ partId: '', type: 'multipart', subtype: 'mixed', params: { boundary: 'x' }, children: [
    part({ partId: '1' }),
    part({ partId: '2', type: 'application', subtype: 'pdf', params: { name: 'a.pdf' }, encoding: 'BASE64', size: 400, disposition: { type: 'attachment', params: { filename: 'a.pdf' } }, language: ['fr'] }),
    part({ partId: '3', type: 'message', subtype: 'rfc822', params: {}, size: 50, lines: 4, message: { envelope: env, root: part({ partId: '3.1', size: 10, lines: 1 }) } }),
  ] });
  const bs = formatValue(bodyStructureValue(root, true)).toString();
  assert.ok(bs.startsWith('(("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 3028 92 NIL NIL NIL NIL)("application" "pdf" ("name" "a.pdf") NIL NIL "BASE64" 400 NIL ("attachment" ("filename" "a.pdf")) "fr" NIL)("message" "rfc822" NIL NIL NIL "7BIT" 50 ("Wed'), bs);
  assert.ok(bs.endsWith(' ("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 10 1 NIL NIL NIL NIL) 4 NIL NIL NIL NIL) "mixed" ("boundary" "x") NIL NIL NIL)'), bs);
  const body = formatValue(bodyStructureValue(root.children![0]!, false)).toString();
  assert.equal(body, '("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 3028 92)');
});

test('FETCH item names drop PEEK and show the partial origin', () => {
  assert.equal(fetchItemName({ kind: 'BODY[]', peek: true, section: { part: [1, 2], text: 'HEADER.FIELDS', fields: ['From', 'X Y'] }, partial: { start: 10, length: 5 } }), 'BODY[1.2.HEADER.FIELDS (From "X Y")]<10>');
  assert.equal(fetchItemName({ kind: 'BINARY[]', peek: true, part: [1], partial: null }), 'BINARY[1]');
  assert.equal(fetchItemName({ kind: 'BINARY.SIZE', part: [] }), 'BINARY.SIZE[]');
  assert.equal(fetchItemName({ kind: 'RFC822.SIZE' }), 'RFC822.SIZE');
});

test('modified UTF-7 (RFC 3501 §5.1.3)', () => {
  const pairs: [string, string][] = [
    ['Élèves 2nde B', '&AMk-l&AOg-ves 2nde B'], ['~peter/mail/台北/日本語', '~peter/mail/&U,BTFw-/&ZeVnLIqe-'], ['A&B', 'A&-B'], ['Brouillons', 'Brouillons'], ['😀', '&2D3eAA-'],
  ];
  for (const [u, w] of pairs) {
    assert.equal(encodeMutf7(u), w);
    assert.equal(decodeMutf7(w), u);
  }
  for (const bad of ['&', '&Jjo!', 'é', '&2D0-', '&AM']) assert.throws(() => decodeMutf7(bad), /./, bad);
  assert.equal(decodeMailboxName('inBox', false), 'INBOX');
  assert.equal(decodeMailboxName('Élèves', false), 'Élèves');
});

test('compressNumbers', () => {
  assert.equal(compressNumbers([5, 1, 2, 3, 3, 9, 10]), '1:3,5,9:10');
  assert.equal(compressNumbers([]), '');
});

test('formatFlagFetch writes the same octets as the general formatter', () => {
  const cases: [number, number, string[], number][] = [[1, 1, [], 1], [42, 1001, ['\\Seen', '\\Flagged', '$Junk'], 99], [7, 3, ['$Forwarded'], 12345678901]];
  for (const [seq, uid, flags, modseq] of cases) {
    assert.equal(formatFlagFetch(seq, [['UID', uid], ['FLAGS', flags], ['MODSEQ', modseq]]), formatResponse({ type: 'fetch', seq, items: [['UID', uid], ['FLAGS', flags.map(atom)], ['MODSEQ', [modseq]]] }).toString());
    assert.equal(formatFlagFetch(seq, [['FLAGS', flags]]), formatResponse({ type: 'fetch', seq, items: [['FLAGS', flags.map(atom)]] }).toString());
  }
});

test('formatFlagLine (stored flags text) writes the same octets as the general formatter, in the asked order', () => {
  const cases: [number, number, string[], number][] = [[1, 1, [], 1], [42, 1001, ['\\Seen', '\\Flagged', '$Junk'], 99], [7, 3, ['$Forwarded'], 12345678901]];
  for (const [seq, uid, flags, modseq] of cases) {
    const text = flags.join(' ');
    assert.equal(formatFlagLine(seq, ['UID', 'FLAGS', 'MODSEQ'], uid, text, modseq), formatResponse({ type: 'fetch', seq, items: [['UID', uid], ['FLAGS', flags.map(atom)], ['MODSEQ', [modseq]]] }).toString());
    assert.equal(formatFlagLine(seq, ['FLAGS', 'UID'], uid, text, modseq), formatResponse({ type: 'fetch', seq, items: [['FLAGS', flags.map(atom)], ['UID', uid]] }).toString());
    assert.equal(formatFlagLine(seq, ['MODSEQ'], uid, text, modseq), formatResponse({ type: 'fetch', seq, items: [['MODSEQ', [modseq]]] }).toString());
  }
});
