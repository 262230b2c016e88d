/** Audit log: each row chained to the previous one; any edit, deletion or insertion shows. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../store/open.ts';
import { audit, listAudit, verifyAudit } from './audit.ts';

test('the chain verifies, and breaks at the first tampered row', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'preau-audit-'));
  const store = await openStore({ dataDir: dir });
  try {
    assert.deepEqual(await verifyAudit(store), { ok: true, count: 0 });
    for (let i = 0; i < 5; i++) await audit(store, { actorId: null, accountId: null, action: `test.${i}`, ip: '127.0.0.1', details: { i } });
    assert.deepEqual(await verifyAudit(store), { ok: true, count: 5 });
    const rows = await listAudit(store);
    assert.equal(rows[0].action, 'test.4');
    await store.db.updateTable('audit_log').set({ details: '{"i":99}' }).where('id', '=', rows[2].id).execute();
    assert.deepEqual(await verifyAudit(store), { ok: false, brokenAt: rows[2].id, count: 2 });
    await store.db.updateTable('audit_log').set({ details: '{"i":2}' }).where('id', '=', rows[2].id).execute();
    assert.equal((await verifyAudit(store)).ok, true);
    await store.db.deleteFrom('audit_log').where('id', '=', rows[3].id).execute();
    assert.deepEqual(await verifyAudit(store), { ok: false, brokenAt: rows[2].id, count: 1 }, 'a deleted row breaks the next link');
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
