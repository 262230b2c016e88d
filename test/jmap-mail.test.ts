/** JMAP mail: Mailbox, Thread, Email (get, query, changes, set, import, parse), SearchSnippet, blobs. RFC 8621 §2–§5, RFC 8620 §5, §6. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setAccountQuota } from '../src/accounts/service.ts';
import { startJmap, user, api, call, deliver, type JmapEnv, type Who } from './jmap-helpers.ts';

let env: JmapEnv;
let elodie: Who;
let jean: Who;
let inbox: string;
let trash: string;

before(async () => {
  env = await startJmap();
  elodie = await user(env, 'Élodie', 'Lefèvre');
  jean = await user(env, 'Jean', 'Martin');
  const q = await call(env, elodie, 'Mailbox/query', { filter: { role: 'inbox' } });
  inbox = q.ids[0];
  trash = (await call(env, elodie, 'Mailbox/query', { filter: { role: 'trash' } })).ids[0];
});
after(() => env.stop());

test('Mailbox/get lists the default mailboxes with counts and rights', async () => {
  await deliver(env, elodie, { subject: 'Compte' });
  const r = await call(env, elodie, 'Mailbox/get', {});
  const roles = r.list.map((m: any) => m.role).sort();
  assert.deepEqual(roles, ['archive', 'drafts', 'inbox', 'junk', 'sent', 'trash']);
  const ib = r.list.find((m: any) => m.role === 'inbox');
  assert.ok(ib.totalEmails >= 1 && ib.unreadEmails >= 1);
  assert.equal(ib.myRights.mayDelete, false);
  const nf = await call(env, elodie, 'Mailbox/get', { ids: ['m999999', 'zzz'] });
  assert.deepEqual(nf.notFound, ['m999999', 'zzz']);
  const other = await call(env, jean, 'Mailbox/get', { ids: [inbox] });
  assert.deepEqual(other.notFound, [inbox], "another account's mailbox is notFound");
  assert.equal((await call(env, elodie, 'Mailbox/get', { properties: ['nope'] })).error.type, 'invalidArguments');
});

test('Mailbox/set create, rename, move, destroy; errors; Mailbox/changes', async () => {
  const s0 = (await call(env, elodie, 'Mailbox/get', { ids: [] })).state;
  const c = await call(env, elodie, 'Mailbox/set', { create: { a: { name: 'Projets' }, bad: { name: 'x/y' }, ro: { name: 'Z', totalEmails: 3 } } });
  const id = c.created.a.id;
  assert.equal(c.notCreated.bad.type, 'invalidProperties');
  assert.equal(c.notCreated.ro.type, 'invalidProperties');
  const u = await call(env, elodie, 'Mailbox/set', { update: { [id]: { name: 'Projets 2026', parentId: inbox } } });
  assert.deepEqual(u.updated, { [id]: null });
  const g = await call(env, elodie, 'Mailbox/get', { ids: [id] });
  assert.equal(g.list[0].name, 'Projets 2026');
  assert.equal(g.list[0].parentId, inbox);
  const ch = await call(env, elodie, 'Mailbox/changes', { sinceState: s0 });
  assert.ok(ch.created.includes(id));
  assert.equal(ch.hasMoreChanges, false);
  assert.equal(ch.newState, g.state);
  // errors: destroy a role mailbox, a parent with children, unknown id, stateMismatch
  const d = await call(env, elodie, 'Mailbox/set', { destroy: [inbox, 'm999999'] });
  assert.equal(d.notDestroyed[inbox].type, 'forbidden');
  assert.equal(d.notDestroyed['m999999'].type, 'notFound');
  const other = await call(env, jean, 'Mailbox/set', { destroy: [id], update: { [id]: { name: 'volé' } } });
  assert.equal(other.notDestroyed[id].type, 'notFound');
  assert.equal(other.notUpdated[id].type, 'notFound');
  assert.equal((await call(env, elodie, 'Mailbox/set', { ifInState: 'x1', destroy: [id] })).error.type, 'stateMismatch');
  const e = await deliver(env, elodie, { subject: 'dans projets' });
  await call(env, elodie, 'Email/set', { update: { [e.emailId]: { mailboxIds: { [id]: true } } } });
  const full = await call(env, elodie, 'Mailbox/set', { destroy: [id] });
  assert.equal(full.notDestroyed[id].type, 'mailboxHasEmail');
  const ok = await call(env, elodie, 'Mailbox/set', { destroy: [id], onDestroyRemoveEmails: true });
  assert.deepEqual(ok.destroyed, [id]);
  assert.equal((await call(env, elodie, 'Mailbox/changes', { sinceState: 'garbage' })).error.type, 'cannotCalculateChanges');
  assert.equal((await call(env, elodie, 'Mailbox/changes', { sinceState: '99999999' })).error.type, 'cannotCalculateChanges');
});

test('Email/get: list-row properties, header forms, body values, attachments, safe HTML, verdict', async () => {
  const html = '<p onclick="x()">Bonjour <b>Élodie</b><script>alert(1)</script><img src="https://tracker.example/p.gif"><img src="cid:logo@x"><a href="javascript:alert(1)">lien</a></p>';
  const d = await deliver(env, elodie, { subject: 'Sortie =?UTF-8?Q?sc=C3=A8ne?=', text: 'Version texte', html, headers: 'List-Id: <parents.ac-test.fr>\r\nX-Priorite: haute', verdict: { spam: 0.1, tags: ['ok'] } });
  const r = await call(env, elodie, 'Email/get', {
    ids: [d.emailId, 'e999999'],
    properties: ['subject', 'from', 'to', 'mailboxIds', 'keywords', 'receivedAt', 'preview', 'textBody', 'htmlBody', 'bodyValues', 'header:List-Id:asText', 'header:X-Priorite', 'header:From:asAddresses', 'header:Subject:asText:all', 'messageId', 'sentAt', 'preauVerdict', 'preauSafeHtml', 'bodyStructure', 'threadId', 'size', 'blobId'],
    fetchAllBodyValues: true,
    maxBodyValueBytes: 10,
  });
  assert.deepEqual(r.notFound, ['e999999']);
  const e = r.list[0];
  assert.equal(e.subject, 'Sortie scène');
  assert.deepEqual(e.from, [{ name: 'Parent Élève', email: 'parent@example.org' }]);
  assert.deepEqual(e.mailboxIds, { [inbox]: true });
  assert.deepEqual(e.keywords, {});
  assert.equal(e['header:List-Id:asText'], '<parents.ac-test.fr>');
  assert.equal(e['header:X-Priorite'], ' haute');
  assert.equal(e['header:From:asAddresses'][0].email, 'parent@example.org');
  assert.deepEqual(e['header:Subject:asText:all'], ['Sortie scène']);
  assert.equal(e.sentAt, '2026-11-02T09:00:00Z');
  assert.equal(e.textBody[0].type, 'text/plain');
  assert.equal(e.htmlBody[0].type, 'text/html');
  const tv = e.bodyValues[e.textBody[0].partId];
  assert.equal(tv.value, 'Version te');
  assert.equal(tv.isTruncated, true);
  assert.deepEqual(e.preauVerdict, { spam: 0.1, tags: ['ok'] });
  const safe = e.preauSafeHtml.html as string;
  assert.doesNotMatch(safe, /script|onclick|javascript:/i);
  assert.match(safe, /data-preau-src="https:\/\/tracker.example\/p.gif"/);
  assert.equal(e.preauSafeHtml.blockedImages, 1);
  assert.equal(e.bodyStructure.type, 'multipart/alternative');
  assert.equal(e.bodyStructure.subParts.length, 2);
  // the text part downloads through its part blob id
  const part = e.textBody[0];
  const dl = await fetch(`${env.base}/jmap/download/${elodie.accountId}/${part.blobId}/texte.txt?type=text/plain`, { headers: { authorization: elodie.auth } });
  assert.equal(dl.status, 200);
  assert.equal((await dl.text()).trim(), 'Version texte');
  // another account can neither read the email nor download its blobs
  assert.deepEqual((await call(env, jean, 'Email/get', { ids: [d.emailId] })).notFound, [d.emailId]);
  const stolen = await fetch(`${env.base}/jmap/download/${jean.accountId}/${part.blobId}/x`, { headers: { authorization: jean.auth } });
  assert.equal(stolen.status, 404);
  const cross = await fetch(`${env.base}/jmap/download/${elodie.accountId}/${part.blobId}/x`, { headers: { authorization: jean.auth } });
  assert.equal(cross.status, 404);
  // without the verdict capability the property is unknown
  const plain = await api(env, elodie, [['Email/get', { accountId: elodie.accountId, ids: [d.emailId], properties: ['preauVerdict'] }, 'x']], ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail']);
  assert.equal(plain.methodResponses[0][1].type, 'invalidArguments');
  assert.equal((await call(env, elodie, 'Email/get', { ids: null })).error.type, 'requestTooLarge');
});

test('Email/query: filters, sorts, collapseThreads, anchors, totals; Thread/get', async () => {
  const who = await user(env, 'Query', 'Tester');
  const a = await deliver(env, who, { subject: 'Réunion parents', from: 'Alice <alice@example.org>', text: 'ordre du jour', messageId: 'reunion-1@example.org' });
  const b = await deliver(env, who, { subject: 'Cantine', from: 'Bob <bob@example.org>', text: 'menus de la semaine', keywords: ['\\Seen'] });
  const reply = await deliver(env, who, { subject: 'Re: Réunion parents', from: 'Chloé <chloe@example.org>', headers: 'In-Reply-To: <reunion-1@example.org>', text: 'je serai là' });
  const all = await call(env, who, 'Email/query', { calculateTotal: true });
  assert.equal(all.total, 3);
  assert.equal(all.canCalculateChanges, true);
  assert.deepEqual(all.ids, [reply.emailId, b.emailId, a.emailId], 'receivedAt descending by default');
  const unread = await call(env, who, 'Email/query', { filter: { notKeyword: '$seen' } });
  assert.deepEqual(unread.ids.sort(), [a.emailId, reply.emailId].sort());
  const seen = await call(env, who, 'Email/query', { filter: { hasKeyword: '$seen', inMailbox: b.mailboxId } });
  assert.deepEqual(seen.ids, [b.emailId]);
  const txt = await call(env, who, 'Email/query', { filter: { text: 'reunion' } });
  assert.equal(txt.ids.length, 2);
  const from = await call(env, who, 'Email/query', { filter: { from: 'bob' } });
  assert.deepEqual(from.ids, [b.emailId]);
  const bySubject = await call(env, who, 'Email/query', { sort: [{ property: 'subject', isAscending: true }] });
  assert.equal(bySubject.ids[0], b.emailId);
  const or = await call(env, who, 'Email/query', { filter: { operator: 'OR', conditions: [{ from: 'alice' }, { from: 'bob' }] } });
  assert.equal(or.ids.length, 2);
  const page = await call(env, who, 'Email/query', { anchor: b.emailId, anchorOffset: 1, limit: 1 });
  assert.deepEqual(page.ids, [a.emailId]);
  assert.equal(page.position, 2);
  assert.equal((await call(env, who, 'Email/query', { anchor: 'e999999' })).error.type, 'anchorNotFound');
  assert.equal((await call(env, who, 'Email/query', { sort: [{ property: 'nope' }] })).error.type, 'unsupportedSort');
  assert.equal((await call(env, who, 'Email/query', { filter: { allInThreadHaveKeyword: '$seen' } })).error.type, 'unsupportedFilter');
  const collapsed = await call(env, who, 'Email/query', { collapseThreads: true, calculateTotal: true });
  assert.equal(collapsed.total, 2);
  assert.equal(reply.threadId, a.threadId, 'In-Reply-To threads the reply');
  const t = await call(env, who, 'Thread/get', { ids: [a.threadId, 't999999'] });
  assert.deepEqual(t.list[0].emailIds, [a.emailId, reply.emailId]);
  assert.deepEqual(t.notFound, ['t999999']);
  assert.deepEqual((await call(env, elodie, 'Thread/get', { ids: [a.threadId] })).notFound, [a.threadId]);
  const snip = await call(env, who, 'SearchSnippet/get', { filter: { text: 'menus' }, emailIds: [b.emailId, 'e999999'] });
  assert.match(snip.list[0].preview, /<mark>menus<\/mark>/);
  assert.deepEqual(snip.notFound, ['e999999']);
});

test('Email/changes and Email/queryChanges from the change log; tooManyChanges, cannotCalculateChanges', async () => {
  const who = await user(env, 'Change', 'Log');
  await deliver(env, who, { subject: 'un' });
  const q0 = await call(env, who, 'Email/query', { filter: { notKeyword: '$seen' } });
  const s0 = q0.queryState;
  const n1 = await deliver(env, who, { subject: 'deux' });
  const n2 = await deliver(env, who, { subject: 'trois' });
  const ch = await call(env, who, 'Email/changes', { sinceState: s0 });
  assert.deepEqual(ch.created.sort(), [n1.emailId, n2.emailId].sort());
  assert.equal(ch.oldState, s0);
  const paged = await call(env, who, 'Email/changes', { sinceState: s0, maxChanges: 1 });
  assert.equal(paged.hasMoreChanges, true);
  assert.equal(paged.created.length, 1);
  const rest = await call(env, who, 'Email/changes', { sinceState: paged.newState, maxChanges: 1 });
  assert.equal(rest.created.length, 1);
  assert.notEqual(rest.created[0], paged.created[0]);
  await call(env, who, 'Email/set', { update: { [n1.emailId]: { 'keywords/$seen': true } } });
  const qc = await call(env, who, 'Email/queryChanges', { filter: { notKeyword: '$seen' }, sinceQueryState: s0 });
  assert.ok(qc.removed.includes(n1.emailId));
  assert.deepEqual(qc.added.map((x: any) => x.id), [n2.emailId]);
  assert.equal(qc.added[0].index, 0);
  const tm = await call(env, who, 'Email/queryChanges', { filter: {}, sinceQueryState: s0, maxChanges: 1 });
  assert.equal(tm.error.type, 'tooManyChanges');
  assert.equal((await call(env, who, 'Email/queryChanges', { sinceQueryState: 'zz' })).error.type, 'cannotCalculateChanges');
  assert.equal((await call(env, who, 'Email/changes', { sinceState: '999999999' })).error.type, 'cannotCalculateChanges');
  assert.equal((await call(env, who, 'Email/changes', {})).error.type, 'invalidArguments');
});

test('Email/set: keywords and mailboxIds patches, create a draft from parts, destroy, errors', async () => {
  const who = await user(env, 'Set', 'Email');
  const mbs = await call(env, who, 'Mailbox/get', {});
  const box = (role: string) => mbs.list.find((m: any) => m.role === role).id;
  const d = await deliver(env, who, { subject: 'à ranger' });
  const up = await call(env, who, 'Email/set', { update: { [d.emailId]: { 'keywords/$flagged': true, 'keywords/$seen': true, [`mailboxIds/${box('archive')}`]: true, [`mailboxIds/${box('inbox')}`]: null } } });
  assert.deepEqual(up.updated, { [d.emailId]: null });
  const g = (await call(env, who, 'Email/get', { ids: [d.emailId], properties: ['keywords', 'mailboxIds'] })).list[0];
  assert.deepEqual(g.keywords, { $flagged: true, $seen: true });
  assert.deepEqual(g.mailboxIds, { [box('archive')]: true });
  const bad = await call(env, who, 'Email/set', { update: { [d.emailId]: { mailboxIds: {} }, e999999: { keywords: {} } } });
  assert.equal(bad.notUpdated[d.emailId].type, 'invalidProperties');
  assert.equal(bad.notUpdated.e999999.type, 'notFound');
  assert.equal((await call(env, who, 'Email/set', { update: { [d.emailId]: { subject: 'x' } } })).notUpdated[d.emailId].type, 'invalidProperties');
  // upload an attachment, then create a draft from parts
  const up1 = await fetch(`${env.base}/jmap/upload/${who.accountId}/`, { method: 'POST', headers: { authorization: who.auth, 'content-type': 'application/pdf' }, body: Buffer.from('%PDF-1.4 fake') });
  assert.equal(up1.status, 201);
  const blob: any = await up1.json();
  assert.equal(blob.size, 13);
  const c = await call(env, who, 'Email/set', {
    create: {
      draft: {
        mailboxIds: { [box('drafts')]: true },
        keywords: { $draft: true, $seen: true },
        from: [{ name: 'Set Email', email: who.address }],
        to: [{ name: 'Élodie', email: elodie.address }],
        bcc: [{ name: null, email: 'cache@example.org' }],
        subject: 'Compte rendu du conseil',
        textBody: [{ partId: 't', type: 'text/plain' }],
        htmlBody: [{ partId: 'h', type: 'text/html' }],
        bodyValues: { t: { value: 'Bonjour à tous' }, h: { value: '<p>Bonjour à <b>tous</b></p>' } },
        attachments: [{ blobId: blob.blobId, type: 'application/pdf', name: 'compte-rendu.pdf' }],
      },
      nomb: { subject: 'sans boîte' },
      noblob: { mailboxIds: { [box('drafts')]: true }, attachments: [{ blobId: 'f'.repeat(64), type: 'image/png' }] },
    },
  });
  assert.equal(c.notCreated.nomb.type, 'invalidProperties');
  assert.equal(c.notCreated.noblob.type, 'blobNotFound');
  const draft = c.created.draft;
  const e = (await call(env, who, 'Email/get', { ids: [draft.id], properties: ['subject', 'bcc', 'keywords', 'attachments', 'bodyValues', 'hasAttachment'], fetchTextBodyValues: true })).list[0];
  assert.equal(e.subject, 'Compte rendu du conseil');
  assert.deepEqual(e.bcc, [{ name: null, email: 'cache@example.org' }]);
  assert.deepEqual(e.keywords, { $draft: true, $seen: true });
  assert.equal(e.attachments[0].name, 'compte-rendu.pdf');
  assert.equal(Object.values(e.bodyValues as Record<string, any>)[0].value, 'Bonjour à tous');
  const pdf = await fetch(`${env.base}/jmap/download/${who.accountId}/${e.attachments[0].blobId}/cr.pdf`, { headers: { authorization: who.auth } });
  assert.equal(await pdf.text(), '%PDF-1.4 fake');
  assert.match(pdf.headers.get('content-disposition') ?? '', /attachment; filename="cr.pdf"/);
  const del = await call(env, who, 'Email/set', { destroy: [draft.id, 'e999999'] });
  assert.deepEqual(del.destroyed, [draft.id]);
  assert.equal(del.notDestroyed.e999999.type, 'notFound');
  assert.deepEqual((await call(env, who, 'Email/get', { ids: [draft.id] })).notFound, [draft.id]);
  assert.equal((await call(env, who, 'Email/set', { ifInState: '0', destroy: [d.emailId] })).error.type, 'stateMismatch');
  assert.equal((await call(env, jean, 'Email/set', { destroy: [d.emailId] })).notDestroyed[d.emailId].type, 'notFound');
});

test('Email/import, Email/parse, Email/copy, upload quota and overQuota', async () => {
  const who = await user(env, 'Import', 'Quota');
  const raw = 'From: Directeur <dir@example.org>\r\nTo: x@example.org\r\nSubject: Importé\r\nMessage-ID: <imp1@example.org>\r\n\r\nCorps importé\r\n';
  const up = await fetch(`${env.base}/jmap/upload/${who.accountId}/`, { method: 'POST', headers: { authorization: who.auth, 'content-type': 'message/rfc822' }, body: raw });
  const blob: any = await up.json();
  const parsed = await call(env, who, 'Email/parse', { blobIds: [blob.blobId, 'a'.repeat(64)], fetchTextBodyValues: true });
  assert.equal(parsed.parsed[blob.blobId].subject, 'Importé');
  assert.equal(parsed.parsed[blob.blobId].messageId[0], 'imp1@example.org');
  assert.deepEqual(parsed.notFound, ['a'.repeat(64)]);
  const inb = (await call(env, who, 'Mailbox/query', { filter: { role: 'inbox' } })).ids[0];
  const imp = await call(env, who, 'Email/import', { emails: { i1: { blobId: blob.blobId, mailboxIds: { [inb]: true }, keywords: { $seen: true }, receivedAt: '2026-01-15T08:00:00Z' }, i2: { blobId: 'b'.repeat(64), mailboxIds: { [inb]: true } } } });
  assert.equal(imp.notCreated.i2.type, 'blobNotFound');
  const got = (await call(env, who, 'Email/get', { ids: [imp.created.i1.id], properties: ['subject', 'receivedAt', 'keywords'] })).list[0];
  assert.equal(got.receivedAt, '2026-01-15T08:00:00Z');
  assert.deepEqual(got.keywords, { $seen: true });
  // another account cannot import this upload
  assert.equal((await call(env, jean, 'Email/import', { emails: { x: { blobId: blob.blobId, mailboxIds: { m1: true } } } })).notCreated.x.type, 'blobNotFound');
  assert.equal((await call(env, who, 'Email/copy', { fromAccountId: jean.accountId, create: {} })).error.type, 'fromAccountNotFound');
  // quota: uploads count; over the quota the upload is refused and the import fails with overQuota
  await setAccountQuota(env.app.ctx.store, who.address, 2000);
  const q = (await call(env, who, 'Quota/get', { ids: null })).list[0];
  assert.equal(q.resourceType, 'octets');
  assert.equal(q.scope, 'account');
  assert.equal(q.hardLimit, 2000);
  assert.ok(q.used > 0);
  const tooBig = await fetch(`${env.base}/jmap/upload/${who.accountId}/`, { method: 'POST', headers: { authorization: who.auth, 'content-type': 'text/plain' }, body: 'x'.repeat(3000) });
  assert.equal(tooBig.status, 413);
  await setAccountQuota(env.app.ctx.store, who.address, q.used + 10);
  const over = await call(env, who, 'Email/import', { emails: { o: { blobId: blob.blobId, mailboxIds: { [inb]: true } } } });
  assert.equal(over.notCreated.o.type, 'overQuota');
  // RFC 8620 §6: an upload that does not fit drops the oldest pending uploads first (here the
  // message's own upload, already stored by the import), and is refused only if that is not enough.
  await setAccountQuota(env.app.ctx.store, who.address, q.used + 300);
  const fits = await fetch(`${env.base}/jmap/upload/${who.accountId}/`, { method: 'POST', headers: { authorization: who.auth, 'content-type': 'text/plain' }, body: 'y'.repeat(250) });
  assert.equal(fits.status, 201, 'room made by dropping the older upload');
  const never = await fetch(`${env.base}/jmap/upload/${who.accountId}/`, { method: 'POST', headers: { authorization: who.auth, 'content-type': 'text/plain' }, body: 'z'.repeat(400) });
  assert.equal(never.status, 413, 'bigger than the room left even without uploads');
  const wrongAcct = await fetch(`${env.base}/jmap/upload/${jean.accountId}/`, { method: 'POST', headers: { authorization: who.auth, 'content-type': 'text/plain' }, body: 'x' });
  assert.equal(wrongAcct.status, 404);
});

test('Préau extension Email/reportPhishing: $phishing + $junk, moved to Junk; $junk via Email/set trains', async () => {
  const who = await user(env, 'Signale', 'Phishing');
  const d = await deliver(env, who, { subject: 'Votre compte ENT expire', text: 'Cliquez ici pour valider votre mot de passe' });
  const r = await call(env, who, 'Email/reportPhishing', { emailIds: [d.emailId, 'e999999'], comment: 'faux ENT' });
  assert.deepEqual(r.reported, [d.emailId]);
  assert.deepEqual(r.notFound, ['e999999']);
  const e = (await call(env, who, 'Email/get', { ids: [d.emailId], properties: ['keywords', 'mailboxIds'] })).list[0];
  assert.equal(e.keywords.$phishing, true);
  assert.equal(e.keywords.$junk, true);
  const junk = (await call(env, who, 'Mailbox/query', { filter: { role: 'junk' } })).ids[0];
  assert.deepEqual(e.mailboxIds, { [junk]: true });
  const d2 = await deliver(env, who, { subject: 'Promo' });
  const up = await call(env, who, 'Email/set', { update: { [d2.emailId]: { 'keywords/$junk': true } } });
  assert.deepEqual(up.updated, { [d2.emailId]: null });
  const trained = await env.app.ctx.store.db.selectFrom('bayes_trained' as any).selectAll().where('account_id', '=', who.id).execute();
  assert.equal(trained.length, 2, 'both messages trained as spam');
});
