/** Tests of transfer decoding, charsets, RFC 2047/2231 words, HTML to text and section helpers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeTransfer, decodeQuotedPrintable } from './decode.ts';
import { decodeCharset, decodeWords, parseStructured } from './words.ts';
import { ENTITIES, htmlToText } from './html-text.ts';
import { headerFields, sectionRange, findPart, parseMessageSync } from './index.ts';
import { messageIds, parseDate } from './message.ts';

const qp = (s: string): string => decodeQuotedPrintable(Buffer.from(s, 'latin1')).toString('latin1');

test('quoted-printable (RFC 2045 §6.7): escapes, soft breaks, padding, malformed', () => {
  const cases: [string, string][] = [
    ['caf=E9', 'caf\xe9'],
    ['caf=e9', 'caf\xe9'],
    ['soft=\r\nbreak', 'softbreak'],
    ['soft=  \r\nbreak', 'softbreak'],
    ['lf soft=\nbreak', 'lf softbreak'],
    ['padding   \r\nnext', 'padding\r\nnext'],
    ['padding \t\nnext', 'padding\nnext'],
    // An encoded space is data: the signature separator "-- " (RFC 3676 §4.3) keeps its space.
    ['--=20\r\nsig', '-- \r\nsig'],
    ['--=20\nsig', '-- \nsig'],
    ['a=09=20  \r\nb', 'a\t \r\nb'],
    ['bad =ZZ and =', 'bad =ZZ and '],
    ['=4', '=4'],
    ['a=\r', 'a=\r'],
    ['', ''],
  ];
  for (const [input, expected] of cases) assert.equal(qp(input), expected, JSON.stringify(input));
});

test('base64 (RFC 2045 §6.8) ignores line breaks and garbage; identity encodings pass through', () => {
  assert.equal(decodeTransfer(Buffer.from('Qm9u\r\nam91\r\nciA=\r\n'), 'BASE64').toString(), 'Bonjour ');
  assert.equal(decodeTransfer(Buffer.from('Qm9u!!am91cg'), 'base64').toString(), 'Bonjour');
  const raw = Buffer.from([0xe9, 0, 0xff]);
  for (const enc of ['7BIT', '8BIT', 'BINARY', 'X-UUENCODE']) assert.equal(decodeTransfer(raw, enc), raw);
});

test('charsets: declared, absent, unknown, UTF-7 refused, BOM dropped', () => {
  const cases: [Buffer, string | undefined, string][] = [
    [Buffer.from('r\xe9union', 'latin1'), 'iso-8859-1', 'réunion'],
    [Buffer.from('r\xe9union \x80', 'latin1'), 'windows-1252', 'réunion €'],
    [Buffer.from('réunion'), undefined, 'réunion'],
    [Buffer.from('r\xe9union', 'latin1'), undefined, 'réunion'],
    [Buffer.from('r\xe9union', 'latin1'), 'us-ascii', 'réunion'],
    [Buffer.from('réunion'), 'x-inconnu', 'réunion'],
    [Buffer.from('r\xe9union', 'latin1'), 'x-inconnu', 'réunion'],
    [Buffer.from('+ADw-script+AD4-'), 'utf-7', '+ADw-script+AD4-'],
    [Buffer.from('\ufeffbom'), 'utf-8', 'bom'],
    [Buffer.from('a\0b'), 'utf-8', 'a\uFFFDb'],
    [Buffer.from([0x82, 0xa0]), 'shift_jis', 'あ'],
  ];
  for (const [buf, cs, expected] of cases) assert.equal(decodeCharset(buf, cs), expected, `${cs}: ${expected}`);
});

test('RFC 2047 encoded-words: adjacent words joined, charsets, unknown charset fallback', () => {
  const cases: [string, string][] = [
    ['=?utf-8?Q?R=C3=A9union_parents-professeurs?=', 'Réunion parents-professeurs'],
    ['=?UTF-8?B?UsOpdW5pb24gcGFyZW50cy1wcm9mZXNzZXVycw==?=', 'Réunion parents-professeurs'],
    ['=?utf-8?Q?R=C3=A9union?= =?utf-8?Q?_parents?=', 'Réunion parents'],
    ['=?iso-8859-1?Q?R=E9union?= du jeudi', 'Réunion du jeudi'],
    ['=?utf-8?Q?R=C3?= =?utf-8?Q?=A9union?=', 'Réunion'],
    ['=?x-inconnu?Q?R=E9union?=', 'Réunion'],
    ['=?x-inconnu?Q?R=C3=A9union?=', 'Réunion'],
    ['=?utf-8*fr?Q?R=C3=A9union?=', 'Réunion'],
    ['pas de mot encodé', 'pas de mot encodé'],
    ['=?utf-8?Q?cass', '=?utf-8?Q?cass'],
  ];
  for (const [input, expected] of cases) assert.equal(decodeWords(input), expected, input);
});

test('RFC 2231 parameters: continuations, charset, percent-encoding; RFC 2047 in quoted names', () => {
  const cases: [string, string, Record<string, string>][] = [
    ["attachment; filename*=utf-8''compte-rendu%20r%C3%A9union.pdf", 'attachment', { filename: 'compte-rendu réunion.pdf' }],
    ["attachment; filename*0*=utf-8''compte-rendu%20r%C3%A9; filename*1*=union.pdf", 'attachment', { filename: 'compte-rendu réunion.pdf' }],
    ["attachment; filename*0*=iso-8859-1''compte-rendu%20r%E9; filename*1=\"union.pdf\"", 'attachment', { filename: 'compte-rendu réunion.pdf' }],
    ['attachment; filename="=?utf-8?Q?compte-rendu_r=C3=A9union.pdf?="', 'attachment', { filename: 'compte-rendu réunion.pdf' }],
    ["inline; FileName*=iso-8859-1'fr'r%E9union.pdf", 'inline', { filename: 'réunion.pdf' }],
    ['text/plain; charset="utf-8"; format=flowed', 'text/plain', { charset: 'utf-8', format: 'flowed' }],
    ['text/plain; __proto__=x; a=1', 'text/plain', { a: '1' }],
  ];
  for (const [input, value, params] of cases) {
    const r = parseStructured(input);
    assert.equal(r.value, value, input);
    assert.deepEqual({ ...r.params }, params, input);
  }
});

test('HTML to text: markup, skipped elements, entities, whitespace', () => {
  const cases: [string, string][] = [
    ['<p>Bonjour&nbsp;&agrave; tous</p><p>R&eacute;union &amp; caf&#233; &#x2014; &hellip;</p>', 'Bonjour à tous\n\nRéunion & café — …'],
    ['<html><head><title>T</title><style>p{}</style></head><body>a<script>x<y</script>b</body></html>', 'ab'],
    ['a<!-- commentaire --> b', 'a b'],
    ['ligne 1<br>ligne 2<br/>  ligne\n  3', 'ligne 1\nligne 2\nligne 3'],
    ['<table><tr><td>a</td><td>b</td></tr></table>', 'a b'],
    ['a < b et c > d', 'a < b et c > d'],
    ['<p>&unknown; &amp</p>', '&unknown; &amp'],
    ['<p>fin<', 'fin<'],
    ['<p>fin<b', 'fin'],
  ];
  for (const [html, text] of cases) assert.equal(htmlToText(html), text, html);
  assert.equal(ENTITIES.get('yuml'), 'ÿ');
  assert.equal(ENTITIES.get('nbsp'), '\u00a0');
});

test('message ids and dates (RFC 5322 §3.6.4, §3.3, §4.3)', () => {
  assert.deepEqual(messageIds('<a@b> <c@d>'), ['a@b', 'c@d']);
  assert.deepEqual(messageIds(' <a@b>(comment)'), ['a@b']);
  assert.deepEqual(messageIds('a@b'), ['a@b']);
  assert.deepEqual(messageIds(null), []);
  const many = Array.from({ length: 150 }, (_, i) => `<m${i}@x>`).join(' ');
  const ids = messageIds(many);
  assert.equal(ids.length, 100);
  assert.equal(ids[0], 'm0@x');
  assert.equal(ids[99], 'm149@x');
  const dates: [string, number | null][] = [
    ['Thu, 6 Mar 2025 16:45:10 +0100', Date.UTC(2025, 2, 6, 15, 45, 10)],
    ['6 Mar 2025 16:45 +0100', Date.UTC(2025, 2, 6, 15, 45)],
    ['Thu, 06 Mar 25 16:45:10 EST', Date.UTC(2025, 2, 6, 21, 45, 10)],
    ['Thu, 6 Mar 1999 16:45:10 CEST (heure de Paris)', Date.UTC(1999, 2, 6, 16, 45, 10)],
    ['Wed, 17 Jul 1996 02:23:25 -0700 (PDT)', Date.UTC(1996, 6, 17, 9, 23, 25)],
    ['2025-03-06T16:45:10Z', Date.UTC(2025, 2, 6, 16, 45, 10)],
    ['pas une date', null],
    ['', null],
    ['32 Foo 2025 10:00', null],
  ];
  for (const [v, t] of dates) assert.equal(parseDate(v), t, v);
});

test('sections: HEADER.FIELDS filtering keeps folding; non-multipart body is section 1', () => {
  const raw = Buffer.from('Subject: a\r\n b\r\nFrom: x@y\r\nTo: z@y\r\n\r\nbody\r\n');
  const m = parseMessageSync(raw);
  const header = sectionRange(m.root, 'HEADER');
  assert.ok(header);
  assert.equal(headerFields(raw, header, ['subject', 'TO']).toString(), 'Subject: a\r\n b\r\nTo: z@y\r\n\r\n');
  assert.equal(headerFields(raw, header, ['subject'], true).toString(), 'From: x@y\r\nTo: z@y\r\n\r\n');
  const one = sectionRange(m.root, '1');
  assert.deepEqual(one, { start: m.root.bodyStart, end: raw.length });
  assert.equal(sectionRange(m.root, '1.MIME')?.start, 0);
  assert.equal(sectionRange(m.root, '0'), null);
  assert.equal(sectionRange(m.root, '1.x'), null);
  assert.equal(findPart(m.root, '1.1'), null);
  assert.equal(findPart(m.root, '01'), null);
});
