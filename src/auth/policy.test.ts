/** Password policy: length, common list, name and address, zxcvbn strength; reasons in French and English. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPassword } from './policy.ts';

const person = { firstName: 'Élodie', lastName: 'Lefèvre', localPart: 'elodie.lefevre' };
const codes = (p: string) => checkPassword(p, person).reasons.map((r) => r.code);

test('refusals and their reasons', () => {
  const cases: [string, string][] = [
    ['court', 'too-short'],
    ['azerty123456', 'common'],
    ['motdepasse2024!', 'common'],
    ['Soleil-Soleil', 'common'],
    ['elodie-pingouin-1987', 'contains-name'],
    ['LEFEVRE cerf-volant 9', 'contains-name'],
    ['aaaaaaaaaaaaaaaa', 'weak'],
    ['x'.repeat(300), 'too-long'],
  ];
  for (const [pw, code] of cases) assert.ok(codes(pw).includes(code as never), `${pw}: ${codes(pw).join(',')}`);
});

test('accepted passwords', () => {
  for (const pw of ['cheval agrafe pile correcte', 'Tr0ub4dor&3xyz-Q', 'lanterne rouge au port']) {
    const r = checkPassword(pw, person);
    assert.equal(r.ok, true, `${pw}: ${JSON.stringify(r.reasons)}`);
    assert.ok(r.score >= 3);
  }
});

test('every reason speaks French and English', () => {
  const r = checkPassword('elodie', person);
  assert.equal(r.ok, false);
  for (const x of r.reasons) {
    assert.ok(x.fr.length > 10 && x.en.length > 10);
    assert.notEqual(x.fr, x.en);
  }
});
