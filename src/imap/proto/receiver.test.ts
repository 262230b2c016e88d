/** Receiver limits and hostile inputs. RFC 7888 §4–5 (TOOBIG), RFC 9051 §4.3. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Receiver } from './receiver.ts';
import { feed, splits } from './test-support.ts';

const noop = (tag: string) => ({ request: { tag, command: 'NOOP', args: {} } });

test('huge synchronising literal announcement → NO [TOOBIG], session continues', () => {
  const input = Buffer.from('a LOGIN {99999999999999999999}\r\nb NOOP\r\n');
  const expect = [{ error: 'IMAP_TOOBIG', tag: 'a', status: 'NO', code: 'TOOBIG', fatal: false }, noop('b')];
  assert.deepStrictEqual(feed([input]), expect);
  for (const ch of splits(input)) assert.deepStrictEqual(feed(ch), expect);
});

test('APPEND over the APPENDLIMIT → NO [TOOBIG] before any octet is read', () => {
  const ev = feed([Buffer.from('a APPEND INBOX {101}\r\n')], { limits: { maxAppendLiteral: 100 } });
  assert.deepStrictEqual(ev, [{ error: 'IMAP_TOOBIG', tag: 'a', status: 'NO', code: 'TOOBIG', fatal: false }]);
  const ok = feed([Buffer.from('a APPEND INBOX {100}\r\n')], { limits: { maxAppendLiteral: 100 } });
  assert.deepStrictEqual(ok, [{ literal: 100 }]);
});

test('before sign-in APPEND gets the small literal limit', () => {
  const r = new Receiver();
  r.appendAllowed = false;
  r.push(Buffer.from('a APPEND INBOX {70000}\r\n'));
  const e = r.next();
  assert.equal(e.kind === 'error' && e.code, 'TOOBIG');
});

test('a literal in LOGIN is bounded lower than APPEND', () => {
  const ev = feed([Buffer.from('a LOGIN {70000}\r\n')]);
  assert.equal((ev[0] as { code: string }).code, 'TOOBIG');
});

test('LITERAL-: non-synchronising literal over 4096 → BAD [TOOBIG], octets skipped', () => {
  const big = 'x'.repeat(5000);
  const input = Buffer.from(`a APPEND INBOX {5000+}\r\n${big} {3+}\r\nabc\r\nb NOOP\r\n`);
  const expect = [{ error: 'IMAP_TOOBIG', tag: 'a', status: 'BAD', code: 'TOOBIG', fatal: false }, noop('b')];
  assert.deepStrictEqual(feed([input]), expect);
  assert.deepStrictEqual(feed([...input].map((b) => Buffer.from([b]))), expect);
  // With LITERAL+ the same literal is accepted.
  const ok = feed([input], { limits: { maxNonSyncLiteral: null } });
  assert.equal((ok[0] as { request: { command: string } }).request.command, 'APPEND');
});

test('LITERAL+: {n+} of any size up to the literal limit is accepted; over it BAD [TOOBIG], octets skipped', () => {
  const limits = { maxNonSyncLiteral: null, maxAppendLiteral: 20000, maxOtherLiteral: 1000 };
  const ok = feed([Buffer.from(`a APPEND INBOX {20000+}\r\n${'y'.repeat(20000)}\r\n`)], { limits });
  assert.equal((ok[0] as { request: { command: string } }).request.command, 'APPEND');
  // RFC 7888 §4 choice 1: read the announced octets, reject the command, serve the next one.
  const input = Buffer.from(`a LOGIN {1001+}\r\n${'x'.repeat(1001)} {3+}\r\nabc\r\nb NOOP\r\n`);
  const expect = [{ error: 'IMAP_TOOBIG', tag: 'a', status: 'BAD', code: 'TOOBIG', fatal: false }, noop('b')];
  assert.deepStrictEqual(feed([input], { limits }), expect);
  assert.deepStrictEqual(feed([...input].map((b) => Buffer.from([b])), { limits }), expect);
  // Choice 2 past the APPEND limit: the octets are not read, BYE [TOOBIG].
  const big = feed([Buffer.from('a APPEND INBOX {20001+}\r\n')], { limits });
  assert.deepStrictEqual(big, [{ error: 'IMAP_TOOBIG', tag: 'a', status: 'BAD', code: 'TOOBIG', fatal: true }]);
});

test('non-synchronising literal beyond any limit → fatal', () => {
  const ev = feed([Buffer.from('a APPEND INBOX {4294967295+}\r\n')]);
  assert.deepStrictEqual(ev, [{ error: 'IMAP_TOOBIG', tag: 'a', status: 'BAD', code: 'TOOBIG', fatal: true }]);
});

test('overlong line → fatal, with or without its CRLF', () => {
  const limits = { maxLineLength: 1000 };
  const long = 'a NOOP ' + 'x'.repeat(2000);
  for (const input of [long, long + '\r\n']) {
    const ev = feed([Buffer.from(input)], { limits });
    assert.deepStrictEqual(ev, [{ error: 'IMAP_LINE_TOO_LONG', tag: 'a', status: 'BAD', code: null, fatal: true }]);
  }
  // Arriving slowly it is detected as soon as the buffer passes the limit (memory stays bounded).
  const r = new Receiver({ limits });
  let fatal = false;
  for (let i = 0; i < 20 && !fatal; i++) {
    r.push(Buffer.from('y'.repeat(100)));
    const e = r.next();
    fatal = e.kind === 'error' && e.fatal;
    assert.ok(r.buffered <= 1100);
  }
  assert.ok(fatal);
});

test('deep nesting → BAD, not a stack overflow', () => {
  const parens = 'a SEARCH ' + '('.repeat(40) + 'ALL' + ')'.repeat(40) + '\r\n';
  const nots = 'b SEARCH ' + 'NOT '.repeat(40) + 'ALL\r\n';
  const ors = 'c SEARCH ' + 'OR ALL '.repeat(10000) + 'ALL\r\n';
  const ev = feed([Buffer.from(parens + nots + ors + 'd NOOP\r\n')], { limits: { maxLineLength: 200_000 } });
  assert.deepStrictEqual(ev.map((e) => ('error' in e ? e.error : 'ok')), ['IMAP_NESTING', 'IMAP_NESTING', 'IMAP_NESTING', 'ok']);
  const shallow = feed([Buffer.from('a SEARCH ' + '('.repeat(30) + 'ALL' + ')'.repeat(30) + '\r\n')]);
  assert.ok('request' in shallow[0]!);
});

test('1000 literals in one command → BAD after the limit, rest skipped', () => {
  const body = 'SUBJECT {1+}\r\nx '.repeat(1000);
  const input = Buffer.from(`a SEARCH ${body}ALL\r\nb NOOP\r\n`);
  const ev = feed([input]);
  assert.deepStrictEqual(ev, [{ error: 'IMAP_TOO_MANY_LITERALS', tag: 'a', status: 'BAD', code: null, fatal: false }, noop('b')]);
  const sync = feed([Buffer.from('a SEARCH ' + 'SUBJECT {1}\r\nx '.repeat(101) + 'ALL\r\n')]);
  assert.equal(sync.filter((e) => 'literal' in e).length, 100);
  assert.deepStrictEqual(sync[100], { error: 'IMAP_TOO_MANY_LITERALS', tag: 'a', status: 'BAD', code: null, fatal: false });
});

test('NUL and binary garbage produce BAD, not exceptions', () => {
  const ev = feed([Buffer.from('\0\0\0\r\na NOOP\0\r\n\xff\xfe LOGIN\r\nb NOOP\r\n', 'latin1')]);
  assert.deepStrictEqual(ev.map((e) => ('error' in e ? `BAD ${e.tag}` : 'ok')), ['BAD null', 'BAD a', 'BAD null', 'ok']);
});

test('nextLine reads DONE and AUTHENTICATE data between commands', () => {
  const r = new Receiver();
  r.push(Buffer.from('i IDLE\r\nDO'));
  const e = r.next();
  assert.equal(e.kind === 'request' && e.request.command, 'IDLE');
  assert.deepStrictEqual(r.nextLine(), { kind: 'need-more' });
  r.push(Buffer.from('NE\r\nn NOOP\r\n'));
  assert.deepStrictEqual(r.nextLine(), { kind: 'line', text: 'DONE' });
  const n = r.next();
  assert.equal(n.kind === 'request' && n.request.tag, 'n');
  assert.ok(r.idle);
});

test('utf8 mode takes mailbox names as UTF-8, not modified UTF-7', () => {
  const r = new Receiver({ utf8: true });
  r.push(Buffer.from('a SELECT "&AMk-"\r\n'));
  const e = r.next();
  assert.equal(e.kind === 'request' && e.request.command === 'SELECT' && e.request.args.mailbox, '&AMk-');
});
