/** runCompiled: one compiled shape per statement, values bound per call, frozen constants refused. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { BACKENDS, openKit, type Kit } from '../mail/testkit.ts';
import { runCompiled } from './compiled-query.ts';

for (const backend of BACKENDS) {
  describe(`runCompiled (${backend.name})`, { skip: backend.skip }, () => {
    let k: Kit;
    before(async () => {
      k = await openKit(backend);
    });
    after(async () => k?.close());

    test('the same shape binds new values on every call (scalars and arrays)', async () => {
      const got = await k.store.write([k.a], async (tx) => {
        const out: number[][] = [];
        for (const n of [1, 2, 40]) {
          const rows = await runCompiled(tx, 'test.select', { n, ids: [k.a] }, (v) => tx.db.selectFrom('accounts').select(sql<number>`${v.n} + 0`.as('x')).where('id', 'in', v.ids));
          out.push(rows.map((r) => Number(r.x)));
        }
        return out;
      });
      assert.deepEqual(got.result, [[1], [2], [40]]);
    });

    test('array lengths are part of the shape', async () => {
      const got = await k.store.write([k.a], async (tx) => {
        const one = await runCompiled(tx, 'test.in', { ids: [k.a] }, (v) => tx.db.selectFrom('accounts').select('id').where('id', 'in', v.ids));
        const two = await runCompiled(tx, 'test.in', { ids: [k.a, k.b] }, (v) => tx.db.selectFrom('accounts').select('id').where('id', 'in', v.ids));
        return [one.length, two.length];
      });
      assert.deepEqual(got.result, [1, 2]);
    });

    test('a value the builder does not bind makes the statement run uncached', async () => {
      const got = await k.store.write([k.a], async (tx) => {
        const out: number[] = [];
        // The value is inlined by sql.lit: caching would freeze the first one.
        for (const n of [3, 4]) out.push(Number((await runCompiled(tx, 'test.lit', { n }, (v) => tx.db.selectFrom('accounts').select(sql.lit(v.n).as('x')).limit(1)))[0].x));
        return out;
      });
      assert.deepEqual(got.result, [3, 4]);
    });
  });
}
