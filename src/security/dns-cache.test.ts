/** The inspector's caching DNS resolver (cachingResolver in inbound.ts): coalescing, positive and negative caching. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cachingResolver } from './inbound.ts';

function counting(answers: Record<string, unknown>) {
  const calls: string[] = [];
  const resolve = async (name: string, rrtype: string) => {
    calls.push(`${rrtype} ${name}`);
    await new Promise((r) => setImmediate(r));
    const v = answers[`${rrtype} ${name}`];
    if (v instanceof Error) throw v;
    if (v === undefined) throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return v;
  };
  return { calls, resolve };
}

test('concurrent identical queries share one lookup; answers are reused until they expire', async () => {
  const { calls, resolve } = counting({ 'TXT example.org': [['v=spf1 -all']] });
  let now = 1_000;
  const r = cachingResolver(resolve, () => now);
  const got = await Promise.all([r('example.org', 'TXT'), r('EXAMPLE.org', 'TXT'), r('example.org', 'TXT')]);
  assert.deepEqual(got, [[['v=spf1 -all']], [['v=spf1 -all']], [['v=spf1 -all']]]);
  assert.equal(calls.length, 1);
  // A caller that mutates its answer does not change what the next caller gets.
  (got[0] as string[][])[0][0] = 'changed';
  assert.deepEqual(await r('example.org', 'TXT'), [['v=spf1 -all']]);
  assert.equal(calls.length, 1);
  now += 60_001;
  await r('example.org', 'TXT');
  assert.equal(calls.length, 2);
});

test('NXDOMAIN is cached (RFC 2308), a timeout is not', async () => {
  const timeout = Object.assign(new Error('queryTxt ETIMEOUT t.example'), { code: 'ETIMEOUT' });
  const { calls, resolve } = counting({ 'TXT t.example': timeout });
  const r = cachingResolver(resolve);
  for (let i = 0; i < 2; i++) await assert.rejects(r('_dmarc.example.org', 'TXT'), { code: 'ENOTFOUND' });
  assert.equal(calls.filter((c) => c === 'TXT _dmarc.example.org').length, 1);
  for (let i = 0; i < 2; i++) await assert.rejects(r('t.example', 'TXT'), { code: 'ETIMEOUT' });
  assert.equal(calls.filter((c) => c === 'TXT t.example').length, 2);
});
