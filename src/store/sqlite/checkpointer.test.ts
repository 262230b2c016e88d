/** WAL checkpoints on a worker thread: the WAL stays bounded, nothing committed is lost, close is clean. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { openStore } from '../open.ts';
import { createDomain } from '../../accounts/service.ts';
import { CHECKPOINT_DELAY_MS } from './checkpointer.ts';

test('the main connection never checkpoints; the worker keeps the WAL bounded and loses nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'preau-ckpt-'));
  try {
    let store = await openStore({ dataDir: dir });
    const [{ wal_autocheckpoint }] = (await sql<{ wal_autocheckpoint: number }>`PRAGMA wal_autocheckpoint`.execute(store.db)).rows;
    assert.equal(Number(wal_autocheckpoint), 0, 'no checkpoint inside a commit on the event loop');
    const big = 'x'.repeat(200_000);
    const wal = join(dir, 'preau.sqlite-wal');
    let maxWal = 0;
    // 12 rounds of ~1 MB committed: without checkpoints the WAL would pass 12 MB.
    for (let round = 0; round < 12; round++) {
      await store.write([], async (tx) => {
        for (let i = 0; i < 5; i++) await tx.db.insertInto('domains').values({ name: `d${round}-${i}-${big}.example`, default_quota: 1, created_at: 0 }).execute();
      });
      await sleep(CHECKPOINT_DELAY_MS + 100);
      maxWal = Math.max(maxWal, statSync(wal).size);
    }
    assert.ok(maxWal < 4 * 1024 * 1024, `WAL stayed bounded (max ${maxWal} bytes)`);
    const r = await store.checkpoint!();
    assert.equal(r.busy, 0);
    assert.equal(r.checkpointed, r.log, 'every frame copied into the database file');
    await createDomain(store, 'after.example', 1);
    await store.close();
    // Reopen: every row committed is there.
    store = await openStore({ dataDir: dir });
    const n = await store.db.selectFrom('domains').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(n.n), 61);
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
