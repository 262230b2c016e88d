/** Quota: levels, usage, verification and OVERQUOTA on a COPY that duplicates. RFC 9208 §5.1. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, openKit, type Kit } from './testkit.ts';
import { checkQuota, getQuota, quotaLevel, recomputeUsage } from './quota.ts';
import { copyMessages, listUids } from './messages.ts';

test('warning levels at 80, 90 and 100 %', () => {
  assert.equal(quotaLevel(0, 100), 0);
  assert.equal(quotaLevel(79, 100), 0);
  assert.equal(quotaLevel(80, 100), 80);
  assert.equal(quotaLevel(95, 100), 90);
  assert.equal(quotaLevel(100, 100), 100);
  assert.equal(quotaLevel(150, 100), 100);
  assert.equal(quotaLevel(1, 0), 100);
});

for (const backend of BACKENDS) {
  describe(`quota (${backend.name})`, { skip: backend.skip }, () => {
    let k: Kit;
    before(async () => {
      k = await openKit(backend, 20_000);
    });
    after(async () => k?.close());

    test('usage follows deliveries; recomputeUsage verifies and repairs', async () => {
      const d = await k.deliver(k.a, { pad: 8000 });
      const q = (await getQuota(k.store, k.a))!;
      assert.equal(q.limit, 20_000);
      assert.ok(q.used > 8000 && q.used < 9000);
      assert.equal(q.level, 0);
      assert.deepEqual(await recomputeUsage(k.store, k.a), { stored: q.used, computed: q.used });
      await k.store.db.updateTable('accounts').set({ used_bytes: 5 }).where('id', '=', k.a).execute();
      assert.deepEqual(await recomputeUsage(k.store, k.a, { fix: true }), { stored: 5, computed: q.used });
      assert.equal((await getQuota(k.store, k.a))!.used, q.used);
      await assert.rejects(checkQuota(k.store, k.a, 12_000), (e: any) => e.code === 'OVERQUOTA');
      await checkQuota(k.store, k.a, 1000);
      void d;
    });

    test('a COPY that duplicates an email past the quota fails with OVERQUOTA and changes nothing', async () => {
      const inbox = await k.role(k.a, 'inbox');
      const uids = await listUids(k.store, k.a, inbox);
      await copyMessages(k.store, k.a, inbox, 'all', inbox);
      assert.equal((await getQuota(k.store, k.a))!.level, 80);
      const before = await listUids(k.store, k.a, inbox);
      await assert.rejects(copyMessages(k.store, k.a, inbox, 'all', inbox), (e: any) => e.code === 'OVERQUOTA');
      assert.deepEqual(await listUids(k.store, k.a, inbox), before);
      assert.equal(before.length, uids.length * 2);
      const r = await recomputeUsage(k.store, k.a);
      assert.equal(r.stored, r.computed);
    });
  });
}
