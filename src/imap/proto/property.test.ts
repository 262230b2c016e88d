/** Property tests: random bytes never throw; written requests parse back to themselves. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Receiver } from './receiver.ts';
import { writeRequest } from './request-writer.ts';
import { feed } from './test-support.ts';
import { formatValue } from './format.ts';
import { Cursor } from './reader.ts';
import type { FetchAtt, Request, SearchKey, SeqRange, SequenceSet, StatusItem } from './types.ts';

const limits = { maxNonSyncLiteral: null, maxLineLength: 1 << 20 };

test('random bytes, in random chunks, never throw', () => {
  const token = fc.constantFrom('a ', 'LOGIN ', 'FETCH ', 'SEARCH ', 'APPEND ', 'UID ', '{3}\r\n', '{2+}\r\n', '~{1}\r\n', '"', '\\', '(', ')', '[', ']', '<', '>', '*', '$', ':', ',', '1', '\r\n', '\n', ' ', '\0', '\xff', 'NOT ', 'OR ', 'BODY[', 'INBOX');
  const bytes = fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.array(token, { maxLength: 60 }).map((t) => Uint8Array.from(Buffer.from(t.join(''), 'latin1'))));
  fc.assert(
    fc.property(bytes, fc.array(fc.nat(300), { maxLength: 5 }), fc.boolean(), (data, cuts, lines) => {
      const r = new Receiver({ limits: { maxLineLength: 200, maxOtherLiteral: 50 } });
      const buf = Buffer.from(data);
      const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
      let prev = 0;
      for (const p of [...points, buf.length]) {
        r.push(buf.subarray(prev, p));
        prev = p;
        for (let i = 0; i < 1000; i++) {
          const e = lines && r.idle && i % 2 ? r.nextLine() : r.next();
          if (e.kind === 'need-more') break;
          if (e.kind === 'error' && e.fatal) return;
        }
      }
    }),
    { numRuns: 2000 },
  );
});

const tag = fc.stringMatching(/^[A-Za-z0-9.]{1,8}$/);
const text = fc.string({ unit: 'binary', maxLength: 20 });
const mailbox = fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }).filter((s) => s.toUpperCase() !== 'INBOX' || s === 'INBOX');
const nz = fc.integer({ min: 1, max: 0xffffffff });
const seqNum = fc.oneof(nz, fc.constant<'*'>('*'));
const range: fc.Arbitrary<SeqRange> = fc.tuple(seqNum, fc.option(seqNum, { nil: undefined })).map(([start, end]) => ({ start, end: end ?? start }));
const seqSet: fc.Arbitrary<SequenceSet> = fc.oneof({ weight: 9, arbitrary: fc.array(range, { minLength: 1, maxLength: 5 }) }, { weight: 1, arbitrary: fc.constant<'$'>('$') });
const keyword = fc.stringMatching(/^[A-Za-z$][A-Za-z0-9_]{0,10}$/);
const flag = fc.oneof(fc.constantFrom('\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'), keyword);
const flags = fc.uniqueArray(flag, { maxLength: 4 });
const modseq = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const date = fc.record({ year: fc.integer({ min: 1, max: 9999 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }) });

const { key: searchKey } = fc.letrec<{ key: SearchKey }>((tie) => ({
  key: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<SearchKey>(...(['ALL', 'ANSWERED', 'DELETED', 'DRAFT', 'FLAGGED', 'NEW', 'OLD', 'RECENT', 'SEEN', 'UNANSWERED', 'UNDELETED', 'UNDRAFT', 'UNFLAGGED', 'UNSEEN'] as const).map((key) => ({ key }))),
    fc.record({ key: fc.constantFrom('KEYWORD' as const, 'UNKEYWORD' as const), flag: keyword }),
    fc.record({ key: fc.constantFrom('BCC' as const, 'BODY' as const, 'CC' as const, 'FROM' as const, 'SUBJECT' as const, 'TEXT' as const, 'TO' as const), value: text }),
    fc.record({ key: fc.constant('HEADER' as const), field: keyword, value: text }),
    fc.record({ key: fc.constantFrom('BEFORE' as const, 'ON' as const, 'SINCE' as const, 'SENTBEFORE' as const, 'SENTON' as const, 'SENTSINCE' as const), date }),
    fc.record({ key: fc.constantFrom('LARGER' as const, 'SMALLER' as const), size: modseq }),
    fc.record({ key: fc.constantFrom('UID' as const, 'SEQ' as const), set: seqSet }),
    fc.record({ key: fc.constantFrom('OLDER' as const, 'YOUNGER' as const), seconds: nz }),
    fc.record({ key: fc.constant('MODSEQ' as const), modseq, entry: fc.option(fc.record({ name: fc.stringMatching(/^[\x20-\x7e]{0,12}$/), type: fc.constantFrom('priv' as const, 'shared' as const, 'all' as const) }), { nil: null }) }),
    fc.record({ key: fc.constant('NOT' as const), inner: tie('key') }),
    fc.record({ key: fc.constant('OR' as const), left: tie('key'), right: tie('key') }),
    fc.record({ key: fc.constant('AND' as const), keys: fc.array(tie('key'), { minLength: 2, maxLength: 3 }) }),
  ),
}));

const part = fc.array(nz, { maxLength: 3 });
const partial = fc.option(fc.record({ start: fc.nat(), length: nz }), { nil: null });
const fetchAtt: fc.Arbitrary<FetchAtt> = fc.oneof(
  fc.constantFrom<FetchAtt>(...(['ENVELOPE', 'FLAGS', 'INTERNALDATE', 'RFC822', 'RFC822.HEADER', 'RFC822.SIZE', 'RFC822.TEXT', 'BODY', 'BODYSTRUCTURE', 'UID', 'MODSEQ'] as const).map((kind) => ({ kind }))),
  fc.record({ kind: fc.constant('BINARY[]' as const), peek: fc.boolean(), part, partial }),
  fc.record({ kind: fc.constant('BINARY.SIZE' as const), part }),
  fc.tuple(fc.boolean(), part, fc.constantFrom(null, 'HEADER', 'HEADER.FIELDS', 'HEADER.FIELDS.NOT', 'TEXT', 'MIME'), fc.array(keyword, { minLength: 1, maxLength: 3 }), partial)
    .filter(([, p, t]) => !(t === 'MIME' && p.length === 0))
    .map(([peek, p, t, f, pa]) => ({ kind: 'BODY[]' as const, peek, section: { part: p, text: t as never, fields: t === 'HEADER.FIELDS' || t === 'HEADER.FIELDS.NOT' ? f : [] }, partial: pa })),
);

const statusItems = fc.uniqueArray(fc.constantFrom<StatusItem>('MESSAGES', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'DELETED', 'SIZE', 'RECENT', 'HIGHESTMODSEQ', 'APPENDLIMIT', 'MAILBOXID'), { minLength: 1 });
const ret = fc.option(fc.record({ min: fc.boolean(), max: fc.boolean(), all: fc.boolean(), count: fc.boolean(), save: fc.boolean() }).map((r) => (Object.values(r).some(Boolean) ? r : { ...r, all: true })), { nil: null });

const request: fc.Arbitrary<Request> = fc.oneof(
  fc.record({ tag, command: fc.constant('LOGIN' as const), args: fc.record({ username: text, password: text }) }),
  fc.record({ tag, command: fc.constantFrom('SELECT' as const, 'EXAMINE' as const), args: fc.record({ mailbox, condstore: fc.boolean(), qresync: fc.constant(null) }) }),
  fc.record({ tag, command: fc.constant('CREATE' as const), args: fc.record({ mailbox, specialUse: fc.uniqueArray(fc.constantFrom('\\Drafts', '\\Sent', '\\Junk', '\\Archive')) }) }),
  fc.record({ tag, command: fc.constantFrom('DELETE' as const, 'SUBSCRIBE' as const, 'UNSUBSCRIBE' as const), args: fc.record({ mailbox }) }),
  fc.record({ tag, command: fc.constant('RENAME' as const), args: fc.record({ from: mailbox, to: mailbox }) }),
  fc.record({ tag, command: fc.constant('STATUS' as const), args: fc.record({ mailbox, items: statusItems }) }),
  fc.record({ tag, command: fc.constant('APPEND' as const), args: fc.record({ mailbox, messages: fc.array(fc.record({ flags, date: fc.constant(null), data: fc.uint8Array({ maxLength: 50 }).map((u) => Buffer.from(u)), binary: fc.boolean(), utf8: fc.constant(false) }), { minLength: 1, maxLength: 3 }) }) }),
  fc.record({ tag, command: fc.constant('EXPUNGE' as const), args: fc.record({ uids: fc.option(seqSet, { nil: null }) }) }),
  fc.record({ tag, command: fc.constant('SEARCH' as const), args: fc.record({ uid: fc.boolean(), charset: fc.constantFrom(null, 'UTF-8'), criteria: searchKey, returnOpts: ret }) }),
  fc.record({ tag, command: fc.constant('FETCH' as const), args: fc.tuple(fc.boolean(), seqSet, fc.array(fetchAtt, { minLength: 1, maxLength: 5 }), fc.option(modseq, { nil: null }), fc.boolean())
    .map(([uid, set, atts, changedSince, v]) => ({ uid, set, atts, macro: null, changedSince, vanished: v && uid && changedSince !== null })) }),
  fc.record({ tag, command: fc.constant('STORE' as const), args: fc.record({ uid: fc.boolean(), set: seqSet, op: fc.constantFrom('replace' as const, 'add' as const, 'remove' as const), silent: fc.boolean(), flags, unchangedSince: fc.option(modseq, { nil: null }) }) }),
  fc.record({ tag, command: fc.constantFrom('COPY' as const, 'MOVE' as const), args: fc.record({ uid: fc.boolean(), set: seqSet, mailbox }) }),
  fc.record({ tag, command: fc.constant('THREAD' as const), args: fc.record({ uid: fc.boolean(), algorithm: fc.constantFrom('REFERENCES', 'ORDEREDSUBJECT'), charset: fc.constant('UTF-8'), criteria: searchKey }) }),
  fc.record({ tag, command: fc.constant('ID' as const), args: fc.record({ params: fc.option(fc.array(fc.tuple(fc.stringMatching(/^[a-z-]{1,10}$/), fc.option(text, { nil: null })), { maxLength: 5 }), { nil: null }) }) }),
  fc.record({ tag, command: fc.constant('SETQUOTA' as const), args: fc.record({ root: text, limits: fc.array(fc.record({ resource: fc.constantFrom('STORAGE', 'MESSAGE'), limit: modseq }), { maxLength: 2 }) }) }),
  fc.record({ tag, command: fc.constant('ENABLE' as const), args: fc.record({ capabilities: fc.array(fc.stringMatching(/^[A-Z][A-Z0-9=+-]{0,10}$/), { minLength: 1, maxLength: 3 }) }) }),
) as fc.Arbitrary<Request>;

/** Copies fast-check's null-prototype records into plain objects (Buffers kept). */
function plain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object' && !Buffer.isBuffer(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

