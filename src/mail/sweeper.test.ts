/** Blob sweeper: unreferenced blobs after the grace period, their bodies and full-text rows; orphan files; referenced blobs kept. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { BlobId } from '../store/ids.ts';
import { BACKENDS, openKit, rawMessage, type Kit } from './testkit.ts';
import { destroyEmail, getEmails } from './messages.ts';
import { search } from './search.ts';
import { sweepBlobs } from './sweeper.ts';

for (const backend of BACKENDS) {
  describe(`sweeper (${backend.name})`, { skip: backend.skip }, () => {
    let k: Kit;
    before(async () => {
      k = await openKit(backend);
    });
    after(async () => k?.close());

    test('keeps blobs within the grace period, then deletes file, body and full-text row', async () => {
      const gone = await k.deliver(k.a, { subject: 'Balayage unique', body: 'zygomorphe' });
      const kept = await k.deliver(k.a, { subject: 'Conservé' });
      const [g] = await getEmails(k.store, k.a, [gone.emailId]);
      const [c] = await getEmails(k.store, k.a, [kept.emailId]);
      await destroyEmail(k.store, k.a, gone.emailId);
      assert.deepEqual(await sweepBlobs({ store: k.store, blobs: k.blobs }, 3_600_000), { blobs: 0, bodies: 0, orphans: 0 });
      assert.ok(existsSync(k.blobs.path(g.blobId)));
      k.store.clock = () => Date.now() + 10;
      const r = await sweepBlobs({ store: k.store, blobs: k.blobs }, 0);
      k.store.clock = Date.now;
      assert.equal(r.blobs, 1);
      assert.equal(r.bodies, 1);
      assert.ok(!existsSync(k.blobs.path(g.blobId)));
      assert.ok(existsSync(k.blobs.path(c.blobId)));
      assert.equal(await k.store.db.selectFrom('bodies').select('id').where('blob_id', '=', g.blobId).executeTakeFirst(), undefined);
      assert.equal(await k.store.db.selectFrom('blobs').select('id').where('id', '=', g.blobId).executeTakeFirst(), undefined);
      // The full-text document went with the body: a new body with the same word is found once.
      await k.deliver(k.a, { subject: 'Autre', body: 'zygomorphe' });
      assert.equal((await search({ store: k.store }, { account: k.a, filter: { type: 'text', value: 'zygomorphe' } })).ids.length, 1);
    });

    test('a blob referenced again before the sweep is kept', async () => {
      const raw = rawMessage({ subject: 'Revenant', messageId: 'revenant@ac-test.fr' });
      const { ingest } = await import('./ingest.ts');
      const first = await ingest({ store: k.store, blobs: k.blobs }, { raw, targets: [{ account: k.a }] });
      await destroyEmail(k.store, k.a, first.delivered[0].emailId);
      await ingest({ store: k.store, blobs: k.blobs }, { raw, targets: [{ account: k.b }] });
      const r = await sweepBlobs({ store: k.store, blobs: k.blobs }, 0);
      assert.equal(r.blobs, 0);
      assert.ok(existsSync(k.blobs.path(first.blobId as BlobId)));
    });

    test('orphan files (no blobs row, crash before commit) are deleted after the grace period', async () => {
      const orphan = await k.blobs.put(Buffer.from('never committed'));
      assert.equal((await sweepBlobs({ store: k.store, blobs: k.blobs }, 3_600_000)).orphans, 0);
      assert.ok(existsSync(k.blobs.path(orphan.id)));
      await new Promise<void>((resolve) => setImmediate(resolve));
      const r = await sweepBlobs({ store: k.store, blobs: k.blobs }, -1000);
      assert.equal(r.orphans, 1);
      assert.ok(!existsSync(k.blobs.path(orphan.id)));
      const live = await k.store.db.selectFrom('blobs').select('id').execute();
      for (const b of live) assert.ok(existsSync(k.blobs.path(b.id as BlobId)));
    });
  });
}
