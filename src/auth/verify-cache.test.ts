import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VerifyCache } from './verify-cache.ts';

test('a verified password is remembered for 5 minutes, for that account and that stored hash only', () => {
  const c = new VerifyCache();
  const t0 = 1_000_000;
  assert.equal(c.has(1, '$argon2id$a', 'secret', t0), false);
  c.add(1, '$argon2id$a', 'secret', t0);
  assert.equal(c.has(1, '$argon2id$a', 'secret', t0 + 60_000), true);
  assert.equal(c.has(1, '$argon2id$a', 'Secret', t0), false, 'another password');
  assert.equal(c.has(2, '$argon2id$a', 'secret', t0), false, 'another account');
  assert.equal(c.has(1, '$argon2id$b', 'secret', t0), false, 'after a password change');
  assert.equal(c.has(1, '$argon2id$a', 'secret', t0 + 5 * 60_000 + 1), false, 'expired');
});
