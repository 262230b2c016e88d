/** THREAD=REFERENCES and ORDEREDSUBJECT against the rules of RFC 5256 §3, printed as §4 THREAD responses. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatResponse } from './proto/format.ts';
import { isReplyOrForward, MAX_THREAD_DEPTH, normalizeMessageId, referencesOf, threadOrderedSubject, threadReferences, unicodeCasemap, type ThreadMessage } from './thread-references.ts';

interface Spec {
  mid?: string | null;
  refs?: string | string[];
  irt?: string;
  subj?: string;
  /** Date header, minutes; default: the id (so mailbox order is date order). Null: no Date header. */
  at?: number | null;
  /** INTERNALDATE, minutes; default 0. */
  internal?: number;
}

/** Messages with ids 1..n (or the keys given); subject defaults to a distinct one per message. */
function msgs(specs: Record<number, Spec>): ThreadMessage[] {
  return Object.entries(specs).map(([k, s]) => {
    const id = Number(k);
    return {
      id,
      messageId: s.mid === undefined ? `<m${id}@ac-test.fr>` : s.mid,
      references: s.refs ?? null,
      inReplyTo: s.irt ?? null,
      subject: s.subj ?? `sujet ${id}`,
      sentAt: s.at === null ? null : (s.at ?? id) * 60_000,
      internalDate: (s.internal ?? 0) * 60_000,
    };
  });
}

const line = (threads: ReturnType<typeof threadReferences>): string => formatResponse({ type: 'thread', threads }).toString().trimEnd();
const refs = (specs: Record<number, Spec>): string => line(threadReferences(msgs(specs)));
const ordered = (specs: Record<number, Spec>): string => line(threadOrderedSubject(msgs(specs)));
const id = (n: number | string): string => `<m${n}@ac-test.fr>`;

