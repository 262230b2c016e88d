/** JMAP Identity, EmailSubmission (send, schedule, cancel, onSuccess*), VacationResponse, Quota. RFC 8621 §6–§8, RFC 9425. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { addAlias } from '../src/accounts/service.ts';
import { startJmap, user, api, call, type JmapEnv, type Who } from './jmap-helpers.ts';

let env: JmapEnv;
let elodie: Who;
let jean: Who;
let cachee: Who;

before(async () => {
  env = await startJmap();
  elodie = await user(env, 'Élodie', 'Lefèvre');
  jean = await user(env, 'Jean', 'Martin');
  cachee = await user(env, 'Copie', 'Cachée');
});
after(() => env.stop());

test('Identity/get gives the default identity; set creates for an alias, refuses a foreign From; changes', async () => {
  const g = await call(env, elodie, 'Identity/get', {});
  assert.equal(g.list.length, 1);
  assert.equal(g.list[0].email, elodie.address);
  assert.equal(g.list[0].mayDelete, false);
  const alias = `vie.scolaire@${env.app.domain}`;
  await addAlias(env.app.ctx.store, elodie.address, alias);
  const s = await call(env, elodie, 'Identity/set', { create: { a: { email: alias, name: 'Vie scolaire', textSignature: '-- \nVie scolaire' }, b: { email: 'pirate@example.org' } } });
  assert.ok(s.created.a.id);
  assert.equal(s.notCreated.b.type, 'forbiddenFrom');
  const ch = await call(env, elodie, 'Identity/changes', { sinceState: g.state });
  assert.deepEqual(ch.created, [s.created.a.id]);
  const u = await call(env, elodie, 'Identity/set', { update: { [s.created.a.id]: { name: 'VS' }, [g.list[0].id]: { email: 'x@example.org' } } });
  assert.deepEqual(u.updated, { [s.created.a.id]: null });
  assert.equal(u.notUpdated[g.list[0].id].type, 'invalidProperties');
  const d = await call(env, elodie, 'Identity/set', { destroy: [g.list[0].id, s.created.a.id] });
  assert.equal(d.notDestroyed[g.list[0].id].type, 'forbidden');
  assert.deepEqual(d.destroyed, [s.created.a.id]);
  assert.deepEqual((await call(env, jean, 'Identity/get', { ids: [g.list[0].id] })).notFound, [g.list[0].id]);
});

async function draft(who: Who, to: Who, subject: string) {
  const mbs = await call(env, who, 'Mailbox/get', {});
  const drafts = mbs.list.find((m: any) => m.role === 'drafts').id;
  const sent = mbs.list.find((m: any) => m.role === 'sent').id;
  const c = await call(env, who, 'Email/set', {
    create: { d: { mailboxIds: { [drafts]: true }, keywords: { $draft: true }, from: [{ email: who.address }], to: [{ email: to.address }], bcc: [{ email: cachee.address }], subject, textBody: [{ partId: '1', type: 'text/plain' }], bodyValues: { '1': { value: 'Bonjour' } } } },
  });
  return { id: c.created.d.id as string, drafts, sent };
}

test('EmailSubmission/set sends to a colleague and moves the draft to Sent (onSuccessUpdateEmail)', async () => {
  const ident = (await call(env, elodie, 'Identity/get', {})).list[0].id;
  const d = await draft(elodie, jean, 'Conseil pédagogique');
  const r = await api(env, elodie, [
    ['EmailSubmission/set', { accountId: elodie.accountId, create: { s1: { identityId: ident, emailId: d.id } }, onSuccessUpdateEmail: { '#s1': { [`mailboxIds/${d.drafts}`]: null, [`mailboxIds/${d.sent}`]: true, 'keywords/$draft': null } } }, 'a'],
  ]);
  const [name, set] = r.methodResponses[0];
  assert.equal(set.notCreated, null, JSON.stringify(set.notCreated));
  assert.equal(name, 'EmailSubmission/set');
  assert.equal(set.created.s1.undoStatus, 'final');
  assert.equal(r.methodResponses[1][0], 'Email/set', 'implicit Email/set response follows');
  assert.deepEqual(r.methodResponses[1][1].updated, { [d.id]: null });
  const moved = (await call(env, elodie, 'Email/get', { ids: [d.id], properties: ['mailboxIds', 'keywords'] })).list[0];
  assert.deepEqual(moved.mailboxIds, { [d.sent]: true });
  const got = await call(env, jean, 'Email/query', { filter: { subject: 'pédagogique' } });
  assert.equal(got.ids.length, 1);
  const raw = await (await fetch(`${env.base}/jmap/download/${jean.accountId}/${(await call(env, jean, 'Email/get', { ids: got.ids, properties: ['blobId'] })).list[0].blobId}/m.eml`, { headers: { authorization: jean.auth } })).text();
  assert.doesNotMatch(raw, /^Bcc:/im, 'Bcc is removed before sending');
  const sub = await call(env, elodie, 'EmailSubmission/get', { ids: [set.created.s1.id] });
  assert.equal(sub.list[0].emailId, d.id);
  assert.equal(sub.list[0].envelope.mailFrom.email, elodie.address);
  assert.deepEqual(sub.list[0].envelope.rcptTo.map((x: any) => x.email).sort(), [cachee.address, jean.address].sort());
  const q = await call(env, elodie, 'EmailSubmission/query', { filter: { emailIds: [d.id] } });
  assert.deepEqual(q.ids, [set.created.s1.id]);
  assert.equal((await call(env, elodie, 'EmailSubmission/update_bad', {})).error.type, 'unknownMethod');
});

test('scheduled send (HOLDFOR, FUTURERELEASE-like) is pending and can be cancelled; errors', async () => {
  const ident = (await call(env, elodie, 'Identity/get', {})).list[0].id;
  const d = await draft(elodie, jean, 'Envoi programmé');
  const s0 = (await call(env, elodie, 'EmailSubmission/get', { ids: [] })).state;
  const r = await call(env, elodie, 'EmailSubmission/set', { create: { s: { identityId: ident, emailId: d.id, envelope: { mailFrom: { email: elodie.address, parameters: { HOLDFOR: '3600' } }, rcptTo: [{ email: jean.address }] } } } });
  const id = r.created.s.id;
  assert.equal(r.created.s.undoStatus, 'pending');
  assert.ok(Date.parse(r.created.s.sendAt) > Date.now() + 3500_000);
  const ch = await call(env, elodie, 'EmailSubmission/changes', { sinceState: s0 });
  assert.deepEqual(ch.created, [id]);
  const c = await call(env, elodie, 'EmailSubmission/set', { update: { [id]: { undoStatus: 'canceled' } } });
  assert.deepEqual(c.updated, { [id]: null });
  assert.equal((await call(env, elodie, 'EmailSubmission/get', { ids: [id] })).list[0].undoStatus, 'canceled');
  const again = await call(env, elodie, 'EmailSubmission/set', { update: { [id]: { undoStatus: 'canceled' } } });
  assert.equal(again.notUpdated[id].type, 'cannotUnsend');
  assert.equal((await call(env, jean, 'Email/query', { filter: { subject: 'programmé' } })).ids.length, 0);
  const bad = await call(env, elodie, 'EmailSubmission/set', { create: { x: { identityId: 'i999999', emailId: d.id }, y: { identityId: ident, emailId: 'e999999' }, z: { identityId: ident, emailId: d.id, envelope: { mailFrom: { email: 'pirate@example.org' }, rcptTo: [{ email: jean.address }] } } } });
  assert.equal(bad.notCreated.x.type, 'invalidProperties');
  assert.equal(bad.notCreated.y.type, 'invalidProperties');
  assert.equal(bad.notCreated.z.type, 'forbiddenFrom');
  assert.equal((await call(env, jean, 'EmailSubmission/set', { update: { [id]: { undoStatus: 'canceled' } } })).notUpdated[id].type, 'notFound');
  const del = await call(env, elodie, 'EmailSubmission/set', { destroy: [id] });
  assert.deepEqual(del.destroyed, [id]);
});

test('onSuccessUpdateEmail / onSuccessDestroyEmail also follow an update (cancel) and a destroy, only when it succeeds (RFC 8621 §7.5)', async () => {
  const ident = (await call(env, elodie, 'Identity/get', {})).list[0].id;
  const d = await draft(elodie, jean, 'Rappel sortie scolaire');
  const toSent = { [`mailboxIds/${d.drafts}`]: null, [`mailboxIds/${d.sent}`]: true, 'keywords/$draft': null };
  const backToDrafts = { [`mailboxIds/${d.drafts}`]: true, [`mailboxIds/${d.sent}`]: null, 'keywords/$draft': true };
  const placeOf = async () => (await call(env, elodie, 'Email/get', { ids: [d.id], properties: ['mailboxIds', 'keywords'] })).list[0];
  const made = await api(env, elodie, [['EmailSubmission/set', { accountId: elodie.accountId, create: { s: { identityId: ident, emailId: d.id, envelope: { mailFrom: { email: elodie.address, parameters: { HOLDFOR: '3600' } }, rcptTo: [{ email: jean.address }] } } }, onSuccessUpdateEmail: { '#s': toSent } }, 'a']]);
  const id = made.methodResponses[0][1].created.s.id as string;
  assert.deepEqual((await placeOf()).mailboxIds, { [d.sent]: true });

  // The cancel (an update) carries the move back to Drafts: one implicit Email/set follows it.
  const c = await api(env, elodie, [['EmailSubmission/set', { accountId: elodie.accountId, update: { [id]: { undoStatus: 'canceled' } }, onSuccessUpdateEmail: { [id]: backToDrafts } }, 'c']]);
  assert.deepEqual(c.methodResponses[0][1].updated, { [id]: null });
  assert.equal(c.methodResponses.length, 2, JSON.stringify(c.methodResponses));
  assert.equal(c.methodResponses[1][0], 'Email/set');
  assert.equal(c.methodResponses[1][2], 'c', 'same call id');
  assert.deepEqual(c.methodResponses[1][1].updated, { [d.id]: null });
  const back = await placeOf();
  assert.deepEqual(back.mailboxIds, { [d.drafts]: true });
  assert.equal(back.keywords.$draft, true);

  // A refused update (already canceled: cannotUnsend) changes no Email.
  const again = await api(env, elodie, [['EmailSubmission/set', { accountId: elodie.accountId, update: { [id]: { undoStatus: 'canceled' } }, onSuccessUpdateEmail: { [id]: toSent } }, 'x']]);
  assert.equal(again.methodResponses[0][1].notUpdated[id].type, 'cannotUnsend');
  assert.equal(again.methodResponses.length, 1, 'no implicit Email/set');
  assert.deepEqual((await placeOf()).mailboxIds, { [d.drafts]: true });

  // A destroy carries onSuccessDestroyEmail and onSuccessUpdateEmail of the destroyed id; an unknown one nothing.
  const other = await draft(elodie, jean, 'Autre brouillon');
  const gone = await api(env, elodie, [['EmailSubmission/set', { accountId: elodie.accountId, destroy: [id, 's999999'], onSuccessDestroyEmail: [id, 's999999'], onSuccessUpdateEmail: { s999999: { 'keywords/$flagged': true } } }, 'd']]);
  assert.deepEqual(gone.methodResponses[0][1].destroyed, [id]);
  assert.equal(gone.methodResponses[0][1].notDestroyed.s999999.type, 'notFound');
  assert.deepEqual(gone.methodResponses[1][1].destroyed, [d.id]);
  assert.equal(gone.methodResponses[1][1].updated, null);
  assert.deepEqual((await call(env, elodie, 'Email/get', { ids: [d.id, other.id], properties: ['keywords'] })).notFound, [d.id]);
  assert.equal((await call(env, elodie, 'Email/get', { ids: [other.id], properties: ['keywords'] })).list[0].keywords.$flagged, undefined);
  assert.equal((await call(env, jean, 'Email/query', { filter: { subject: 'sortie scolaire' } })).ids.length, 0, 'never delivered');
});

test('VacationResponse/get and set (singleton), Quota/get', async () => {
  const g = await call(env, elodie, 'VacationResponse/get', {});
  assert.deepEqual(g.list[0], { id: 'singleton', isEnabled: false, fromDate: null, toDate: null, subject: null, textBody: null, htmlBody: null });
  const s = await call(env, elodie, 'VacationResponse/set', { update: { singleton: { isEnabled: true, fromDate: '2026-12-19T17:00:00Z', toDate: '2027-01-04T07:00:00Z', subject: 'Absente', textBody: 'Je suis en congé.' } }, create: { x: {} }, destroy: ['singleton'] });
  assert.deepEqual(s.updated, { singleton: null });
  assert.equal(s.notCreated.x.type, 'singleton');
  assert.equal(s.notDestroyed.singleton.type, 'singleton');
  assert.notEqual(s.newState, s.oldState);
  const g2 = (await call(env, elodie, 'VacationResponse/get', { ids: ['singleton'] })).list[0];
  assert.equal(g2.isEnabled, true);
  assert.equal(g2.toDate, '2027-01-04T07:00:00Z');
  const bad = await call(env, elodie, 'VacationResponse/set', { update: { singleton: { fromDate: 'demain' }, other: { isEnabled: true } } });
  assert.equal(bad.notUpdated.singleton.type, 'invalidProperties');
  assert.equal(bad.notUpdated.other.type, 'notFound');
  assert.equal((await call(env, jean, 'VacationResponse/get', {})).list[0].isEnabled, false, 'per account');
  const q = await call(env, elodie, 'Quota/get', { ids: ['mail', 'other'] });
  assert.equal(q.list[0].id, 'mail');
  assert.deepEqual(q.notFound, ['other']);
});
