/** Passkeys (WebAuthn) as second factor, the admin two-factor policy, new-device notices, history. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, harness, ORIGIN, PASSWORD, totpCode, type Harness } from './helpers/auth.ts';
import { SoftAuthenticator } from './helpers/webauthn-soft.ts';
import { authenticatePassword, purgeSignIns } from '../src/auth/index.ts';

let h: Harness;
before(async () => {
  // Every flow runs on SQLite; on PostgreSQL too when PREAU_TEST_PG is set.
  h = await harness({ pg: !!process.env.PREAU_TEST_PG });
});
after(() => h.close());

test('passkey: register, then sign in with it; a replayed assertion and a foreign key are refused', async () => {
  await h.addAccount('Pass', 'Key');
  const c = new Client(h.base);
  await c.login('pass.key');
  const key = new SoftAuthenticator(ORIGIN);
  const opts = await c.post('/api/security/passkeys/options', {});
  assert.equal(opts.status, 200);
  assert.equal(opts.body.rp.id, 'mail.preau.test', 'relying party from publicUrl');
  const reg = await c.post('/api/security/passkeys', { name: 'Clé USB', response: key.register(opts.body) });
  assert.equal(reg.status, 201, JSON.stringify(reg.body));
  assert.equal(reg.body.recoveryCodes.length, 10, 'first second factor: recovery codes');
  // The challenge was single use.
  assert.equal((await c.post('/api/security/passkeys', { name: 'again', response: key.register(opts.body) })).body.code, 'webauthn-failed');

  const d = new Client(h.base);
  const step = await d.login('pass.key');
  assert.equal(step.body.status, 'second-factor');
  assert.deepEqual(step.body.methods, ['webauthn', 'recovery']);
  const aopts = await d.post('/api/auth/webauthn/options', {});
  assert.equal(aopts.body.allowCredentials.length, 1);
  const assertion = key.authenticate(aopts.body);
  const ok = await d.post('/api/auth/second-factor', { method: 'webauthn', response: assertion });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.status, 'ok');

  const e = new Client(h.base);
  await e.login('pass.key');
  await e.post('/api/auth/webauthn/options', {});
  assert.equal((await e.post('/api/auth/second-factor', { method: 'webauthn', response: assertion })).body.code, 'invalid-second-factor', 'replayed assertion');
  const other = new SoftAuthenticator(ORIGIN);
  const o2 = await e.post('/api/auth/webauthn/options', {});
  assert.equal((await e.post('/api/auth/second-factor', { method: 'webauthn', response: other.authenticate(o2.body) })).body.code, 'invalid-second-factor', 'unknown credential');
  const list = (await d.get('/api/security/passkeys')).body.passkeys;
  assert.equal(list.length, 1);
  assert.ok(list[0].lastUsedAt);
});

test('admins must enrol a second factor before anything else; the policy extends to other roles', async () => {
  await h.addAccount('Ada', 'Admin', { role: 'admin' });
  const c = new Client(h.base);
  const r = await c.login('ada.admin');
  assert.equal(r.body.status, 'second-factor-enrolment');
  assert.equal((await c.get('/api/admin/audit')).body.code, 'second-factor-enrolment-required');
  const setup = await c.post('/api/security/totp/setup', {});
  const conf = await c.post('/api/security/totp/confirm', { code: await totpCode(setup.body.secret, h.clock.t) });
  assert.equal(conf.status, 200);
  assert.equal((await c.get('/api/me')).body.status, 'ok', 'the session is complete now');
  assert.equal((await c.get('/api/admin/audit')).status, 200);
  assert.equal((await c.post('/api/security/totp/disable', { currentPassword: PASSWORD })).body.code, 'forbidden', 'an admin cannot drop the last factor');

  await h.addAccount('Hugo', 'Helpdesk', { role: 'helpdesk' });
  assert.equal((await new Client(h.base).login('hugo.helpdesk')).body.status, 'ok');
  const pol = await c.req('PUT', '/api/admin/policy', { require2faRoles: ['helpdesk'] });
  assert.deepEqual(pol.body.require2faRoles.sort(), ['admin', 'helpdesk']);
  assert.equal((await new Client(h.base).login('hugo.helpdesk')).body.status, 'second-factor-enrolment');
  const verify = await c.get('/api/admin/audit/verify');
  assert.equal(verify.body.ok, true);
  assert.ok(verify.body.count > 0);
  const entries = (await c.get('/api/admin/audit')).body.entries as any[];
  assert.ok(entries.some((e) => e.action === 'admin.policy.two-factor'));
  assert.ok(entries.some((e) => e.action === 'two-factor.totp.enabled'));
});

test('a sign-in from a new device sends a notice; the history is kept 90 days', async () => {
  const acc = await h.addAccount('Nina', 'Device');
  const c = new Client(h.base);
  await c.login('nina.device');
  const again = await c.login('nina.device');
  assert.equal(again.status, 200);
  assert.equal(h.notices.filter((n) => n.accountId === acc.id).length, 0, 'first device and same device: no notice');
  const noticeP = h.nextNotice('new-device');
  await new Client(h.base).login('nina.device');
  const n = await noticeP;
  assert.equal(n.accountId, acc.id);
  assert.equal(n.to, 'nina.device@preau.test');
  assert.match(n.text, /Firefox/);
  assert.match(n.subject, /Nouvelle connexion/);
  const imapNotice = h.nextNotice('new-device');
  assert.equal((await authenticatePassword(h.auth, { identifier: 'nina.device', password: PASSWORD, protocol: 'imap', ip: '192.0.2.55' })).ok, true);
  assert.match((await imapNotice).text, /192\.0\.2\.55/);

  const hist = (await c.get('/api/security/sign-ins')).body.signIns as any[];
  assert.ok(hist.length >= 4);
  assert.ok(hist.every((x) => x.at && x.ip && x.protocol && x.result && x.reason));
  h.clock.t += 91 * 86_400_000;
  assert.ok((await purgeSignIns(h.auth)) >= 4);
  const left = await h.store.db.selectFrom('auth_sign_ins').select('id').where('account_id', '=', acc.id).execute();
  assert.equal(left.length, 0);
});

test('sessions: list with device and browser, revoke one, revoke all others; overview advice', async () => {
  await h.addAccount('Sami', 'Sessions');
  const a = new Client(h.base);
  const b = new Client(h.base);
  const c = new Client(h.base);
  for (const x of [a, b, c]) assert.equal((await x.login('sami.sessions')).status, 200);
  const list = (await a.get('/api/security/sessions')).body.sessions as any[];
  assert.equal(list.length, 3);
  assert.equal(list.filter((s) => s.current).length, 1);
  assert.equal(list[0].browser, 'Firefox');
  assert.equal(list[0].device, 'Linux');
  const bId = (await b.get('/api/security/sessions')).body.sessions.find((s: any) => s.current).id;
  assert.equal((await a.del(`/api/security/sessions/${bId}`)).status, 204);
  assert.equal((await b.get('/api/me')).status, 401);
  assert.equal((await a.post('/api/security/sessions/revoke-all', { keepCurrent: true })).body.revoked, 1);
  assert.equal((await c.get('/api/me')).status, 401);
  assert.equal((await a.get('/api/me')).status, 200);
  const ov = (await a.get('/api/security')).body;
  assert.equal(ov.twoFactor.enabled, false);
  assert.equal(ov.recoveryEmail, null);
  const advice = Object.fromEntries(ov.advice.map((x: any) => [x.code, x.status]));
  assert.equal(advice['no-two-factor'], 'warning');
  assert.equal(advice['no-recovery-email'], 'warning');
  assert.deepEqual(ov.extensions, {});
  assert.equal((await a.post('/api/password/check', { password: 'sami1234' })).body.ok, false);
  assert.equal(advice['weak-password'], 'ok');
  const weakAcc = await h.addAccount('Weak', 'Pass', { password: 'azerty123456' });
  const w = new Client(h.base);
  await w.login('weak.pass', 'azerty123456');
  const wov = (await w.get('/api/security')).body;
  assert.equal(wov.advice.find((x: any) => x.code === 'weak-password').status, 'warning', `account ${weakAcc.id}: weak password noticed at sign-in`);
});