const referenceCases: [name: string, specs: Record<number, Spec>, expected: string][] = [
  ['no message', {}, '* THREAD'],
  ['a chain through References', { 1: {}, 2: { refs: id(1) }, 3: { refs: `${id(1)} ${id(2)}` } }, '* THREAD (1 2 3)'],
  ['siblings nest, each in parentheses (§4)', { 1: {}, 2: { refs: id(1) }, 3: { refs: id(1) } }, '* THREAD (1 (2)(3))'],
  ['In-Reply-To when there is no References', { 1: {}, 2: { irt: id(1) } }, '* THREAD (1 2)'],
  ['only the first Message ID of In-Reply-To', { 1: {}, 2: {}, 3: { irt: `${id(2)} ${id(1)}` } }, '* THREAD (1)(2 3)'],
  ['In-Reply-To ignored when References has a valid ID', { 1: {}, 2: {}, 3: { refs: id(1), irt: id(2) } }, '* THREAD (1 3)(2)'],
  ['In-Reply-To without a valid Message ID: no parent', { 1: {}, 2: { irt: 'your message of Tuesday' } }, '* THREAD (1)(2)'],
  ['References without a valid ID falls back to In-Reply-To', { 1: {}, 2: { refs: 'garbage', irt: id(1) } }, '* THREAD (1 2)'],
  ['quoted msg-id equals the unquoted one (§3 note)', { 1: { mid: '<"01KF8JCEOCBS0045PS"@xxx.yyy.com>' }, 2: { refs: '<01KF8JCEOCBS0045PS@xxx.yyy.com>' } }, '* THREAD (1 2)'],
  ['Message ID comparison is case-sensitive', { 1: { mid: '<A@ac-test.fr>' }, 2: { refs: '<a@ac-test.fr>' } }, '* THREAD (1)(2)'],
  // (1.A) a reference to no message makes a dummy; (3) a dummy between two messages is spliced.
  ['dummy in the middle is removed, its children promoted', { 1: {}, 2: { refs: `${id(1)} ${id('gone')}` }, 3: { refs: `${id(1)} ${id('gone')}` } }, '* THREAD (1 (2)(3))'],
  ['dummy root with one child: the child is promoted', { 2: { refs: id('gone') } }, '* THREAD (2)'],
  ['dummy root with several children stays (§4 example "((3)(5))")', { 3: { refs: id('gone') }, 5: { refs: id('gone') } }, '* THREAD ((3)(5))'],
  ['chain of dummies above one message', { 4: { refs: `${id('x')} ${id('y')} ${id('z')}` } }, '* THREAD (4)'],
  ['chain of dummies above two siblings: one dummy left', { 4: { refs: `${id('x')} ${id('y')}` }, 6: { refs: `${id('x')} ${id('y')}` } }, '* THREAD ((4)(6))'],
  ['a dummy parent of a dummy with two messages under a message', { 1: {}, 7: { refs: `${id(1)} ${id('x')} ${id('y')}` }, 8: { refs: `${id(1)} ${id('x')}` } }, '* THREAD (1 (7)(8))'],
  // (1.A) an existing parent is kept (a truncated References must not move a message).
  ['first link wins in 1.A', { 1: {}, 2: {}, 3: { refs: `${id(1)} ${id('x')}` }, 4: { refs: `${id(2)} ${id('x')}` } }, '* THREAD (1 (3)(4))(2)'],
  // (1.B) the message's own References replace the parent presumed from another's.
  ['1.B replaces a presumed parent', { 1: {}, 2: { refs: `${id(1)} ${id(3)}` }, 3: { refs: id('y') } }, '* THREAD (1)(3 2)'],
  ['1.B with no references leaves the message without parent', { 1: {}, 2: { refs: `${id(1)} ${id(3)}` }, 3: {} }, '* THREAD (1)(3 2)'],
  // Loops.
  ['a message referencing itself', { 1: { refs: id(1) } }, '* THREAD (1)'],
  ['two messages referencing each other', { 1: { refs: id(2) }, 2: { refs: id(1) } }, '* THREAD (2 1)'],
  ['a References loop among dummies', { 1: { refs: `${id('a')} ${id('b')} ${id('a')}` } }, '* THREAD (1)'],
  ['a longer loop is cut where it would close', { 1: { refs: id(3) }, 2: { refs: id(1) }, 3: { refs: id(2) } }, '* THREAD (3 1 2)'],
  // (1.A) duplicates: only the lowest number keeps the Message-ID.
  ['duplicate Message-ID: the first keeps it', { 1: { mid: id('d') }, 2: { mid: id('d') }, 3: { refs: id('d') } }, '* THREAD (1 3)(2)'],
  ['duplicate Message-ID: the second cannot be a parent', { 1: { mid: id('d') }, 2: { mid: id('d'), refs: id('d') } }, '* THREAD (1 2)'],
  ['no Message-ID at all', { 1: { mid: null }, 2: { mid: null }, 3: { refs: id(1) } }, '* THREAD (1)(2)(3)'],
  // (4)/(6) order: threads by their first message's sent date, siblings by sent date, ties by number.
  ['threads by sent date, not by number', { 1: { at: 30 }, 2: { at: 10 }, 3: { at: 20 } }, '* THREAD (2)(3)(1)'],
  ['siblings by sent date', { 1: {}, 2: { refs: id(1), at: 50 }, 3: { refs: id(1), at: 40 } }, '* THREAD (1 (3)(2))'],
  ['a dummy sorts as its earliest child', { 1: { at: 20 }, 2: { refs: id('x'), at: 30 }, 3: { refs: id('x'), at: 10 } }, '* THREAD ((3)(2))(1)'],
  ['equal dates: mailbox order', { 1: { at: 5 }, 2: { at: 5 }, 3: { at: 5 } }, '* THREAD (1)(2)(3)'],
  ['no Date header: the internal date (§2.2)', { 1: { at: 30 }, 2: { at: null, internal: 40 }, 3: { at: null, internal: 10 } }, '* THREAD (3)(1)(2)'],
  // (5) subject gathering.
  ['"Re: x" without references joins "x"', { 1: { subj: 'Réunion' }, 2: { subj: 'Re: Réunion' } }, '* THREAD (1 2)'],
  ['the original becomes the parent even when later', { 1: { subj: 'Re: Réunion' }, 2: { subj: 'Réunion' } }, '* THREAD (2 1)'],
  ['two originals: a dummy holds both', { 1: { subj: 'Réunion' }, 2: { subj: 'RÉUNION' } }, '* THREAD ((1)(2))'],
  ['two replies: a dummy holds both', { 1: { subj: 'Re: Réunion' }, 2: { subj: 'Fwd: Réunion' } }, '* THREAD ((1)(2))'],
  ['a third original goes under the new dummy', { 1: { subj: 'x' }, 2: { subj: 'x' }, 3: { subj: 'x' } }, '* THREAD ((1)(2)(3))'],
  ['a list tag is not a reply', { 1: { subj: '[liste] Conseil' }, 2: { subj: 'Conseil' } }, '* THREAD ((1)(2))'],
  ['"(fwd)" and "[fwd: ...]" are forwards', { 1: { subj: 'Conseil' }, 2: { subj: 'Conseil (fwd)' }, 3: { subj: '[Fwd: Conseil]' } }, '* THREAD (1 (2)(3))'],
  ['a dummy thread takes a message of the same subject', { 1: { subj: 'Conseil', at: 1 }, 2: { subj: 'Re: Conseil', refs: id('x'), at: 2 }, 3: { subj: 'Re: Conseil', refs: id('x'), at: 3 } }, '* THREAD ((1)(2)(3))'],
  ['two dummy threads merge their children', { 1: { subj: 'Re: a', refs: id('x') }, 2: { subj: 'Re: a', refs: id('x') }, 3: { subj: 'Re: a', refs: id('y') }, 4: { subj: 'Re: a', refs: id('y') } }, '* THREAD ((1)(2)(3)(4))'],
  ['a thread merges by its root subject only', { 1: { subj: 'a' }, 2: { subj: 'b', refs: id(1) }, 3: { subj: 'Re: b' } }, '* THREAD (1 2)(3)'],
  ['a reply thread goes under the original with its subtree', { 1: { subj: 'a' }, 2: { subj: 'Re: a', refs: id('x') }, 3: { subj: 'Re: a', refs: id(2) } }, '* THREAD (1 2 3)'],
  ['empty subjects are never gathered', { 1: { subj: '' }, 2: { subj: 'Re:' } }, '* THREAD (1)(2)'],
  // §4 example, built from References.
  ['the §4 example', { 2: {}, 3: {}, 4: { refs: `${id(3)} ${id(6)}` }, 6: { refs: id(3) }, 7: { refs: `${id(3)} ${id(6)} ${id(44)}` }, 23: { refs: id(4) }, 44: { refs: `${id(3)} ${id(6)}` }, 96: { refs: id(7) } }, '* THREAD (2)(3 6 (4 23)(44 7 96))'],
];

