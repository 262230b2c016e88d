/** The sign-in answer carries the JMAP session and the inbox id once fully signed in (never before the
 *  second factor), so the webmail's first list request needs no extra round trip. docs/api.md. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { setPassword } from '../src/accounts/service.ts';
import type { AccountId } from '../src/store/ids.ts';

let app: TestApp;
let base: string;
before(async () => {
  app = await startTestApp({}, { pg: !!process.env.PREAU_TEST_PG });
  base = app.ctx.config.publicUrl.replace(/\/+$/, '');
});
after(() => app.stop());

async function login(identifier: string, password: string) {
  const r = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { origin: base, 'content-type': 'application/json' }, body: JSON.stringify({ identifier, password, sharedComputer: false }) });
  const cookie = r.headers.getSetCookie().find((c) => c.startsWith('preau_session='))!.split(';')[0]!;
  return { status: r.status, body: (await r.json()) as any, cookie };
}

test('login and /api/me give the JMAP session and the inbox id, the same as /.well-known/jmap and Mailbox/get', async () => {
  const u = await app.account('Inès', 'Boulanger');
  const r = await login(u.address, u.password);
  assert.equal(r.body.status, 'ok');
  assert.ok(r.body.expiresAt > Date.now());
  const auth = 'Basic ' + Buffer.from(`${u.address}:${u.password}`).toString('base64');
  const wellKnown = (await (await fetch(`${base}/.well-known/jmap`, { headers: { authorization: auth } })).json()) as any;
  assert.deepEqual(r.body.jmap.session.primaryAccounts, wellKnown.primaryAccounts);
  assert.equal(r.body.jmap.session.username, u.address);
  assert.equal(r.body.jmap.session.apiUrl, wellKnown.apiUrl);
  const accountId = wellKnown.primaryAccounts['urn:ietf:params:jmap:mail'];
  const api = await fetch(new URL(wellKnown.apiUrl, base), { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify({ using: ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail'], methodCalls: [['Mailbox/query', { accountId, filter: { role: 'inbox' } }, 'q']] }) });
  const [[, q]] = ((await api.json()) as any).methodResponses;
  assert.equal(r.body.jmap.inboxId, q.ids[0]);
  const me = (await (await fetch(`${base}/api/me`, { headers: { cookie: r.cookie } })).json()) as any;
  assert.equal(me.jmap.inboxId, q.ids[0]);
});

test('no JMAP session in the answer while a second factor or a password change is pending', async () => {
  const u = await app.account('Noé', 'Garnier');
  // As after a helpdesk reset: a password that must be changed at the next sign-in.
  await setPassword(app.ctx.store, u.id as AccountId, u.password, true);
  const r = await login(u.address, u.password);
  assert.notEqual(r.body.status, 'ok');
  assert.equal(r.body.jmap, undefined);
  const me = (await (await fetch(`${base}/api/me`, { headers: { cookie: r.cookie } })).json()) as any;
  assert.equal(me.jmap, undefined);
});
