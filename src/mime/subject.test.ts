/** Tests of the RFC 5256 §2.1 base subject. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { baseSubject, FRENCH_PREFIXES } from './subject.ts';

test('base subject (RFC 5256 §2.1 steps 1-6)', () => {
  const cases: [string, string][] = [
    ['Réunion', 'Réunion'],
    ['Re: Réunion', 'Réunion'],
    ['RE: re: Fwd: Réunion', 'Réunion'],
    ['RE : Réunion', 'Réunion'], // *WSP before ":" (French typography)
    ['Fw: Réunion', 'Réunion'],
    ['Re[2]: Réunion', 'Réunion'], // subj-refwd with a subj-blob
    ['[liste-profs] Re: Réunion', 'Réunion'], // subj-blob before subj-refwd
    ['[liste-profs] Réunion', 'Réunion'], // (4) blob removed as a non-empty base remains
    ['[liste-profs]', '[liste-profs]'], // (4) not removed: nothing would remain
    ['Réunion (fwd)', 'Réunion'],
    ['Réunion (FWD)  (fwd) ', 'Réunion'],
    ['[Fwd: Réunion]', 'Réunion'], // (6)
    ['Re: [Fwd: Re: Réunion (fwd)]', 'Réunion'],
    ['  Re:\t  Réunion  ', 'Réunion'],
    ['=?utf-8?Q?Re=3A_R=C3=A9union?=', 'Réunion'], // (1) encoded-words decoded first
    ['Re: =?utf-8?Q?R=C3=A9union?=\r\n =?utf-8?Q?_parents?=', 'Réunion parents'],
    ['Réunion:  ordre  du   jour', 'Réunion: ordre du jour'],
    ['Reunion', 'Reunion'], // "re" not followed by ":" is no prefix
    ['TR: Réunion', 'TR: Réunion'], // not in RFC 5256
    ['', ''],
    ['Re:', ''],
  ];
  for (const [input, expected] of cases) assert.equal(baseSubject(input), expected, JSON.stringify(input));
});

test('French forward prefix only when asked (JMAP threading)', () => {
  assert.equal(baseSubject('TR: RE: Réunion', { extraRefwd: FRENCH_PREFIXES }), 'Réunion');
  assert.equal(baseSubject('Tr : [Fwd: Réunion]', { extraRefwd: FRENCH_PREFIXES }), 'Réunion');
});

test('base subject is idempotent and fast on hostile subjects', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom('Re:', 'fwd', '[', ']', '(fwd)', ' ', 'a', ':', '[fwd:', '\t'), { maxLength: 60 }), (parts) => {
      const once = baseSubject(parts.join(''));
      assert.equal(baseSubject(once), once);
    }),
    { numRuns: 1000 },
  );
  const t0 = performance.now();
  baseSubject('Re: '.repeat(20_000) + '[x] '.repeat(20_000) + '(fwd)'.repeat(20_000));
  baseSubject('['.repeat(60_000));
  assert.ok(performance.now() - t0 < 2000);
});
