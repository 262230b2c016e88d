import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baseLocalPart, foldNamePart, nextFreeLocalPart, shortenLocalPart } from './address.ts';

test('folds names as the issue specifies', () => {
  const cases: [string, string, string][] = [
    ['Jean-Pierre', "N'Diaye", 'jean-pierre.ndiaye'],
    ['Anne-Sophie', 'de La Fontaine', 'anne-sophie.de-la-fontaine'],
    ['Élodie', 'Lefèvre', 'elodie.lefevre'],
    ['François', 'Cœur', 'francois.coeur'],
    ['Æsa', 'Groß', 'aesa.gross'],
    ['Søren', 'Kierkegård', 'soren.kierkegard'],
    ['  Marie  ', ' Curie-- ', 'marie.curie'],
    ['Jean  Marc', "O'Neil (TZR)", 'jean-marc.oneil-tzr'],
    ['Zoé', 'L’Hôte', 'zoe.lhote'],
  ];
  for (const [f, l, want] of cases) assert.equal(baseLocalPart(f, l), want, `${f} ${l}`);
  assert.equal(foldNamePart('--A--b--'), 'a-b');
});

test('homonyms are numbered from 2', () => {
  const taken = new Set(['jean.martin', 'jean.martin2']);
  assert.equal(nextFreeLocalPart('jean.martin', (c) => taken.has(c)), 'jean.martin3');
  assert.equal(nextFreeLocalPart('paul.martin', (c) => taken.has(c)), 'paul.martin');
});

test('local parts are at most 64 octets, shortened deterministically', () => {
  const long = baseLocalPart('Marie-Françoise-Géraldine-Antoinette', 'de La Rochefoucauld-Montmorency-Laval-Bourbon');
  assert.ok(Buffer.byteLength(long) <= 60, long);
  assert.equal(long, baseLocalPart('Marie-Françoise-Géraldine-Antoinette', 'de La Rochefoucauld-Montmorency-Laval-Bourbon'));
  assert.equal(shortenLocalPart('a'.repeat(10)), 'a'.repeat(10));
});
