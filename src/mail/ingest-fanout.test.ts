/** A delivery to more recipients than one statement chunk (400): quota read per chunk, full mailboxes
 *  skipped, one body for all; nothing written when nobody has room. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, openKit, rawMessage, type Kit } from './testkit.ts';
import { ingest } from './ingest.ts';
import { DEFAULT_MAILBOXES, newUidValidity } from './default-mailboxes.ts';
import type { AccountId } from '../store/ids.ts';

/** `n` accounts provisioned in bulk (no password), with their default mailboxes. */
async function bulkAccounts(k: Kit, n: number, quota: number): Promise<AccountId[]> {
  const d = await k.store.db.selectFrom('domains').select('id').where('name', '=', 'ac-test.fr').executeTakeFirstOrThrow();
  const now = Date.now();
  const ids: AccountId[] = [];
  for (let i = 0; i < n; i += 200) {
    const rows = await k.store.db
      .insertInto('accounts')
      .values(Array.from({ length: Math.min(200, n - i) }, (_, j) => ({ domain_id: Number(d.id), local_part: `agent.${quota}.${i + j}`, first_name: 'Agent', last_name: `N${i + j}`, display_name: `Agent N${i + j}`, title: '', role: 'user', password_hash: null, must_change_password: 0, password_changed_at: null, quota_bytes: quota, used_bytes: 0, modseq: 1, status: 'active', created_at: now })))
      .returning('id')
      .execute();
    const chunk = rows.map((r) => Number(r.id) as AccountId);
    ids.push(...chunk);
    for (let j = 0; j < chunk.length; j += 50) {
      await k.store.db.insertInto('mailboxes').values(chunk.slice(j, j + 50).flatMap((a) => DEFAULT_MAILBOXES.map((m) => ({ account_id: a, name: m.name, role: m.role, uid_validity: newUidValidity(now), uid_next: 1, highest_modseq: 1, subscribed: 1, created_modseq: 1, updated_modseq: 1, sort_order: m.sortOrder })))).execute();
    }
  }
  return ids;
}

for (const backend of BACKENDS) {
  describe(`ingest to many recipients (${backend.name})`, { skip: backend.skip }, () => {
    let k: Kit;
    before(async () => {
      k = await openKit(backend);
    });
    after(async () => k?.close());

    test('the first 400 recipients are full, the next 50 get the message; usage and body once', async () => {
      const full = await bulkAccounts(k, 400, 10);
      const room = await bulkAccounts(k, 50, 10_000_000);
      const raw = rawMessage({ subject: 'Bulletin académique' });
      const r = await ingest({ store: k.store, blobs: k.blobs }, { raw, targets: [...full, ...room].map((account) => ({ account })) });
      assert.equal(r.delivered.length, 50);
      assert.deepEqual(new Set(r.delivered.map((d) => d.account)), new Set(room));
      assert.equal(r.overQuota.length, 400);
      const bodies = await k.store.db.selectFrom('bodies').select('id').where('blob_id', '=', r.blobId).execute();
      assert.equal(bodies.length, 1);
      const used = await k.store.db.selectFrom('accounts').select(['id', 'used_bytes']).where('id', 'in', [full[0]!, room[49]!]).execute();
      assert.deepEqual(Object.fromEntries(used.map((u) => [Number(u.id), Number(u.used_bytes)])), { [full[0]!]: 0, [room[49]!]: raw.length });
    });

    test('nobody among 450 has room: nothing is written, everyone is reported over quota', async () => {
      const full = await bulkAccounts(k, 450, 20);
      const raw = rawMessage({ subject: 'Personne' });
      const r = await ingest({ store: k.store, blobs: k.blobs }, { raw, targets: full.map((account) => ({ account })) });
      assert.equal(r.delivered.length, 0);
      assert.equal(r.overQuota.length, 450);
      assert.equal((await k.store.db.selectFrom('bodies').select('id').where('blob_id', '=', r.blobId).execute()).length, 0);
    });
  });
}
