/** Messages service: STORE/UNCHANGEDSINCE, COPY/MOVE/EXPUNGE, JMAP mailboxIds/keywords/destroy, quota exactness, QRESYNC, authorisation. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { EmailId, MailboxId, ModSeq, Uid } from '../store/ids.ts';
import { BACKENDS, openKit, usage, type Kit } from './testkit.ts';
import { createMailbox, getMailbox } from './mailboxes.ts';
import { addFlags, copyMessages, destroyEmail, expunge, fetchPlacements, getEmails, listUids, moveMessages, purgeTombstones, removeFlags, setFlags, setKeywords, setMailboxIds } from './messages.ts';
import { changedSince, changesSince, vanishedSince } from './changes.ts';
import { flagsToKeywords } from './flags.ts';
import { recomputeUsage } from './quota.ts';

const code = (c: string) => (e: unknown) => (e as { code?: string }).code === c;
const one = (u: number) => [{ start: u, end: u }];

async function all<T>(gen: AsyncGenerator<T[]>): Promise<{ chunks: number; rows: T[] }> {
  const rows: T[] = [];
  let chunks = 0;
  for await (const c of gen) {
    chunks++;
    rows.push(...c);
  }
  return { chunks, rows };
}

async function blobRow(k: Kit, id: string) {
  return k.store.db.selectFrom('blobs').selectAll().where('id', '=', id).executeTakeFirst();
}

for (const backend of BACKENDS) {
  describe(`messages (${backend.name})`, { skip: backend.skip }, () => {
    let k: Kit;
    let inbox: MailboxId;
    let archive: MailboxId;
    before(async () => {
      k = await openKit(backend);
      inbox = await k.role(k.a, 'inbox');
      archive = await k.role(k.a, 'archive');
    });
    after(async () => k?.close());

    test('fetchPlacements streams a UID set in chunks with body fields', async () => {
      const ds = [];
      for (let i = 0; i < 7; i++) ds.push(await k.deliver(k.a, { subject: `Lot ${i}` }, { keywords: i % 2 ? ['\\Seen'] : [] }));
      const uids = await listUids(k.store, k.a, inbox);
      assert.deepEqual(uids, ds.map((d) => d.uid));
      const got = await all(fetchPlacements(k.store, k.a, inbox, [{ start: ds[0].uid, end: ds[5].uid }, { start: ds[6].uid, end: ds[6].uid }], { body: true, chunkSize: 2 }));
      assert.equal(got.rows.length, 7);
      assert.ok(got.chunks >= 4);
      assert.deepEqual(got.rows.map((r) => r.uid), uids);
      assert.equal(got.rows[3].body!.subject, 'Lot 3');
      assert.deepEqual(got.rows[1].flags, ['\\Seen']);
      assert.equal(got.rows[0].emailId, ds[0].emailId);
      const many = await all(fetchPlacements(k.store, k.a, inbox, [{ start: 1, end: 1_000_000 }], { chunkSize: 3 }));
      assert.equal(many.rows.length, 7);
      assert.equal(many.rows[0].body, undefined);
      assert.equal((await all(fetchPlacements(k.store, k.b, inbox, 'all'))).rows.length, 0);
    });

    test('STORE with UNCHANGEDSINCE reports MODIFIED and leaves those untouched (RFC 7162 §3.1.3)', async () => {
      const [u1, u2] = await listUids(k.store, k.a, inbox);
      const first = await addFlags(k.store, k.a, inbox, one(u1), ['\\Flagged']);
      assert.equal(first.results[0].changed, true);
      const m1 = first.modseq!;
      const r = await setFlags(k.store, k.a, inbox, [{ start: u1, end: u2 }], 'add', ['$Important'], { unchangedSince: (m1 - 1) as ModSeq });
      assert.deepEqual(r.modified, [u1]);
      assert.deepEqual(r.results.map((x) => x.uid), [u2]);
      const rows = (await all(fetchPlacements(k.store, k.a, inbox, one(u1)))).rows;
      assert.deepEqual(rows[0].flags, ['\\Flagged']);
      assert.equal(rows[0].modseq, m1);
      const zero = await setFlags(k.store, k.a, inbox, one(u2), 'add', ['x'], { unchangedSince: 0 as ModSeq });
      assert.deepEqual(zero.modified, [u2]);
      const noop = await addFlags(k.store, k.a, inbox, one(u1), ['\\flagged']);
      assert.equal(noop.modseq, null);
      assert.equal(noop.results[0].changed, false);
      assert.equal(noop.results[0].modseq, m1);
      const rm = await removeFlags(k.store, k.a, inbox, one(u1), ['\\Flagged']);
      assert.deepEqual(rm.results[0].flags, []);
    });

    test('COPY makes a new placement of the same email: COPYUID map, no quota used, keywords shared, \\Deleted not', async () => {
      const [u1, u2] = await listUids(k.store, k.a, inbox);
      const before = await usage(k.store, k.a);
      const dst = await getMailbox(k.store, k.a, archive);
      const r = await copyMessages(k.store, k.a, inbox, [{ start: u1, end: u2 }], archive);
      assert.equal(r.uidValidity, dst!.uidValidity);
      assert.deepEqual(r.map.map((x) => x.src), [u1, u2]);
      assert.deepEqual(r.map.map((x) => x.dst), [dst!.uidNext, dst!.uidNext + 1]);
      assert.deepEqual(await usage(k.store, k.a), before);
      const [e] = await getEmails(k.store, k.a, [(await all(fetchPlacements(k.store, k.a, inbox, one(u1)))).rows[0].emailId]);
      assert.deepEqual(new Set(e.mailboxIds), new Set([inbox, archive]));
      await addFlags(k.store, k.a, inbox, one(u1), ['\\Seen', '\\Deleted']);
      const copy = (await all(fetchPlacements(k.store, k.a, archive, one(r.map[0].dst)))).rows[0];
      assert.deepEqual(copy.flags, ['\\Seen']);
      const ex = await expunge(k.store, k.a, inbox);
      assert.deepEqual(ex.expunged, [u1]);
      assert.deepEqual(ex.destroyed, []);
      assert.deepEqual(await usage(k.store, k.a), before);
      assert.deepEqual((await getEmails(k.store, k.a, [e.id]))[0].mailboxIds, [archive]);
    });

    test('COPY into the mailbox an email is already in creates a new email counted in the quota', async () => {
      const [u] = await listUids(k.store, k.a, archive);
      const before = await usage(k.store, k.a);
      const r = await copyMessages(k.store, k.a, archive, one(u), archive);
      assert.equal(r.map.length, 1);
      const after = await usage(k.store, k.a);
      assert.equal(after.stored, after.computed);
      assert.ok(after.stored > before.stored);
      const rows = (await all(fetchPlacements(k.store, k.a, archive, [{ start: u, end: r.map[0].dst }]))).rows;
      assert.notEqual(rows.at(-1)!.emailId, rows[0].emailId);
    });

    test('MOVE is atomic: never in both mailboxes nor in neither', async () => {
      const target = (await createMailbox(k.store, k.a, 'Rangement')).id;
      const src = (await createMailbox(k.store, k.a, 'Source')).id;
      for (let i = 0; i < 4; i++) await k.deliver(k.a, {}, { mailbox: src });
      const uids = await listUids(k.store, k.a, src);
      const emailIds = (await all(fetchPlacements(k.store, k.a, src, 'all'))).rows.map((r) => r.emailId);
      const before = await usage(k.store, k.a);
      // A move to another account's mailbox fails as a whole.
      await assert.rejects(moveMessages(k.store, k.a, src, 'all', await k.role(k.b, 'inbox')), code('MAILBOX_NOT_FOUND'));
      assert.deepEqual(await listUids(k.store, k.a, src), uids);
      // Concurrent moves of the same messages to two mailboxes: each lands in exactly one place.
      const [r1, r2] = await Promise.all([moveMessages(k.store, k.a, src, 'all', target), moveMessages(k.store, k.a, src, 'all', archive)]);
      assert.equal(r1.map.length + r2.map.length, uids.length);
      assert.deepEqual(await listUids(k.store, k.a, src), []);
      const emails = await getEmails(k.store, k.a, emailIds);
      for (const e of emails) {
        const places = e.mailboxIds.filter((m) => m === target || m === archive || m === src);
        assert.equal(places.length, 1, `email ${e.id} in ${e.mailboxIds}`);
      }
      assert.deepEqual(await usage(k.store, k.a), before);
      const v = await vanishedSince(k.store, k.a, src, 0);
      assert.ok(uids.every((u) => v.uids.includes(u)));
      assert.equal(v.complete, true);
    });

    test('EXPUNGE of the last placement destroys the email: quota, blob refcount, change log', async () => {
      const d = await k.deliver(k.a, { pad: 3000 });
      const blob = (await getEmails(k.store, k.a, [d.emailId]))[0].blobId;
      assert.equal(Number((await blobRow(k, blob))!.refcount), 1);
      const state = (await changesSince(k.store, k.a, 'Email', 0)).newState;
      const before = await usage(k.store, k.a);
      await addFlags(k.store, k.a, inbox, one(d.uid), ['\\Deleted']);
      const r = await expunge(k.store, k.a, inbox, { uids: one(d.uid) });
      assert.deepEqual(r.destroyed, [d.emailId]);
      const after = await usage(k.store, k.a);
      assert.equal(after.stored, after.computed);
      assert.ok(before.stored - after.stored > 3000);
      const b = (await blobRow(k, blob))!;
      assert.equal(Number(b.refcount), 0);
      assert.ok(b.unreferenced_at !== null);
      const ch = await changesSince(k.store, k.a, 'Email', state);
      assert.deepEqual(ch.destroyed, [d.emailId]);
      assert.deepEqual((await changesSince(k.store, k.a, 'Thread', state)).destroyed, [d.threadId]);
      assert.deepEqual(await getEmails(k.store, k.a, [d.emailId]), []);
    });

    test('UID EXPUNGE only expunges \\Deleted messages of the set', async () => {
      const d1 = await k.deliver(k.a);
      const d2 = await k.deliver(k.a);
      await addFlags(k.store, k.a, inbox, [{ start: d1.uid, end: d2.uid }], ['\\Deleted']);
      const r = await expunge(k.store, k.a, inbox, { uids: one(d2.uid) });
      assert.deepEqual(r.expunged, [d2.uid]);
      const left = await listUids(k.store, k.a, inbox);
      assert.ok(left.includes(d1.uid) && !left.includes(d2.uid));
    });

    test('JMAP setMailboxIds, setKeywords, destroyEmail', async () => {
      const d = await k.deliver(k.a, { subject: 'jmap' });
      const trash = await k.role(k.a, 'trash');
      await setMailboxIds(k.store, k.a, d.emailId, [archive, trash]);
      let [e] = await getEmails(k.store, k.a, [d.emailId], { body: true });
      assert.deepEqual(new Set(e.mailboxIds), new Set([archive, trash]));
      assert.equal(e.body!.subject, 'jmap');
      await assert.rejects(setMailboxIds(k.store, k.a, d.emailId, []), code('NO_MAILBOX'));
      await assert.rejects(setMailboxIds(k.store, k.a, d.emailId, [await k.role(k.b, 'inbox')]), code('MAILBOX_NOT_FOUND'));
      await setKeywords(k.store, k.a, d.emailId, { $seen: true, $flagged: true, $junk: true });
      [e] = await getEmails(k.store, k.a, [d.emailId]);
      assert.deepEqual(flagsToKeywords(e.flags), { $seen: true, $flagged: true, $junk: true });
      for (const mb of [archive, trash]) {
        const rows = (await all(fetchPlacements(k.store, k.a, mb, 'all'))).rows.filter((r) => r.emailId === d.emailId);
        assert.deepEqual(new Set(rows[0].flags), new Set(['\\Seen', '\\Flagged', '$Junk']));
      }
      await assert.rejects(setKeywords(k.store, k.a, d.emailId, ['bad word']), code('INVALID_ARGUMENT'));
      const before = await usage(k.store, k.a);
      await destroyEmail(k.store, k.a, d.emailId);
      const after = await usage(k.store, k.a);
      assert.equal(after.stored, after.computed);
      assert.equal(before.stored - after.stored, e.size);
      await assert.rejects(destroyEmail(k.store, k.a, d.emailId), code('EMAIL_NOT_FOUND'));
    });

    test('quota stays exact after a random mix of copy, move, expunge, destroy and mailbox deletion', async () => {
      let seed = 42;
      const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
      const boxes = [inbox, archive, (await createMailbox(k.store, k.a, 'Mix')).id];
      for (let i = 0; i < 6; i++) await k.deliver(k.a, { pad: 100 * (i + 1) }, { mailbox: boxes[i % 3] });
      for (let step = 0; step < 40; step++) {
        const src = boxes[rnd(3)];
        const dst = boxes[rnd(3)];
        const uids = await listUids(k.store, k.a, src);
        if (!uids.length) continue;
        const u = uids[rnd(uids.length)];
        const op = rnd(6);
        if (op === 0) await copyMessages(k.store, k.a, src, one(u), dst);
        else if (op === 1) await moveMessages(k.store, k.a, src, one(u), dst);
        else if (op === 2) await expunge(k.store, k.a, src, { uids: one(u), onlyDeleted: false });
        else if (op === 3) {
          const [row] = (await all(fetchPlacements(k.store, k.a, src, one(u)))).rows;
          await destroyEmail(k.store, k.a, row.emailId);
        } else if (op === 4) await k.deliver(k.a, { pad: rnd(2000) }, { mailbox: dst });
        else {
          const [row] = (await all(fetchPlacements(k.store, k.a, src, one(u)))).rows;
          await setMailboxIds(k.store, k.a, row.emailId, [dst]);
        }
        const q = await usage(k.store, k.a);
        assert.equal(q.stored, q.computed, `step ${step} op ${op}`);
      }
      const boxId = boxes[2];
      await deleteMix(k, boxId);
      const q = await recomputeUsage(k.store, k.a);
      assert.equal(q.stored, q.computed);
      // Every live blob's refcount equals the number of emails pointing at it.
      const msgs = await k.store.db.selectFrom('messages').select('blob_id').execute();
      const want = new Map<string, number>();
      for (const m of msgs) want.set(m.blob_id, (want.get(m.blob_id) ?? 0) + 1);
      for (const b of await k.store.db.selectFrom('blobs').select(['id', 'refcount']).execute()) assert.equal(Number(b.refcount), want.get(b.id) ?? 0);
    });

    test('QRESYNC: changed placements and vanished UIDs since a modseq; purged tombstones are reported incomplete', async () => {
      const d1 = await k.deliver(k.a);
      const d2 = await k.deliver(k.a);
      const since = (await getMailbox(k.store, k.a, inbox))!.highestModseq;
      await addFlags(k.store, k.a, inbox, one(d1.uid), ['\\Answered']);
      await expunge(k.store, k.a, inbox, { uids: one(d2.uid), onlyDeleted: false });
      const changed = await changedSince(k.store, k.a, inbox, since);
      assert.deepEqual(changed.map((c) => c.uid), [d1.uid]);
      assert.deepEqual((await vanishedSince(k.store, k.a, inbox, since)).uids, [d2.uid]);
      assert.deepEqual((await vanishedSince(k.store, k.a, inbox, since, [{ start: 1, end: d1.uid }])).uids, []);
      const top = (await getMailbox(k.store, k.a, inbox))!.highestModseq;
      assert.ok(top > since);
      const n = await purgeTombstones(k.store, k.a, (top + 1) as ModSeq);
      assert.ok(n >= 1);
      const v = await vanishedSince(k.store, k.a, inbox, since);
      assert.deepEqual(v.uids, []);
      assert.equal(v.complete, false);
      assert.equal((await vanishedSince(k.store, k.a, inbox, top)).complete, true);
    });

    test("authorisation: account B's ids are invisible to A", async () => {
      const d = await k.deliver(k.b, { subject: 'privé' });
      const bInbox = await k.role(k.b, 'inbox');
      assert.deepEqual(await getEmails(k.store, k.a, [d.emailId]), []);
      await assert.rejects(setKeywords(k.store, k.a, d.emailId, ['$seen']), code('EMAIL_NOT_FOUND'));
      await assert.rejects(destroyEmail(k.store, k.a, d.emailId), code('EMAIL_NOT_FOUND'));
      await assert.rejects(setMailboxIds(k.store, k.a, d.emailId, [inbox]), code('EMAIL_NOT_FOUND'));
      await assert.rejects(addFlags(k.store, k.a, bInbox, 'all', ['\\Seen']), code('MAILBOX_NOT_FOUND'));
      await assert.rejects(copyMessages(k.store, k.a, bInbox, 'all', inbox), code('MAILBOX_NOT_FOUND'));
      await assert.rejects(expunge(k.store, k.a, bInbox), code('MAILBOX_NOT_FOUND'));
      assert.deepEqual(await listUids(k.store, k.a, bInbox), []);
      assert.deepEqual((await vanishedSince(k.store, k.a, bInbox, 0)).uids, []);
      assert.deepEqual(await changedSince(k.store, k.a, bInbox, 0), []);
      assert.equal((await getEmails(k.store, k.b, [d.emailId])).length, 1);
      assert.equal((await listUids(k.store, k.b, bInbox)).includes(d.uid as Uid), true);
      void (0 as unknown as EmailId);
    });
  });
}

async function deleteMix(k: Kit, id: MailboxId) {
  const { deleteMailbox } = await import('./mailboxes.ts');
  await deleteMailbox(k.store, k.a, id);
}
