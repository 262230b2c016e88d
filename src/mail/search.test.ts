/** Search service: accents, fields, full text, flags, UIDs, dates, sizes, header scan, sorts, threads, windows, authorisation. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { EmailId, MailboxId } from '../store/ids.ts';
import { BACKENDS, openKit, type Kit } from './testkit.ts';
import { createMailbox } from './mailboxes.ts';
import { addFlags, expunge } from './messages.ts';
import { fts5Query, search, searchTokens, type SearchFilter, type SearchQuery } from './search.ts';
import { likeSuperset } from './search-sql.ts';
import type { IngestDelivery } from './ingest.ts';

const code = (c: string) => (e: unknown) => (e as { code?: string }).code === c;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 1);

test('FTS queries quote every word: user input never reaches the FTS syntax', () => {
  assert.deepEqual(searchTokens('Réunion "parents" OR *NEAR(x)'), ['reunion', 'parents', 'or', 'near', 'x']);
  assert.equal(fts5Query(['reunion', 'par'], 'subject'), 'subject : ("reunion" AND "par"*)');
  assert.deepEqual(searchTokens('  -- ; " '), []);
  assert.equal(likeSuperset('lefevre'), '%l_f_vr_%');
  assert.equal(likeSuperset('a%_\\'), '%_\\%\\_\\\\%');
});

for (const backend of BACKENDS) {
  describe(`search (${backend.name})`, { skip: backend.skip }, () => {
    let k: Kit;
    let box: MailboxId;
    let d: IngestDelivery[];
    const ids = (r: { ids: EmailId[] }) => r.ids.map((id) => d.findIndex((x) => x.emailId === id) + 1);
    const run = async (filter: SearchFilter, q: Partial<SearchQuery> = {}) => ids(await search({ store: k.store, blobs: k.blobs }, { account: k.a, mailbox: box, filter, ...q }));

    before(async () => {
      k = await openKit(backend);
      box = (await createMailbox(k.store, k.a, 'Recherche')).id;
      d = [];
      d.push(await k.deliver(k.a, { from: 'Élodie Lefèvre <elodie.lefevre@ac-test.fr>', to: 'Jean Dupont <jean.dupont@ac-test.fr>', subject: 'Réunion parents-professeurs', body: "Voici l'ordre du jour.", messageId: 'r1@ac-test.fr', date: 'Sun, 01 Mar 2026 09:00:00 +0100' }, { mailbox: box, receivedAt: T0, keywords: ['\\Seen'] }));
      d.push(await k.deliver(k.a, { from: 'Jean Dupont <jean.dupont@ac-test.fr>', to: 'Élodie Lefèvre <elodie.lefevre@ac-test.fr>', subject: 'Re: Réunion parents-professeurs', body: 'Je serai présent.', inReplyTo: 'r1@ac-test.fr', date: 'Tue, 03 Mar 2026 09:00:00 +0100', headers: ['List-Id: Professeurs <profs.ac-test.fr>'] }, { mailbox: box, receivedAt: T0 + 2 * DAY }));
      d.push(await k.deliver(k.a, { from: 'Zoé Martin <zoe.martin@ac-test.fr>', to: 'Élodie Lefèvre <elodie.lefevre@ac-test.fr>', cc: 'Œdipe Roi <oedipe@ac-test.fr>', subject: 'Sortie scolaire', body: 'Autorisation parentale à signer.', pad: 6000, date: 'Mon, 02 Mar 2026 09:00:00 +0100' }, { mailbox: box, receivedAt: T0 + DAY, keywords: ['$Junk'] }));
      await k.deliver(k.b, { subject: 'Réunion secrète', body: 'réunion' });
    });
    after(async () => k?.close());

    test('accents and case are ignored: "reunion" finds "Réunion"', async () => {
      assert.deepEqual(await run({ type: 'text', value: 'reunion' }), [1, 2]);
      assert.deepEqual(await run({ type: 'field', field: 'subject', value: 'RÉUNION parents' }), [1, 2]);
      assert.deepEqual(await run({ type: 'field', field: 'subject', value: 'réun' }), [1, 2]);
      assert.deepEqual(await run({ type: 'body', value: 'présent' }), [2]);
      assert.deepEqual(await run({ type: 'body', value: 'PRESENT' }), [2]);
      assert.deepEqual(await run({ type: 'text', value: 'autorisation parentale' }), [3]);
      assert.deepEqual(await run({ type: 'text', value: '"reunion" OR * NEAR(' }), []);
      assert.deepEqual(await run({ type: 'text', value: '' }), [1, 2, 3]);
    });

    test('address fields are told apart', async () => {
      assert.deepEqual(await run({ type: 'field', field: 'from', value: 'lefevre' }), [1]);
      assert.deepEqual(await run({ type: 'field', field: 'to', value: 'Lefèvre' }), [2, 3]);
      assert.deepEqual(await run({ type: 'field', field: 'from', value: 'jean.dupont@ac-test.fr' }), [2]);
      assert.deepEqual(await run({ type: 'field', field: 'cc', value: 'oedipe' }), [3]);
      assert.deepEqual(await run({ type: 'field', field: 'cc', value: 'Œdipe' }), [3]);
      assert.deepEqual(await run({ type: 'field', field: 'bcc', value: 'oedipe' }), []);
      assert.deepEqual(await run({ type: 'header', name: 'List-Id', value: 'profs.ac-test' }), [2]);
      assert.deepEqual(await run({ type: 'header', name: 'list-id', value: '' }), [2]);
      assert.deepEqual(await run({ type: 'header', name: 'Subject', value: 'sortie' }), [3]);
    });

    test('flags, UIDs, dates, sizes, attachments, modseq and boolean trees', async () => {
      assert.deepEqual(await run({ type: 'flag', flag: '\\Seen' }), [1]);
      assert.deepEqual(await run({ type: 'not', filter: { type: 'flag', flag: '\\seen' } }), [2, 3]);
      assert.deepEqual(await run({ type: 'flag', flag: '$junk' }), [3]);
      assert.deepEqual(await run({ type: 'uid', ranges: [{ start: d[1].uid, end: 1_000_000 }] }), [2, 3]);
      const many = Array.from({ length: 120 }, (_, i) => ({ start: d[0].uid + 3 * i, end: d[0].uid + 3 * i }));
      assert.deepEqual(await run({ type: 'uid', ranges: many }), [1]);
      assert.deepEqual(await run({ type: 'receivedBefore', ms: T0 + DAY }), [1]);
      assert.deepEqual(await run({ type: 'receivedSince', ms: T0 + DAY }), [2, 3]);
      assert.deepEqual(await run({ type: 'sentSince', ms: Date.UTC(2026, 2, 2, 12) }), [2]);
      assert.deepEqual(await run({ type: 'minSize', size: 5000 }), [3]);
      assert.deepEqual(await run({ type: 'maxSize', size: 5000 }), [1, 2]);
      assert.deepEqual(await run({ type: 'hasAttachment', value: true }), []);
      assert.deepEqual(await run({ type: 'modseqSince', modseq: d[2].modseq }), [3]);
      assert.deepEqual(await run({ type: 'or', filters: [{ type: 'flag', flag: '$Junk' }, { type: 'field', field: 'from', value: 'elodie' }] }), [1, 3]);
      assert.deepEqual(await run({ type: 'and', filters: [{ type: 'text', value: 'reunion' }, { type: 'not', filter: { type: 'flag', flag: '\\Seen' } }] }), [2]);
      assert.deepEqual(await run({ type: 'emailId', ids: [d[2].emailId] }), [3]);
      assert.deepEqual(await run({ type: 'threadId', ids: [d[0].threadId] }), [1, 2]);
    });

    test('sorts: receivedAt, size, from, subject (base subject), sentAt; ties by UID', async () => {
      assert.deepEqual(await run({ type: 'all' }, { sort: [{ property: 'receivedAt', descending: true }] }), [2, 3, 1]);
      assert.equal((await run({ type: 'all' }, { sort: [{ property: 'size', descending: true }] }))[0], 3);
      assert.deepEqual(await run({ type: 'all' }, { sort: [{ property: 'from' }] }), [1, 2, 3]);
      assert.deepEqual(await run({ type: 'all' }, { sort: [{ property: 'fromMailbox', descending: true }] }), [3, 2, 1]);
      assert.deepEqual(await run({ type: 'all' }, { sort: [{ property: 'subject' }] }), [1, 2, 3]);
      assert.deepEqual(await run({ type: 'all' }, { sort: [{ property: 'subject', descending: true }, { property: 'receivedAt', descending: true }] }), [3, 2, 1]);
      assert.deepEqual(await run({ type: 'all' }, { sort: [{ property: 'sentAt' }] }), [1, 3, 2]);
    });

    test('JMAP: inMailbox scope, collapseThreads, position, anchor, limit, total', async () => {
      const q = (extra: Partial<SearchQuery>) => search({ store: k.store }, { account: k.a, filter: { type: 'inMailbox', mailbox: box }, sort: [{ property: 'receivedAt', descending: true }], ...extra });
      let r = await q({ calculateTotal: true, limit: 2 });
      assert.deepEqual(ids(r), [2, 3]);
      assert.equal(r.total, 3);
      assert.deepEqual(r.uids, [d[1].uid, d[2].uid]);
      r = await q({ collapseThreads: true, calculateTotal: true });
      assert.deepEqual(ids(r), [2, 3]);
      assert.equal(r.total, 2);
      r = await q({ collapseThreads: true, calculateTotal: true, limit: 1 });
      assert.deepEqual(ids(r), [2]);
      assert.equal(r.total, 2);
      r = await q({ collapseThreads: true, position: 1, limit: 5 });
      assert.deepEqual(ids(r), [3]);
      assert.equal(r.position, 1);
      r = await q({ collapseThreads: true, position: -1, limit: 5 });
      assert.deepEqual(ids(r), [3]);
      r = await q({ position: -1, calculateTotal: true });
      assert.deepEqual(ids(r), [1]);
      assert.equal(r.position, 2);
      r = await q({ anchor: d[2].emailId, anchorOffset: -1, limit: 2 });
      assert.deepEqual(ids(r), [2, 3]);
      assert.equal(r.position, 0);
      await assert.rejects(q({ anchor: 999_999 as EmailId }), code('ANCHOR_NOT_FOUND'));
      r = await search({ store: k.store }, { account: k.a, filter: { type: 'and', filters: [{ type: 'inMailboxOtherThan', mailboxes: [box] }, { type: 'text', value: 'reunion' }] } });
      assert.deepEqual(r.ids, []);
      r = await search({ store: k.store }, { account: k.a, filter: { type: 'and', filters: [{ type: 'flag', flag: '$seen' }, { type: 'or', filters: [{ type: 'inMailbox', mailbox: box }] }] } });
      assert.deepEqual(ids(r), [1]);
    });

    test('the total of a whole mailbox leaves out expunged placements (tombstones)', async () => {
      const box2 = (await createMailbox(k.store, k.a, 'Totaux')).id;
      for (let i = 0; i < 3; i++) await k.deliver(k.a, { subject: `Total ${i}` }, { mailbox: box2 });
      const total = async () => (await search({ store: k.store }, { account: k.a, filter: { type: 'inMailbox', mailbox: box2 }, calculateTotal: true, limit: 1 })).total;
      assert.equal(await total(), 3);
      await addFlags(k.store, k.a, box2, [{ start: 1, end: 1 }], ['\\Deleted']);
      await expunge(k.store, k.a, box2, { onlyDeleted: true });
      assert.equal(await total(), 2);
    });

    test("authorisation: another account's mailbox and messages never match", async () => {
      const bInbox = await k.role(k.b, 'inbox');
      await assert.rejects(search({ store: k.store }, { account: k.a, mailbox: bInbox }), code('MAILBOX_NOT_FOUND'));
      const r = await search({ store: k.store }, { account: k.a, filter: { type: 'inMailbox', mailbox: bInbox }, calculateTotal: true });
      assert.deepEqual(r.ids, []);
      const all = await search({ store: k.store }, { account: k.a, filter: { type: 'text', value: 'secrete' } });
      assert.deepEqual(all.ids, []);
      const mine = await search({ store: k.store }, { account: k.b, filter: { type: 'text', value: 'secrete' } });
      assert.equal(mine.ids.length, 1);
      await addFlags(k.store, k.b, bInbox, 'all', ['\\Seen']);
      assert.deepEqual((await search({ store: k.store }, { account: k.a, filter: { type: 'flag', flag: '\\Seen' } })).ids.length, 1);
    });
  });
}