for (const [name, specs, expected] of referenceCases) {
  test(`REFERENCES: ${name}`, () => {
    assert.equal(refs(specs), expected);
    // The input order does not matter: the algorithm works in mailbox order (ascending number).
    assert.equal(line(threadReferences(msgs(specs).reverse())), expected);
  });
}

test('ORDEREDSUBJECT: threads by base subject, ordered by first date, children flat (§3)', () => {
  const specs: Record<number, Spec> = {
    1: { subj: 'Conseil', at: 10 },
    2: { subj: 'Cantine', at: 5 },
    3: { subj: 'Re: conseil', at: 30, refs: id(2) },
    4: { subj: 'Fwd: Conseil', at: 20 },
    5: { subj: 'Re: Cantine', at: 1 },
    6: { subj: 'Sortie', at: 40 },
  };
  // References play no part; "Re: Cantine" (5) is the oldest of its subject, hence the root.
  assert.equal(ordered(specs), '* THREAD (5 2)(1 (4)(3))(6)');
  assert.equal(ordered({ 1: { subj: '' }, 2: { subj: 'Re:' } }), '* THREAD (1 2)');
  assert.equal(ordered({}), '* THREAD');
});

test('references: References first, else the first valid In-Reply-To', () => {
  assert.deepEqual(referencesOf({ references: '<a@x> <b@x>', inReplyTo: '<c@x>' }), ['a@x', 'b@x']);
  assert.deepEqual(referencesOf({ references: 'a@x b@x', inReplyTo: null }), ['a@x', 'b@x']);
  assert.deepEqual(referencesOf({ references: ['<a@x>', 'nonsense'], inReplyTo: null }), ['a@x']);
  assert.deepEqual(referencesOf({ references: null, inReplyTo: '<c@x> (message from Paul <paul@x>)' }), ['c@x']);
  assert.deepEqual(referencesOf({ references: '', inReplyTo: 'not an id' }), []);
  assert.equal(normalizeMessageId('<"a\\"b c"@x.fr>'), 'a"bc@x.fr');
  assert.equal(normalizeMessageId('<nothing>'), null);
});

test('reply or forward: a subj-refwd, a "(fwd)" trailer or "[fwd: ]" is removed (§3, §2.1)', () => {
  const cases: [string, boolean][] = [
    ['Re: x', true], ['RE : x', true], ['Fw: x', true], ['FWD[2]: x', true], ['[liste] Re: x', true], ['[a] [b] re: x', true],
    ['x (fwd)', true], ['x (FWD)  ', true], ['[fwd: x]', true], ['=?UTF-8?Q?Re=3A_r=C3=A9union?=', true], ['Re:', true],
    ['x', false], ['[liste] x', false], ['Rebuild: x', false], ['Re x', false], ['[fwd: x] y', false], ['x (fwd) y', false], ['', false], ['[only]', false],
  ];
  for (const [s, expected] of cases) assert.equal(isReplyOrForward(s), expected, s);
});

test('i;unicode-casemap: case-insensitive, accents kept (RFC 5051)', () => {
  assert.equal(unicodeCasemap('Réunion'), unicodeCasemap('RÉUNION'));
  assert.equal(unicodeCasemap('re\u0301union'), unicodeCasemap('réunion'));
  assert.notEqual(unicodeCasemap('Réunion'), unicodeCasemap('Reunion'));
});

test('a reply chain of 20 000 messages (deeper than the formatter could recurse) does not exhaust the stack', () => {
  const n = 20_000;
  const chain = msgs(Object.fromEntries(Array.from({ length: n }, (_, i) => [i + 1, i ? { refs: id(i) } : {}])));
  const out = formatResponse({ type: 'thread', threads: threadReferences(chain) }).toString();
  // Every message printed once; the chain is cut at MAX_THREAD_DEPTH (the formatter recurses per level).
  const numbers = out.match(/\d+/g)!.map(Number);
  assert.equal(numbers.length, n);
  assert.equal(new Set(numbers).size, n);
  assert.ok(out.startsWith(`* THREAD (${Array.from({ length: MAX_THREAD_DEPTH }, (_, i) => i + 1).join(' ')} (${MAX_THREAD_DEPTH + 1})(`));
});
