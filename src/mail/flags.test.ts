/** IMAP flag ⇄ JMAP keyword mapping and normalisation. RFC 9051 §2.3.2, RFC 8621 §4.1.1. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFlagOp, flagToKeyword, flagsToKeywords, formatFlags, keywordToFlag, keywordsToFlags, normaliseFlag, parseFlags, sameFlags, withDeletedOf } from './flags.ts';

test('system flags map to JMAP keywords both ways; \\Deleted has none', () => {
  for (const [f, k] of [['\\Seen', '$seen'], ['\\Answered', '$answered'], ['\\Flagged', '$flagged'], ['\\Draft', '$draft']]) {
    assert.equal(flagToKeyword(f), k);
    assert.equal(flagToKeyword(f.toUpperCase()), k);
    assert.equal(keywordToFlag(k), f);
    assert.equal(keywordToFlag(k.toUpperCase()), f);
  }
  assert.equal(flagToKeyword('\\Deleted'), null);
  assert.equal(flagToKeyword('\\Recent'), null);
  assert.deepEqual(flagsToKeywords(['\\Seen', '\\Deleted', '$Junk', 'NonJunk']), { $seen: true, $junk: true, nonjunk: true });
  assert.deepEqual(keywordsToFlags({ $seen: true, $junk: true, $flagged: false, $forwarded: true }), ['\\Seen', '$Junk', '$Forwarded']);
  assert.throws(() => keywordsToFlags(['bad keyword']));
});

test('normalisation: canonical case, invalid flags dropped, case-insensitive de-duplication', () => {
  assert.equal(normaliseFlag('\\SEEN'), '\\Seen');
  assert.equal(normaliseFlag('\\Recent'), null);
  assert.equal(normaliseFlag('\\Foo'), null);
  assert.equal(normaliseFlag('$mdnsent'), '$MDNSent');
  assert.equal(normaliseFlag('a(b'), null);
  assert.equal(normaliseFlag('x'.repeat(256)), null);
  assert.equal(formatFlags(['\\seen', '\\Seen', 'Label', 'label', '$junk']), '\\Seen Label $Junk');
  assert.deepEqual(parseFlags(''), []);
  assert.deepEqual(parseFlags('\\Seen  $Junk'), ['\\Seen', '$Junk']);
});

test('STORE operations and \\Deleted kept per placement', () => {
  assert.deepEqual(applyFlagOp(['\\Seen'], 'add', ['\\Flagged', '\\seen']), ['\\Seen', '\\Flagged']);
  assert.deepEqual(applyFlagOp(['\\Seen', '$Junk'], 'remove', ['$JUNK']), ['\\Seen']);
  assert.deepEqual(applyFlagOp(['\\Seen'], 'set', []), []);
  assert.ok(sameFlags(['\\Seen', 'a'], ['A', '\\seen']));
  assert.ok(!sameFlags(['\\Seen'], ['\\Seen', 'a']));
  assert.deepEqual(withDeletedOf(['\\Seen', '\\Deleted'], []), ['\\Seen']);
  assert.deepEqual(withDeletedOf(['\\Seen'], ['\\Deleted']), ['\\Seen', '\\Deleted']);
});
