/** Training from moves into / out of Junk, on a real store and blob store (SQLite; PostgreSQL with PREAU_TEST_PG). */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, openKit, type Kit } from '../mail/testkit.ts';
import type { AccountId, EmailId } from '../store/ids.ts';
import { moveMessages } from '../mail/messages.ts';
import { parseMessage } from '../mime/index.ts';
import { resolvePolicy } from './policy.ts';
import { classify } from './bayes.ts';
import { emailIdsOfUids, junkDirection, trainAfterTransfer, trainOnMailboxChange, trainOnMove, MAX_TRAIN_BYTES } from './training.ts';

async function totals(k: Kit, account: AccountId) {
  const rows = await k.store.db.selectFrom('bayes_totals').select(['scope', 'spam', 'ham']).where('scope', 'in', [`a:${account}`, 'd:ac-test.fr']).execute();
  const of = (s: string) => {
    const r = rows.find((x) => x.scope === s);
    return r ? [Number(r.spam), Number(r.ham)] : [0, 0];
  };
  return { user: of(`a:${account}`), domain: of('d:ac-test.fr') };
}

async function trainedClass(k: Kit, account: AccountId, messageId: string) {
  const r = await k.store.db.selectFrom('bayes_trained').select('class').where('account_id', '=', account).where('msg_key', '=', `m:${messageId}`).executeTakeFirst();
  return r?.class ?? null;
}

