/** Rate limiter: growing delays, account cap, IPv6 /64 keys, forgetting. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimiter } from './rate-limit.ts';

test('delays start after the free allowance and double, capped per kind of key', () => {
  let t = 0;
  const l = new RateLimiter({ now: () => t, accountFree: 2, ipFree: 3, baseDelayMs: 1000, accountMaxDelayMs: 4000, ipMaxDelayMs: 60_000 });
  const k = ['acct:1'];
  l.fail(k);
  l.fail(k);
  assert.equal(l.retryAfter(k), 0);
  const waits = [];
  for (let i = 0; i < 5; i++) {
    l.fail(k);
    waits.push(l.retryAfter(k));
  }
  assert.deepEqual(waits, [1000, 2000, 4000, 4000, 4000]);
  t += 4000;
  assert.equal(l.retryAfter(k), 0, 'a delay, not a lock-out');
  l.succeed(k);
  l.fail(k);
  assert.equal(l.retryAfter(k), 0, 'success clears the account counter');
  const ip = [RateLimiter.ipKey('192.0.2.1')];
  for (let i = 0; i < 10; i++) l.fail(ip);
  assert.equal(l.retryAfter(ip), 60_000, 'IPs can wait longer');
  l.succeed(ip);
  assert.ok(l.retryAfter(ip) > 0, 'a success does not whitewash an IP');
  t += 2 * 3600_000;
  assert.equal(l.retryAfter(ip), 0, 'forgotten after an hour without failure');
});

test('IPv6 addresses share the counter of their /64; mapped IPv4 is IPv4', () => {
  assert.equal(RateLimiter.ipKey('2001:db8:1:2::1'), RateLimiter.ipKey('2001:db8:1:2:ffff::9'));
  assert.notEqual(RateLimiter.ipKey('2001:db8:1:2::1'), RateLimiter.ipKey('2001:db8:1:3::1'));
  assert.equal(RateLimiter.ipKey('::ffff:192.0.2.7'), 'ip:192.0.2.7');
  assert.equal(RateLimiter.ipKey('192.0.2.7'), 'ip:192.0.2.7');
});

test('memory is bounded', () => {
  const l = new RateLimiter({ now: () => 0, maxEntries: 100, accountFree: 0 });
  for (let i = 0; i < 1000; i++) l.fail([`id:${i}`]);
  assert.equal(l.size, 100);
  assert.ok(l.retryAfter(['id:999']) > 0, 'the newest are kept');
  assert.equal(l.retryAfter(['id:0']), 0, 'the oldest were dropped');
});
