/** Interop: a scenario driven by jmap-jam, an independent JMAP client library from npm (Bearer = web session token). */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createAuthDeps, createSession } from '../src/auth/index.ts';
import { startJmap, user, deliver, type JmapEnv, type Who } from './jmap-helpers.ts';

let env: JmapEnv;
let elodie: Who;

before(async () => {
  env = await startJmap();
  elodie = await user(env, 'Élodie', 'Lefèvre');
});
after(() => env.stop());

test('jmap-jam: session, mailboxes, query + get by result reference, flag as read, upload and import', async () => {
  const auth = createAuthDeps({ store: env.app.ctx.store, config: env.app.ctx.config });
  const { token } = await createSession(auth, { accountId: elodie.id, stage: 'ok', shared: false, ip: '127.0.0.1', userAgent: 'jam' });
  await deliver(env, elodie, { subject: 'Bulletin du trimestre', text: 'Veuillez trouver le bulletin.' });
  // jmap-jam's types come from jmap-rfc-types, shipped as .ts with enums (not erasable): load it untyped.
  const { default: JamClient } = (await import('jmap-jam' as string)) as { default: new (o: { sessionUrl: string; bearerToken: string }) => any };
  const jam = new JamClient({ sessionUrl: `${env.base}/.well-known/jmap`, bearerToken: token });
  const accountId = await jam.getPrimaryAccount();
  assert.equal(accountId, elodie.accountId);
  const [mailboxes] = await jam.api.Mailbox.get({ accountId });
  const inbox = mailboxes.list.find((m: any) => m.role === 'inbox')!;
  assert.ok(inbox.totalEmails >= 1);
  const [{ emails }] = await jam.requestMany((t: any) => {
    const ids = t.Email.query({ accountId, filter: { inMailbox: inbox.id }, sort: [{ property: 'receivedAt', isAscending: false }], limit: 10 });
    const emails = t.Email.get({ accountId, ids: ids.$ref('/ids'), properties: ['id', 'subject', 'keywords', 'preview'] });
    return { ids, emails };
  });
  const e = emails.list[0];
  assert.equal(e.subject, 'Bulletin du trimestre');
  assert.match(e.preview ?? '', /bulletin/);
  const [set] = await jam.api.Email.set({ accountId, update: { [e.id]: { 'keywords/$seen': true } } as never });
  assert.deepEqual(set.updated, { [e.id]: null });
  const [after] = await jam.api.Email.get({ accountId, ids: [e.id], properties: ['keywords'] });
  assert.deepEqual(after.list[0].keywords, { $seen: true });
  const raw = 'From: a@example.org\r\nTo: b@example.org\r\nSubject: via jam\r\n\r\nhello\r\n';
  const up = await jam.uploadBlob(accountId, new Blob([raw], { type: 'message/rfc822' }));
  const [imp] = await jam.api.Email.import({ accountId, emails: { x: { blobId: up.blobId, mailboxIds: { [inbox.id]: true }, keywords: {} } } } as never);
  assert.ok((imp as any).created.x.id);
  const [vac] = await jam.api.VacationResponse.get({ accountId });
  assert.equal(vac.list[0].id, 'singleton');
});
