/** Property tests (fast-check): random and mutated input never throws and keeps offsets nested; generated MIME round-trips. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parseMessageSync, findPart, type MimePart } from './index.ts';
import { checkInvariants } from './invariants.ts';

const check = (raw: Buffer): void => {
  const m = parseMessageSync(raw);
  const err = checkInvariants(raw, m);
  if (err) throw new Error(err);
};

test('random bytes never throw and all offsets are within the message and nested', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => check(Buffer.from(bytes))),
    { numRuns: 500 },
  );
});

// Random text made of the characters MIME cares about, so that fields, folds and delimiters occur.
const mimeish = fc
  .array(fc.constantFrom('Content-Type: ', 'multipart/mixed; boundary=b', 'message/rfc822', '--b', '--', '\r\n', '\n', ':', ' ', 'a', '=?utf-8?B?w6k=?=', '\0', '\xe9'), { maxLength: 200 })
  .map((parts) => Buffer.from(parts.join(''), 'latin1'));

test('random MIME-like text never throws and keeps offsets nested', () => {
  fc.assert(fc.property(mimeish, check), { numRuns: 1000 });
});

test('random byte edits of a real message never throw', () => {
  const base = readFileSync(new URL('../../testdata/mime/nested.eml', import.meta.url));
  const edit = fc.record({ at: fc.nat({ max: base.length - 1 }), del: fc.nat({ max: 40 }), ins: fc.uint8Array({ maxLength: 40 }) });
  fc.assert(
    fc.property(fc.array(edit, { minLength: 1, maxLength: 8 }), (edits) => {
      let raw = base;
      for (const e of edits) {
        const at = Math.min(e.at, raw.length);
        raw = Buffer.concat([raw.subarray(0, at), Buffer.from(e.ins), raw.subarray(Math.min(raw.length, at + e.del))]);
      }
      check(raw);
    }),
    { numRuns: 500 },
  );
});

/** A generated well-formed entity: leaves carry a body, multiparts carry children. */
type Gen = { kind: 'leaf'; body: string } | { kind: 'multi'; children: Gen[] };

const genTree: fc.Arbitrary<Gen> = fc.letrec<{ node: Gen }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ kind: fc.constant('leaf' as const), body: fc.stringMatching(/^[a-z0-9 .]{0,30}(\n[a-z0-9 .]{1,30}){0,3}$/) }),
    fc.record({ kind: fc.constant('multi' as const), children: fc.array(tie('node'), { minLength: 1, maxLength: 4 }) }),
  ),
})).node;

/** Serialises a tree with line ending `nl`; records each leaf's expected body by section number. */
function serialise(g: Gen, nl: string, id: string, bodies: Map<string, string>, depth: number): string {
  if (g.kind === 'leaf') {
    const body = g.body.replaceAll('\n', nl);
    bodies.set(id === '' ? '1' : id, body);
    return `Content-Type: text/plain${nl}${nl}${body}`;
  }
  const bnd = `=_b${depth}_${id.replaceAll('.', '_')}`;
  let s = `Content-Type: multipart/mixed; boundary="${bnd}"${nl}${nl}preamble${nl}`;
  g.children.forEach((c, i) => {
    s += `--${bnd}${nl}${serialise(c, nl, id === '' ? String(i + 1) : `${id}.${i + 1}`, bodies, depth + 1)}${nl}`;
  });
  return `${s}--${bnd}--${nl}epilogue`;
}

test('generated multipart trees round-trip: every leaf body is found at its section', () => {
  fc.assert(
    fc.property(genTree, fc.constantFrom('\r\n', '\n'), (g, nl) => {
      const bodies = new Map<string, string>();
      const raw = Buffer.from(`Subject: gen${nl}${serialise(g, nl, '', bodies, 0)}`);
      const m = parseMessageSync(raw);
      assert.equal(checkInvariants(raw, m), null);
      for (const [id, body] of bodies) {
        const p: MimePart | null = findPart(m.root, id);
        assert.ok(p, `part ${id}`);
        assert.equal(raw.toString('utf8', p.bodyStart, p.bodyEnd), body, `body of ${id}`);
        assert.equal(p.type, 'text');
      }
    }),
    { numRuns: 300 },
  );
});