for (const backend of BACKENDS) {
  describe(`training (${backend.name})`, { skip: backend.skip }, () => {
    let k: Kit;
    before(async () => {
      k = await openKit(backend);
    });
    after(() => k?.close());

    test('moving into Junk trains spam for the user and the domain; again is a no-op; out of Junk moves the counts', async () => {
      const d = await k.deliver(k.a, { subject: 'Gagnez un iPhone', body: 'Casino gratuit bitcoin promo exclusive', messageId: 'spam1@x.example' });
      const r = await trainOnMove(k, k.a, [d.emailId], 'spam');
      assert.deepEqual(r, { trained: [d.emailId], skipped: [] });
      assert.equal(await trainedClass(k, k.a, 'spam1@x.example'), 'spam');
      assert.deepEqual(await totals(k, k.a), { user: [1, 0], domain: [1, 0] });
      await trainOnMove(k, k.a, [d.emailId, d.emailId], 'spam');
      assert.deepEqual(await totals(k, k.a), { user: [1, 0], domain: [1, 0] }, 'same class twice changes nothing');
      await trainOnMove(k, k.a, [d.emailId], 'ham');
      assert.equal(await trainedClass(k, k.a, 'spam1@x.example'), 'ham');
      assert.deepEqual(await totals(k, k.a), { user: [0, 1], domain: [0, 1] });
    });

    test("another account's email, an unknown id and a missing blob are skipped, never trained", async () => {
      const theirs = await k.deliver(k.b, { subject: 'Privé', messageId: 'private@x.example' });
      const gone = await k.deliver(k.a, { subject: 'Blob perdu', messageId: 'lost@x.example' });
      const row = await k.store.db.selectFrom('messages').select('blob_id').where('id', '=', gone.emailId).executeTakeFirstOrThrow();
      await k.blobs.delete(row.blob_id as never);
      const before = await totals(k, k.a);
      const r = await trainOnMove(k, k.a, [theirs.emailId, 999_999 as EmailId, gone.emailId], 'spam');
      assert.deepEqual(r.trained, []);
      assert.deepEqual(r.skipped, [theirs.emailId, 999_999, gone.emailId]);
      assert.deepEqual(await totals(k, k.a), before);
      assert.equal(await trainedClass(k, k.a, 'private@x.example'), null);
      assert.equal(await trainedClass(k, k.b, 'private@x.example'), null);
    });

    test('a message larger than the training limit is trained on its beginning', async () => {
      const d = await k.deliver(k.a, { subject: 'Très gros', messageId: 'big@x.example', body: 'promotion exceptionnelle', pad: MAX_TRAIN_BYTES + 100_000 });
      const r = await trainOnMove(k, k.a, [d.emailId], 'spam');
      assert.deepEqual(r.trained, [d.emailId]);
      assert.equal(await trainedClass(k, k.a, 'big@x.example'), 'spam');
    });

    test('junkDirection: into Junk is spam, out of Junk is ham, Junk to Trash and other moves teach nothing', async () => {
      const [inbox, junk, trash, archive] = await Promise.all(['inbox', 'junk', 'trash', 'archive'].map((r) => k.role(k.a, r)));
      assert.equal(await junkDirection(k.store, k.a, [inbox], [junk]), 'spam');
      assert.equal(await junkDirection(k.store, k.a, [inbox, archive], [archive, junk]), 'spam');
      assert.equal(await junkDirection(k.store, k.a, [junk], [inbox]), 'ham');
      assert.equal(await junkDirection(k.store, k.a, [junk], [trash]), null);
      assert.equal(await junkDirection(k.store, k.a, [inbox], [archive]), null);
      assert.equal(await junkDirection(k.store, k.a, [junk], [junk]), null);
      // Another account's Junk is not ours: no role is known for it here.
      const bJunk = await k.role(k.b, 'junk');
      assert.equal(await junkDirection(k.store, k.a, [inbox], [bJunk]), null);
    });

    test('an IMAP-style MOVE into Junk then back trains spam then ham (emailIdsOfUids + trainOnMailboxChange)', async () => {
      const [inbox, junk] = await Promise.all([k.role(k.a, 'inbox'), k.role(k.a, 'junk')]);
      const d = await k.deliver(k.a, { subject: 'Offre', messageId: 'moved@x.example', body: 'rolex crypto' });
      const m = await moveMessages(k.store, k.a, inbox, [{ start: d.uid, end: d.uid }], junk);
      const ids = await emailIdsOfUids(k.store, k.a, junk, m.map.map((x) => x.dst));
      assert.deepEqual(ids, [d.emailId]);
      assert.deepEqual((await trainOnMailboxChange(k, k.a, ids, [inbox], [junk]))?.trained, [d.emailId]);
      assert.equal(await trainedClass(k, k.a, 'moved@x.example'), 'spam');
      assert.deepEqual((await trainOnMailboxChange(k, k.a, ids, [junk], [inbox]))?.trained, [d.emailId]);
      assert.equal(await trainedClass(k, k.a, 'moved@x.example'), 'ham');
      assert.equal(await trainOnMailboxChange(k, k.a, ids, [inbox], [inbox]), null);
      assert.equal(await trainOnMailboxChange(k, k.a, [], [inbox], [junk]), null);
    });

    test('trainAfterTransfer: what the IMAP MOVE / COPY command calls with the COPYUID destination UIDs', async () => {
      const [inbox, junk, trash] = await Promise.all([k.role(k.a, 'inbox'), k.role(k.a, 'junk'), k.role(k.a, 'trash')]);
      const d = await k.deliver(k.a, { subject: 'Jackpot', messageId: 'imap@x.example', body: 'jackpot casino' });
      const m1 = await moveMessages(k.store, k.a, inbox, [{ start: d.uid, end: d.uid }], junk);
      assert.deepEqual((await trainAfterTransfer(k, k.a, inbox, junk, m1.map.map((x) => x.dst)))?.trained, [d.emailId]);
      assert.equal(await trainedClass(k, k.a, 'imap@x.example'), 'spam');
      // Junk → Trash: deleting junk is not "not spam".
      const m2 = await moveMessages(k.store, k.a, junk, [{ start: m1.map[0].dst, end: m1.map[0].dst }], trash);
      assert.equal(await trainAfterTransfer(k, k.a, junk, trash, m2.map.map((x) => x.dst)), null);
      assert.equal(await trainedClass(k, k.a, 'imap@x.example'), 'spam');
      // UIDs of another account's Junk are not this account's emails.
      const bJunk = await k.role(k.b, 'junk');
      assert.equal(await trainAfterTransfer(k, k.a, inbox, bJunk, [1, 2, 3]), null);
    });

    test('the never-throwing helpers log a failure instead of failing the committed move', async () => {
      const logged: any[] = [];
      const broken = {
        store: { db: { selectFrom() { throw new Error('database unavailable'); } } } as never,
        blobs: k.blobs,
        log: { warn: (o: object) => logged.push(o) } as never,
      };
      assert.equal(await trainOnMailboxChange(broken, k.a, [1 as EmailId], [1 as never], [2 as never]), null);
      assert.equal(await trainAfterTransfer(broken, k.a, 1 as never, 2 as never, [1]), null);
      assert.deepEqual(logged.map((o) => o.event), ['security.train.failed', 'security.train.failed']);
      await assert.rejects(trainOnMove(broken, k.a, [1 as EmailId], 'spam'), /database unavailable/);
    });

    test('after enough moves the user classifier speaks: a new lure scores as spam, a new school message as ham', async () => {
      const policy = resolvePolicy({ domain: 'ac-test.fr', orgName: 'Académie de Test' }, { bayes: { enabled: true, minMessages: 5 } });
      const spam = ['casino', 'bitcoin', 'gagnez', 'rolex', 'promo', 'crypto', 'jackpot', 'offre'];
      const ham = ['conseil', 'classe', 'élèves', 'réunion', 'trimestre', 'parents', 'cantine', 'emploi'];
      const pick = (w: string[], i: number) => `${w[i % 8]} ${w[(i + 3) % 8]} ${w[(i + 5) % 8]} ${w[(i + 6) % 8]}`;
      const spamIds: EmailId[] = [];
      const hamIds: EmailId[] = [];
      for (let i = 0; i < 7; i++) {
        spamIds.push((await k.deliver(k.b, { subject: pick(spam, i), body: pick(spam, i + 1), messageId: `s${i}@t.example`, from: `s${i}@spam.example` })).emailId);
        hamIds.push((await k.deliver(k.b, { subject: pick(ham, i), body: pick(ham, i + 1), messageId: `h${i}@t.example` })).emailId);
      }
      await trainOnMove(k, k.b, spamIds, 'spam');
      await trainOnMove(k, k.b, hamIds, 'ham');
      const parse = (s: string) => parseMessage(Buffer.from(`From: x@spam.example\r\nSubject: ${s}\r\n\r\n${s}\r\n`));
      const p1 = await classify(k.store, k.b, await parse('jackpot casino bitcoin gagnez'), policy);
      const p2 = await classify(k.store, k.b, await parse('réunion parents classe trimestre'), policy);
      assert.ok(p1 && p1.probability > 0.8, String(p1?.probability));
      assert.ok(p2 && p2.probability < 0.2, String(p2?.probability));
    });
  });
}
