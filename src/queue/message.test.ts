/** Unit tests: line-ending normalisation (RFC 5321 §2.3.8), header access, From: addresses. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { longestLine, normaliseLineEndings, hasBareLineBreak, headerValues, fromAddresses, completeHeaders, headerEnd } from './message.ts';

test('bare CR and bare LF become CRLF; CRLF stays', () => {
  const cases: [string, string][] = [
    ['a\r\nb', 'a\r\nb'],
    ['a\nb', 'a\r\nb'],
    ['a\rb', 'a\r\nb'],
    ['a\r\r\nb', 'a\r\n\r\nb'],
    ['a\n\rb', 'a\r\n\r\nb'],
    ['\n.\n', '\r\n.\r\n'],
    ['\r.\r', '\r\n.\r\n'],
    ['end\r', 'end\r\n'],
    ['', ''],
  ];
  for (const [input, want] of cases) assert.equal(normaliseLineEndings(Buffer.from(input, 'latin1')).toString('latin1'), want, JSON.stringify(input));
});

test('property: the result never holds a bare CR or LF, is idempotent, and keeps every other byte in order', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.constantFrom('\r', '\n', '\r\n', '.', 'a'), { maxLength: 40 }), (bytes, extra) => {
      const input = Buffer.concat([Buffer.from(bytes), Buffer.from(extra.join(''), 'latin1')]);
      const out = normaliseLineEndings(input);
      assert.equal(hasBareLineBreak(out), false);
      assert.deepEqual(normaliseLineEndings(out), out);
      const strip = (b: Buffer) => Buffer.from([...b].filter((x) => x !== 0x0d && x !== 0x0a));
      assert.deepEqual(strip(out), strip(input));
    }),
  );
});

test('header values are unfolded; From: addresses of a group and several mailboxes', () => {
  const raw = Buffer.from('Subject: un\r\n deux\r\nFrom: "Durand, Alice" <Alice@AC-Test.fr>, b@ac-test.fr\r\nTo: Profs: x@y.fr, z@y.fr;\r\n\r\nFrom: body@x\r\n');
  assert.deepEqual(headerValues(raw, 'subject'), ['un deux']);
  assert.deepEqual(fromAddresses(raw), ['alice@ac-test.fr', 'b@ac-test.fr']);
  assert.deepEqual(fromAddresses(Buffer.from('Subject: none\r\n\r\n')), []);
  assert.equal(headerEnd(Buffer.from('\r\nbody')), 2);
});

test('Date and Message-ID are added when missing, never duplicated', () => {
  const a = completeHeaders(Buffer.from('From: a@b\r\n\r\nx'), { hostname: 'mail.ac-test.fr', now: 0 }).toString();
  assert.match(a, /^Date: Thu, 01 Jan 1970 00:00:00 \+0000\r\nMessage-ID: <[0-9a-f]{24}@mail\.ac-test\.fr>\r\nFrom: a@b/);
  const b = Buffer.from('Date: x\r\nMessage-ID: <y@z>\r\n\r\n');
  assert.equal(completeHeaders(b, { hostname: 'h', now: 0 }), b);
});

test('longest line, CRLF excluded', () => {
  assert.equal(longestLine(Buffer.from('ab\r\nabcd\r\n')), 4);
  assert.equal(longestLine(Buffer.from('abc')), 3);
  assert.equal(longestLine(Buffer.from('a\r\n' + 'x'.repeat(999))), 999);
  assert.equal(longestLine(Buffer.from('')), 0);
});
