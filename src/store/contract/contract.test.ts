/** Store contract: the same cases on SQLite (temp dir, always) and PostgreSQL (when PREAU_TEST_PG is set). */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshPgDatabase } from './pg-fixture.ts';
import { openStore } from '../open.ts';
import type { Store } from '../store.ts';
import type { AccountId } from '../ids.ts';
import { createAccount, createDomain, findAccountByAddress, addAlias } from '../../accounts/service.ts';

interface Backend {
  name: string;
  skip: string | false;
  open(): Promise<{ store: Store; cleanup(): Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'sqlite',
    skip: false,
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'preau-contract-'));
      const store = await openStore({ dataDir: dir });
      return { store, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'postgres',
    skip: process.env.PREAU_TEST_PG ? false : 'PREAU_TEST_PG not set: no PostgreSQL to run the contract against',
    async open() {
      const db = await freshPgDatabase(process.env.PREAU_TEST_PG!, 'preau_c');
      const store = await openStore({ dataDir: '/nonexistent', databaseUrl: db.url });
      return { store, cleanup: db.drop };
    },
  },
];

for (const b of backends) {
  describe(`store contract (${b.name})`, { skip: b.skip }, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let a: AccountId;
    before(async () => {
      ({ store, cleanup } = await b.open());
      await createDomain(store, 'ac-test.fr', 1000);
      a = (await createAccount(store, { domain: 'ac-test.fr', firstName: 'Élodie', lastName: 'Lefèvre', password: 'x'.repeat(12) })).id;
    });
    after(async () => {
      await store.close();
      await cleanup();
    });

    test('an account gets its six special-use mailboxes', async () => {
      const roles = (await store.db.selectFrom('mailboxes').select('role').where('account_id', '=', a).execute()).map((r) => r.role).sort();
      assert.deepEqual(roles, ['archive', 'drafts', 'inbox', 'junk', 'sent', 'trash']);
    });

    test('homonyms are numbered, lookups are case-insensitive, aliases resolve', async () => {
      const j1 = await createAccount(store, { domain: 'ac-test.fr', firstName: 'Jean', lastName: 'Martin', password: 'x'.repeat(12) });
      const j2 = await createAccount(store, { domain: 'ac-test.fr', firstName: 'Jean', lastName: 'Martin', password: 'x'.repeat(12) });
      const j3 = await createAccount(store, { domain: 'ac-test.fr', firstName: 'Jean', lastName: 'Martin', password: 'x'.repeat(12) });
      assert.deepEqual([j1.address, j2.address, j3.address], ['jean.martin@ac-test.fr', 'jean.martin2@ac-test.fr', 'jean.martin3@ac-test.fr']);
      assert.equal((await findAccountByAddress(store, 'JEAN.Martin2@AC-TEST.FR'))!.id, j2.id);
      await addAlias(store, 'jean.martin2@ac-test.fr', 'jean.martin-ancien');
      assert.equal((await findAccountByAddress(store, 'jean.martin-ancien@ac-test.fr'))!.id, j2.id);
    });

    test('each write gets the next modseq and logs its changes; the feed hears it after commit', async () => {
      const seen: number[] = [];
      const off = store.feed.subscribe((c) => {
        if (c.account === a) seen.push(c.modseq);
      });
      const r1 = await store.write(a, async (tx) => tx.change(a, 'Mailbox', 1, 'updated'));
      const r2 = await store.write(a, async (tx) => tx.change(a, 'Mailbox', 1, 'updated'));
      off();
      assert.equal(Number(r2.result), Number(r1.result) + 1);
      assert.deepEqual(seen, [Number(r1.result), Number(r2.result)]);
      const logged = await store.db.selectFrom('changes').select('modseq').where('account_id', '=', a).where('modseq', '>=', Number(r1.result)).execute();
      assert.equal(logged.length, 2);
    });

    test('a failing write changes nothing and does not disturb concurrent writes', async () => {
      const before = await store.db.selectFrom('accounts').select('modseq').where('id', '=', a).executeTakeFirstOrThrow();
      const results = await Promise.allSettled([
        store.write(a, async (tx) => tx.change(a, 'Email', 7, 'created')),
        store.write(a, async (tx) => {
          await tx.change(a, 'Email', 8, 'created');
          throw new Error('boom');
        }),
        store.write(a, async (tx) => tx.change(a, 'Email', 9, 'created')),
      ]);
      assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
      const after = await store.db.selectFrom('accounts').select('modseq').where('id', '=', a).executeTakeFirstOrThrow();
      assert.equal(Number(after.modseq), Number(before.modseq) + 2);
      const ids = (await store.db.selectFrom('changes').select('object_id').where('account_id', '=', a).where('type', '=', 'Email').execute()).map((r) => Number(r.object_id));
      assert.ok(ids.includes(7) && ids.includes(9) && !ids.includes(8));
    });

    test('concurrent writes to one account never share a modseq', async () => {
      const rs = await Promise.all(Array.from({ length: 50 }, () => store.write(a, async (tx) => tx.modseq(a))));
      const ms = rs.map((r) => Number(r.result));
      assert.equal(new Set(ms).size, 50);
    });
  });
}

describe('change feed between nodes (PostgreSQL LISTEN/NOTIFY)', { skip: process.env.PREAU_TEST_PG ? false : 'PREAU_TEST_PG not set: no PostgreSQL to carry NOTIFY between nodes' }, () => {
  test('a commit on one node is heard by another node on the same database, once', async () => {
    const db = await freshPgDatabase(process.env.PREAU_TEST_PG!, 'preau_n');
    const nodeA = await openStore({ dataDir: '/nonexistent', databaseUrl: db.url });
    const nodeB = await openStore({ dataDir: '/nonexistent', databaseUrl: db.url });
    try {
      await createDomain(nodeA, 'ac-test.fr', 1000);
      const acc = (await createAccount(nodeA, { domain: 'ac-test.fr', firstName: 'Inès', lastName: 'Moreau', password: 'x'.repeat(12) })).id;
      const heardOnA: number[] = [];
      const offA = nodeA.feed.subscribe((c) => c.account === acc && heardOnA.push(c.modseq));
      const heard = nodeB.feed.next(acc, (c) => c.types.has('Email'));
      const { result } = await nodeA.write(acc, (tx) => tx.change(acc, 'Email', 42, 'created'));
      const c = await heard;
      assert.equal(c.modseq, result);
      assert.ok(c.types.has('Email'));
      offA();
      assert.deepEqual(heardOnA, [Number(result)], 'the writing node hears its own change once, not again through NOTIFY');
    } finally {
      await nodeA.close();
      await nodeB.close();
      await db.drop();
    }
  });
});
