/** Section numbering of RFC 9051 §6.4.5 (the example structure of that section). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMessageSync, findPart, sectionRange } from './index.ts';

const mp = (b: string, ...parts: string[]): string =>
  `Content-Type: multipart/mixed; boundary=${b}\r\n\r\n${parts.map((p) => `--${b}\r\n${p}\r\n`).join('')}--${b}--`;
const leaf = (type: string, body: string): string => `Content-Type: ${type}\r\n\r\n${body}`;
const msg = (subject: string, body: string): string => `Content-Type: message/rfc822\r\n\r\nSubject: ${subject}\r\n${body}`;

// RFC 9051 §6.4.5: HEADER, TEXT, 1, 2, 3, 3.HEADER, 3.TEXT, 3.1, 3.2, 4, 4.1, 4.1.MIME, 4.2,
// 4.2.HEADER, 4.2.TEXT, 4.2.1, 4.2.2, 4.2.2.1, 4.2.2.2
const raw = Buffer.from(
  `Subject: top\r\n${mp(
    'T',
    leaf('text/plain', 'p1'),
    leaf('application/octet-stream', 'p2'),
    msg('m3', mp('M3', leaf('text/plain', 'p3.1'), leaf('application/octet-stream', 'p3.2'))),
    mp(
      'F4',
      leaf('image/gif', 'p4.1'),
      msg('m42', mp('M42', leaf('text/plain', 'p4.2.1'), `Content-Type: multipart/alternative; boundary=A\r\n\r\n--A\r\n${leaf('text/plain', 'p4.2.2.1')}\r\n--A\r\n${leaf('text/richtext', 'p4.2.2.2')}\r\n--A--`)),
    ),
  )}\r\n`,
);

test('RFC 9051 §6.4.5 example: every section resolves to the right part and bytes', () => {
  const m = parseMessageSync(raw);
  const types: [string, string][] = [
    ['1', 'text/plain'],
    ['2', 'application/octet-stream'],
    ['3', 'message/rfc822'],
    ['3.1', 'text/plain'],
    ['3.2', 'application/octet-stream'],
    ['4', 'multipart/mixed'],
    ['4.1', 'image/gif'],
    ['4.2', 'message/rfc822'],
    ['4.2.1', 'text/plain'],
    ['4.2.2', 'multipart/alternative'],
    ['4.2.2.1', 'text/plain'],
    ['4.2.2.2', 'text/richtext'],
  ];
  for (const [id, type] of types) {
    const p = findPart(m.root, id);
    assert.ok(p, id);
    assert.equal(`${p.type}/${p.subtype}`, type, id);
    if (!p.children && p.type !== 'message') assert.equal(raw.toString('latin1', p.bodyStart, p.bodyEnd), `p${id}`, id);
  }
  const sec = (s: string): string | undefined => {
    const r = sectionRange(m.root, s);
    return r ? raw.toString('latin1', r.start, r.end) : undefined;
  };
  assert.equal(sec('HEADER'), 'Subject: top\r\nContent-Type: multipart/mixed; boundary=T\r\n\r\n');
  assert.ok(sec('TEXT')?.startsWith('--T\r\n'));
  assert.equal(sec('3.HEADER'), 'Subject: m3\r\nContent-Type: multipart/mixed; boundary=M3\r\n\r\n');
  assert.ok(sec('3.TEXT')?.startsWith('--M3\r\n'));
  assert.equal(sec('4.1.MIME'), 'Content-Type: image/gif\r\n\r\n');
  assert.equal(sec('4.2.HEADER'), 'Subject: m42\r\nContent-Type: multipart/mixed; boundary=M42\r\n\r\n');
  assert.ok(sec('4.2.TEXT')?.endsWith('--M42--'));
  assert.equal(sec('4.2.2.2'), 'p4.2.2.2');
  assert.equal(findPart(m.root, '5'), null);
  assert.equal(findPart(m.root, '4.3'), null);
  assert.equal(findPart(m.root, '1.1'), null);
});

test('a non-multipart embedded message: its body is ".1"; nested message/rfc822 roots number on', () => {
  const r = Buffer.from(`Subject: a\r\n${mp('X', leaf('text/plain', 'one'), msg('inner', '\r\ninner body'))}`);
  const m = parseMessageSync(r);
  const p = findPart(m.root, '2');
  const body = findPart(m.root, '2.1');
  assert.ok(p?.message && body);
  assert.equal(body, p.message.root);
  assert.equal(r.toString('latin1', body.bodyStart, body.bodyEnd), 'inner body');
  assert.equal(findPart(m.root, '2.2'), null);
  // a message whose own body is a message/rfc822: "1" is the embedded message, "1.1" its body
  const top = Buffer.from('Content-Type: message/rfc822\r\n\r\nSubject: in\r\n\r\ndeep');
  const t = parseMessageSync(top);
  assert.equal(findPart(t.root, '1'), t.root);
  const deep = findPart(t.root, '1.1');
  assert.ok(deep);
  assert.equal(top.toString('latin1', deep.bodyStart, deep.bodyEnd), 'deep');
  assert.equal(t.root.message?.envelope.subject, 'in');
  assert.equal(sectionRange(t.root, '1.HEADER')?.start, t.root.bodyStart);
});
