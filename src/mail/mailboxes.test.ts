/** Mailboxes service: counts, create with parents and special-use, rename subtree and INBOX, delete rules, authorisation. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { MailboxId } from '../store/ids.ts';
import { BACKENDS, openKit, usage, type Kit } from './testkit.ts';
import { createMailbox, deleteMailbox, getMailbox, getMailboxByName, getMailboxByRole, listMailboxes, normaliseMailboxName, renameMailbox, setSubscribed, updateMailbox } from './mailboxes.ts';
import { addFlags, expunge, listUids, moveMessages } from './messages.ts';
import { changesSince } from './changes.ts';

const code = (c: string) => (e: unknown) => (e as { code?: string }).code === c;

test('mailbox names: NFC, INBOX case-insensitive, bad names refused', () => {
  assert.equal(normaliseMailboxName('inbox/Réunions'), 'INBOX/Réunions');
  assert.equal(normaliseMailboxName('Re\u0301unions'), 'Réunions');
  for (const bad of ['', 'a//b', '/a', 'a/', 'a%', 'b*', 'x\u0001']) assert.throws(() => normaliseMailboxName(bad), code('MAILBOX_NAME_INVALID'));
});

for (const backend of BACKENDS) {
  describe(`mailboxes (${backend.name})`, { skip: backend.skip }, () => {
    let k: Kit;
    before(async () => {
      k = await openKit(backend);
    });
    after(async () => k?.close());

    test('list gives counts, unread, threads, size, parents and roles', async () => {
      const inbox = await k.role(k.a, 'inbox');
      const d1 = await k.deliver(k.a, { subject: 'Conseil de classe' });
      await k.deliver(k.a, { subject: 'Re: Conseil de classe', inReplyTo: 'x@y' }, { keywords: ['\\Seen'] });
      const list = await listMailboxes(k.store, k.a, { threads: true, size: true });
      assert.deepEqual(list.map((m) => m.name).slice(0, 6), ['INBOX', 'Drafts', 'Sent', 'Archive', 'Junk', 'Trash']);
      const ib = list.find((m) => m.id === inbox)!;
      assert.equal(ib.role, 'inbox');
      assert.equal(ib.totalEmails, 2);
      assert.equal(ib.unreadEmails, 1);
      assert.equal(ib.totalThreads, 2);
      assert.equal(ib.unreadThreads, 1);
      assert.ok(ib.size > 200);
      assert.equal(ib.uidNext, d1.uid + 2);
      assert.ok(ib.highestModseq >= d1.modseq);
      assert.equal(ib.parentId, null);
      const lite = await getMailbox(k.store, k.a, inbox, { counts: false });
      assert.equal(lite!.totalEmails, 0);
    });

    test('counts asked again follow every change (deliveries, \\Seen, expunge, move), never a stale copy', async () => {
      const box = (await createMailbox(k.store, k.a, 'Comptes')).id;
      const other = (await createMailbox(k.store, k.a, 'Comptes-2')).id;
      const counts = async (id: MailboxId) => {
        const m = (await listMailboxes(k.store, k.a)).find((b) => b.id === id)!;
        const one = (await getMailbox(k.store, k.a, id))!;
        assert.deepEqual([one.totalEmails, one.unreadEmails], [m.totalEmails, m.unreadEmails]);
        return [m.totalEmails, m.unreadEmails];
      };
      assert.deepEqual(await counts(box), [0, 0]);
      await k.deliver(k.a, {}, { mailbox: box });
      await k.deliver(k.a, {}, { mailbox: box });
      assert.deepEqual(await counts(box), [2, 2]);
      assert.deepEqual(await counts(box), [2, 2]);
      await addFlags(k.store, k.a, box, [{ start: 1, end: 1 }], ['\\Seen']);
      assert.deepEqual(await counts(box), [2, 1]);
      await addFlags(k.store, k.a, box, [{ start: 2, end: 2 }], ['\\Deleted']);
      await expunge(k.store, k.a, box, { onlyDeleted: true });
      assert.deepEqual(await counts(box), [1, 0]);
      await moveMessages(k.store, k.a, box, 'all', other);
      assert.deepEqual(await counts(box), [0, 0]);
      assert.deepEqual(await counts(other), [1, 0]);
    });

    test('create implies parents, CREATE-SPECIAL-USE role is unique, names are unique', async () => {
      const r = await createMailbox(k.store, k.a, 'Élèves 2nde B/Réunions/2026');
      assert.equal(r.created.length, 3);
      const child = await getMailboxByName(k.store, k.a, 'Élèves 2nde B/Réunions/2026');
      const mid = await getMailboxByName(k.store, k.a, 'Élèves 2nde B/Réunions');
      assert.equal(child!.parentId, mid!.id);
      await assert.rejects(createMailbox(k.store, k.a, 'Élèves 2nde B'), code('MAILBOX_EXISTS'));
      const flagged = await createMailbox(k.store, k.a, 'Suivis', { role: 'flagged' });
      assert.equal((await getMailboxByRole(k.store, k.a, 'flagged'))!.id, flagged.id);
      await assert.rejects(createMailbox(k.store, k.a, 'Suivis 2', { role: 'flagged' }), code('ROLE_TAKEN'));
      await assert.rejects(createMailbox(k.store, k.a, 'X', { role: 'nonsense' }), code('ROLE_INVALID'));
      await assert.rejects(createMailbox(k.store, k.a, 'Y', { role: 'inbox' }), code('ROLE_INVALID'));
    });

    test('a re-created name gets a new UIDVALIDITY', async () => {
      const one = await createMailbox(k.store, k.a, 'Temp');
      const v1 = (await getMailbox(k.store, k.a, one.id))!.uidValidity;
      await deleteMailbox(k.store, k.a, one.id);
      const two = await createMailbox(k.store, k.a, 'Temp');
      assert.notEqual((await getMailbox(k.store, k.a, two.id))!.uidValidity, v1);
      await deleteMailbox(k.store, k.a, two.id);
    });

    test('rename moves the whole subtree and logs Mailbox updated', async () => {
      const top = (await getMailboxByName(k.store, k.a, 'Élèves 2nde B'))!;
      const before = await changesSince(k.store, k.a, 'Mailbox', top.updatedModseq);
      const r = await renameMailbox(k.store, k.a, top.id, 'Classes/2nde B');
      assert.equal(r.renamed.length, 3);
      assert.equal(r.created.length, 1);
      assert.ok(await getMailboxByName(k.store, k.a, 'Classes/2nde B/Réunions/2026'));
      assert.equal(await getMailboxByName(k.store, k.a, 'Élèves 2nde B/Réunions'), null);
      const ch = await changesSince(k.store, k.a, 'Mailbox', before.newState);
      assert.deepEqual(new Set(ch.updated), new Set(r.renamed));
      assert.deepEqual(ch.created, r.created);
      assert.equal(ch.updatedProperties, null);
      await assert.rejects(renameMailbox(k.store, k.a, top.id, 'Classes/2nde B/Réunions/sub'), code('MAILBOX_NAME_INVALID'));
      await assert.rejects(renameMailbox(k.store, k.a, top.id, 'Sent'), code('MAILBOX_EXISTS'));
    });

    test('renaming INBOX moves its messages to a new mailbox and leaves INBOX empty (RFC 9051 §6.3.6)', async () => {
      const inbox = await k.role(k.b, 'inbox');
      await k.deliver(k.b);
      await k.deliver(k.b);
      const before = await usage(k.store, k.b);
      const r = await renameMailbox(k.store, k.b, inbox, 'Ancienne boîte');
      const moved = (await getMailboxByName(k.store, k.b, 'Ancienne boîte'))!;
      assert.deepEqual(r.created, [moved.id]);
      assert.equal((await listUids(k.store, k.b, moved.id)).length, 2);
      assert.equal((await listUids(k.store, k.b, inbox)).length, 0);
      assert.equal((await getMailbox(k.store, k.b, inbox))!.name, 'INBOX');
      assert.deepEqual(await usage(k.store, k.b), before);
    });

    test('delete refuses roles, children and (JMAP) emails; destroys emails placed only there', async () => {
      await assert.rejects(deleteMailbox(k.store, k.a, await k.role(k.a, 'trash')), code('MAILBOX_HAS_ROLE'));
      const parent = await createMailbox(k.store, k.a, 'Projets/Voyage');
      await assert.rejects(deleteMailbox(k.store, k.a, parent.created[0]), code('MAILBOX_HAS_CHILD'));
      const leaf = parent.id;
      const d = await k.deliver(k.a, { pad: 5000 }, { mailbox: leaf });
      await assert.rejects(deleteMailbox(k.store, k.a, leaf, { removeEmails: false }), code('MAILBOX_HAS_EMAIL'));
      const before = await usage(k.store, k.a);
      const r = await deleteMailbox(k.store, k.a, leaf);
      assert.deepEqual(r.destroyedEmails, [d.emailId]);
      const after = await usage(k.store, k.a);
      assert.equal(after.stored, after.computed);
      assert.ok(before.stored - after.stored > 5000);
      assert.equal(await getMailbox(k.store, k.a, leaf), null);
      await deleteMailbox(k.store, k.a, parent.created[0]);
    });

    test('subscribe, sort order and role changes bump updatedModseq; count-only changes report updatedProperties', async () => {
      const inbox = await k.role(k.a, 'inbox');
      const id = (await createMailbox(k.store, k.a, 'Abonnement')).id;
      await setSubscribed(k.store, k.a, id, false);
      const m = (await getMailbox(k.store, k.a, id))!;
      assert.equal(m.subscribed, false);
      await updateMailbox(k.store, k.a, id, { sortOrder: 7, role: 'important' });
      assert.equal((await getMailbox(k.store, k.a, id))!.role, 'important');
      const state = (await changesSince(k.store, k.a, 'Mailbox', 0)).newState;
      await addFlags(k.store, k.a, inbox, 'all', ['\\Seen']);
      const ch = await changesSince(k.store, k.a, 'Mailbox', state);
      assert.deepEqual(ch.updated, [inbox]);
      assert.deepEqual(ch.updatedProperties, ['totalEmails', 'unreadEmails', 'totalThreads', 'unreadThreads']);
    });

    test("authorisation: another account's mailbox behaves as not found", async () => {
      const foreign = await k.role(k.b, 'trash');
      const own = (await createMailbox(k.store, k.b, 'Privé')).id;
      assert.equal(await getMailbox(k.store, k.a, own), null);
      assert.ok(!(await listMailboxes(k.store, k.a)).some((m) => m.id === own || m.id === foreign));
      await assert.rejects(renameMailbox(k.store, k.a, own, 'Volé'), code('MAILBOX_NOT_FOUND'));
      await assert.rejects(deleteMailbox(k.store, k.a, own), code('MAILBOX_NOT_FOUND'));
      await assert.rejects(setSubscribed(k.store, k.a, own as MailboxId, false), code('MAILBOX_NOT_FOUND'));
      assert.equal((await getMailbox(k.store, k.b, own))!.name, 'Privé');
    });
  });
}
