/** Hostile and malformed inputs: the parser never throws, never hangs and keeps its limits. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseMessage, findPart, type MimePart, type ParsedMessage } from './index.ts';
import { checkInvariants } from './invariants.ts';
import { MAX_DEPTH, MAX_PARTS } from './tree.ts';
import { MAX_VALUE } from './header.ts';

// Loose bound: the real figures are milliseconds; this only catches a hang or a quadratic blow-up.
const TIME_LIMIT_MS = 5000;

async function timedParse(raw: Buffer): Promise<ParsedMessage> {
  const t0 = performance.now();
  const m = await parseMessage(raw);
  const ms = performance.now() - t0;
  assert.ok(ms < TIME_LIMIT_MS, `parse took ${ms.toFixed(0)} ms`);
  assert.equal(checkInvariants(raw, m), null);
  return m;
}

function depthOf(p: MimePart): number {
  const kids = [...(p.children ?? []), ...(p.message ? [p.message.root] : [])];
  return 1 + Math.max(0, ...kids.map(depthOf));
}

function countParts(p: MimePart): number {
  return 1 + (p.children ?? []).reduce((n, c) => n + countParts(c), 0) + (p.message ? countParts(p.message.root) : 0);
}

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

test('empty message and a lone line break', async () => {
  for (const raw of [Buffer.alloc(0), b('\r\n'), b('\n'), b('\r')]) {
    const m = await timedParse(raw);
    assert.equal(m.root.type, 'text');
    assert.deepEqual(m.textBody, ['1']);
    assert.equal(m.subject, '');
    assert.equal(m.envelope.from, null);
  }
});

test('a 1 MB single header line, a 1 MB line without colon, a header without any line break', async () => {
  const big = 'a'.repeat(1024 * 1024);
  const m1 = await timedParse(b(`Subject: ${big}\r\nFrom: x@y.fr\r\n\r\nbody`));
  assert.equal(m1.envelope.subject?.length, MAX_VALUE - 1); // the space after the colon is trimmed
  assert.ok(m1.headers[0].value.length <= 8 * 1024);
  assert.equal(m1.from[0].email, 'x@y.fr');
  const m2 = await timedParse(b(`From: x@y.fr\r\n${big}\r\n\r\nbody`));
  assert.equal(m2.root.bodyStart, 14); // the invalid line starts the body
  const m3 = await timedParse(b(`To: ${'z@y.fr, '.repeat(200_000)}`));
  assert.equal(m3.root.bodyStart, m3.size);
  assert.ok(m3.to.length > 1000);
});

test('a 200-level multipart bomb is cut at the nesting limit', async () => {
  let raw = '';
  for (let i = 0; i < 200; i++) raw += `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n`;
  raw += 'Content-Type: text/plain\r\n\r\nfond\r\n';
  for (let i = 199; i >= 0; i--) raw += `--b${i}--\r\n`;
  const m = await timedParse(b(raw));
  assert.equal(depthOf(m.root), MAX_DEPTH + 1);
  let p: MimePart = m.root;
  while (p.children) p = p.children[0];
  assert.equal(p.type, 'application');
  assert.equal(p.declaredType, 'multipart/mixed');
});

test('a 200-level message/rfc822 bomb and a multipart with 10 000 parts', async () => {
  const nested = 'Content-Type: message/rfc822\r\n\r\n'.repeat(200) + 'Subject: fond\r\n\r\nx';
  const m = await timedParse(b(nested));
  assert.equal(depthOf(m.root), MAX_DEPTH + 1);
  const many = 'Content-Type: multipart/mixed; boundary=x\r\n\r\n' + '--x\r\n\r\np\r\n'.repeat(10_000) + '--x--\r\n';
  const m2 = await timedParse(b(many));
  assert.ok(countParts(m2.root) <= MAX_PARTS);
  assert.ok(countParts(m2.root) >= MAX_PARTS - 1);
});

test('NUL bytes, 8-bit garbage, unknown charsets in headers and bodies', async () => {
  const raw = Buffer.concat([
    b('From: \x00\xff\xfe <\x00@\x80>\r\nSubject: =?x-nope?B?AAAA?= \x00\r\nContent-Type: text/plain; charset="\x00\xff"\r\n\r\n'),
    Buffer.from([0, 0xff, 0x80, 0xc3, 0, 0x0a, 0xe9, 0x00]),
  ]);
  const m = await timedParse(raw);
  assert.ok(!m.text.includes('\0'));
  assert.ok(!m.subject.includes('\0'));
  const m2 = await timedParse(b('Content-Type: text/html; charset=klingon\r\n\r\n<p>caf\xe9 &eacute;t&#xe9; &#0; &bogus;</p>'));
  assert.equal(m2.text, 'café été \uFFFD &bogus;');
});

test('broken MIME: prefix boundaries, CR-only lines, empty boundary, unterminated HTML', async () => {
  const prefix = await timedParse(b('Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\n\r\none\r\n--ab\r\nnot a delimiter\r\n--a--\r\n'));
  assert.equal(prefix.root.children?.length, 1);
  assert.equal(prefix.text, 'one\n--ab\nnot a delimiter');
  await timedParse(b('Subject: x\rFrom: y\r\r\rbody\r'));
  const empty = await timedParse(b('Content-Type: multipart/mixed; boundary=""\r\n\r\n--\r\nx\r\n'));
  assert.equal(empty.root.children?.length, 1);
  const html = await timedParse(b(`Content-Type: text/html\r\n\r\n<p>vu</p>${'<a'.repeat(300_000)}`));
  assert.equal(html.text, 'vu');
  await timedParse(b(`Content-Type: text/html\r\n\r\nok<!--${'-'.repeat(100_000)}`));
  await timedParse(b(`Content-Type: text/html\r\n\r\nok<script>${'x<'.repeat(100_000)}`));
  await timedParse(b(`Content-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${'='.repeat(100_000)}`));
  await timedParse(b(`Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n${'!@#$'.repeat(100_000)}`));
});

test('work per line is bounded: nested boundaries that prefix each other, millions of short lines', async () => {
  // 50 nested multiparts with boundaries "a", "aa", ...; every body line is a candidate delimiter for all of them
  let head = '';
  let tail = '';
  for (let i = 1; i <= 50; i++) {
    head += `Content-Type: multipart/mixed; boundary=${'a'.repeat(i)}\r\n\r\n--${'a'.repeat(i)}\r\n`;
    tail = `\r\n--${'a'.repeat(i)}--${tail}`;
  }
  const lines = `--${'a'.repeat(60)}x\r\n`.repeat(Math.floor((8 * 1024 * 1024) / 65));
  await timedParse(b(`${head}Content-Type: text/plain\r\n\r\n${lines}${tail}`));
  // 50 nested messages around 8 MB of empty lines: lines counted once, not 50 times
  const nested = 'Content-Type: message/rfc822\r\n\r\n'.repeat(50) + 'Subject: fond\r\n\r\n' + '\n'.repeat(8 * 1024 * 1024);
  const m = await timedParse(b(nested));
  assert.equal(m.root.lines, 8 * 1024 * 1024 + 2 * 50);
  // a header of four million continuation lines
  await timedParse(b(`Subject: x\n${' \n'.repeat(4_000_000)}\nbody`));
});

test('a header flood keeps the first fields', async () => {
  const m = await timedParse(b(`${'X-Flood: y\r\n'.repeat(100_000)}Subject: late\r\n\r\nbody`));
  assert.equal(m.headers.length, 500);
  assert.equal(m.subject, ''); // past the 1000-field limit
  assert.equal(m.root.bodyStart, m.size - 4);
});

test('every prefix of a nested message parses with valid offsets', async () => {
  const raw = readFileSync(new URL('../../testdata/mime/nested.eml', import.meta.url));
  for (let n = 0; n <= raw.length; n++) {
    const cut = raw.subarray(0, n);
    const m = await parseMessage(cut);
    assert.equal(checkInvariants(cut, m), null, `prefix ${n}`);
  }
});

test('a 25 MB message with a big base64 attachment parses fast without copying it', async (t) => {
  const attachment = Buffer.alloc(18 * 1024 * 1024);
  for (let i = 0; i < attachment.length; i += 4096) attachment[i] = i & 0xff;
  const b64 = attachment.toString('base64').replace(/.{76}/g, '$&\r\n');
  const raw = Buffer.from(
    'From: a@ac-exemple.fr\r\nSubject: gros\r\nContent-Type: multipart/mixed; boundary=Z\r\n\r\n' +
      '--Z\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nVoir la pièce jointe.\r\n' +
      `--Z\r\nContent-Type: application/zip; name=archive.zip\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64}\r\n--Z--\r\n`,
  );
  assert.ok(raw.length > 24 * 1024 * 1024);
  const before = process.memoryUsage().arrayBuffers;
  const t0 = performance.now();
  const m = await timedParse(raw);
  const ms = performance.now() - t0;
  const grown = process.memoryUsage().arrayBuffers - before;
  assert.ok(grown < 16 * 1024 * 1024, `parse allocated ${grown} bytes of buffers`);
  assert.equal(m.attachments[0].name, 'archive.zip');
  assert.ok(Math.abs(m.attachments[0].size - attachment.length) < 8, `size ${m.attachments[0].size}`);
  assert.equal(m.text, 'Voir la pièce jointe.');
  const p = findPart(m.root, '2');
  assert.equal(p?.bodyEnd, raw.length - '\r\n--Z--\r\n'.length);
  t.diagnostic(`25 MB parse: ${ms.toFixed(1)} ms`);
});