test('write → parse round trip, whole and in random chunks', () => {
  fc.assert(
    fc.property(request, fc.array(fc.nat(), { maxLength: 4 }), (generated, cuts) => {
      const req = plain(generated) as Request;
      const wire = writeRequest(req);
      const whole = feed([wire], { limits });
      assert.deepStrictEqual(whole, [{ request: req }], wire.toString('latin1'));
      const points = [...new Set(cuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b);
      const chunks: Buffer[] = [];
      let prev = 0;
      for (const p of [...points, wire.length]) chunks.push(wire.subarray(prev, (prev = p)));
      assert.deepStrictEqual(feed(chunks, { limits }), whole);
    }),
    { numRuns: 1500 },
  );
});

test('formatted strings read back as the same string (quoted or literal)', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 1100 }), fc.boolean(), (str, utf8) => {
      const out = formatValue(str, { utf8 });
      if (out[0] === 0x22) {
        const c = new Cursor([{ literal: false, data: out }], { utf8, maxNesting: 32 });
        assert.equal(c.string(), str);
        assert.ok(c.atEnd());
        assert.ok(utf8 || !/[^\x00-\x7f]/.test(str), '8-bit text is quoted only with UTF-8 on');
      } else {
        const m = /^\{(\d+)\}\r\n/.exec(out.toString('latin1'));
        assert.ok(m, out.toString('latin1').slice(0, 20));
        const body = out.subarray(m[0].length);
        assert.equal(body.length, Number(m[1]));
        assert.equal(body.toString('utf8'), str);
      }
    }),
    { numRuns: 1000 },
  );
});
