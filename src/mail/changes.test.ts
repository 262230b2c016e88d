/** changesSince (JMAP /changes semantics, RFC 8620 §5.2), maxChanges windows, cannotCalculate, tooManyChanges. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ModSeq } from '../store/ids.ts';
import { BACKENDS, openKit, type Kit } from './testkit.ts';
import { addFlags, destroyEmail, setKeywords } from './messages.ts';
import { changesSince, currentModseq, pruneChanges } from './changes.ts';

for (const backend of BACKENDS) {
  describe(`changes (${backend.name})`, { skip: backend.skip }, () => {
    let k: Kit;
    before(async () => {
      k = await openKit(backend);
    });
    after(async () => k?.close());

    test('created+updated is created, created+destroyed is omitted, updated+destroyed is destroyed', async () => {
      const old = await k.deliver(k.a);
      const s0 = (await currentModseq(k.store, k.a))!;
      const kept = await k.deliver(k.a);
      await setKeywords(k.store, k.a, kept.emailId, ['$flagged']);
      const gone = await k.deliver(k.a);
      await destroyEmail(k.store, k.a, gone.emailId);
      const upd = await k.deliver(k.a);
      await setKeywords(k.store, k.a, old.emailId, ['$seen']);
      await destroyEmail(k.store, k.a, old.emailId);
      const r = await changesSince(k.store, k.a, 'Email', s0);
      assert.deepEqual(r.created.sort(), [kept.emailId, upd.emailId].sort());
      assert.deepEqual(r.updated, []);
      assert.deepEqual(r.destroyed, [old.emailId]);
      assert.equal(r.hasMoreChanges, false);
      assert.equal(r.newState, await currentModseq(k.store, k.a));
      const none = await changesSince(k.store, k.a, 'Email', r.newState);
      assert.deepEqual([none.created, none.updated, none.destroyed], [[], [], []]);
      assert.equal(none.newState, r.newState);
      await addFlags(k.store, k.a, await k.role(k.a, 'inbox'), [{ start: kept.uid, end: kept.uid }], ['$Label1']);
      assert.deepEqual((await changesSince(k.store, k.a, 'Email', r.newState)).updated, [kept.emailId]);
    });

    test('maxChanges pages through whole transactions with hasMoreChanges, ending at the same result', async () => {
      const s0 = (await currentModseq(k.store, k.a))!;
      const made = [];
      for (let i = 0; i < 5; i++) made.push((await k.deliver(k.a)).emailId);
      const seen: number[] = [];
      let state = s0 as number;
      let pages = 0;
      for (;;) {
        const r = await changesSince(k.store, k.a, 'Email', state, 2);
        assert.ok(r.created.length + r.updated.length + r.destroyed.length <= 2);
        seen.push(...r.created);
        state = r.newState;
        pages++;
        if (!r.hasMoreChanges) break;
      }
      assert.equal(pages, 3);
      assert.deepEqual(seen, made);
    });

    test('one transaction larger than maxChanges is tooManyChanges; unknown states cannot be calculated', async () => {
      const inbox = await k.role(k.a, 'inbox');
      const s0 = (await currentModseq(k.store, k.a))!;
      await addFlags(k.store, k.a, inbox, 'all', ['\\Answered']);
      const r = await changesSince(k.store, k.a, 'Email', s0, 2);
      assert.equal(r.tooManyChanges, true);
      assert.equal(r.hasMoreChanges, true);
      const future = await changesSince(k.store, k.a, 'Email', s0 + 1000);
      assert.equal(future.cannotCalculate, true);
      await pruneChanges(k.store, k.a, s0 as ModSeq);
      assert.equal((await changesSince(k.store, k.a, 'Email', s0 - 2)).cannotCalculate, true);
      assert.equal((await changesSince(k.store, k.a, 'Email', s0 - 1)).cannotCalculate, false);
      assert.equal((await changesSince(k.store, k.b, 'Email', 0)).cannotCalculate, false);
    });

    test("changes are per account: B's changes never appear in A's log", async () => {
      const s0 = (await currentModseq(k.store, k.a))!;
      const sb = (await currentModseq(k.store, k.b))!;
      const db = await k.deliver(k.b);
      const ra = await changesSince(k.store, k.a, 'Email', s0);
      assert.deepEqual(ra.created, []);
      assert.deepEqual((await changesSince(k.store, k.b, 'Email', sb)).created, [db.emailId]);
    });
  });
}
