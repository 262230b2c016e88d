/** Sign-in flows through the HTTP API: login, sessions, TOTP, recovery codes, password change and reset. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, harness, PASSWORD, totpCode, type Harness } from './helpers/auth.ts';

let h: Harness;
before(async () => {
  // Every flow runs on SQLite; on PostgreSQL too when PREAU_TEST_PG is set.
  h = await harness({ pg: !!process.env.PREAU_TEST_PG });
});
after(() => h.close());

test('login, /api/me, logout ends the session on the server', async () => {
  await h.addAccount('Elodie', 'Lefevre');
  const c = new Client(h.base);
  const bad = await c.login('elodie.lefevre', 'wrong password here');
  assert.equal(bad.status, 401);
  assert.equal(bad.body.code, 'invalid-credentials');
  assert.match(bad.headers.get('content-type')!, /application\/problem\+json/);
  assert.ok(bad.body.en.title && bad.body.title);
  const r = await c.login('Elodie.Lefevre');
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'ok');
  assert.equal(r.body.account.address, 'elodie.lefevre@preau.test');
  const me = await c.get('/api/me');
  assert.equal(me.status, 200);
  assert.equal(me.body.csrfToken, r.body.csrfToken);
  const token = c.cookies.get('preau_session')!;
  assert.equal((await c.post('/api/auth/logout')).status, 204);
  c.cookies.set('preau_session', token); // a stolen copy of the cookie is worth nothing now
  assert.equal((await c.get('/api/me')).status, 401);
});

test('shared computer: non-persistent cookie; idle timeout ends sessions', async () => {
  await h.addAccount('Paul', 'Idle');
  const c = new Client(h.base);
  const res = await fetch(h.base + '/api/auth/login', { method: 'POST', headers: { origin: 'https://mail.preau.test', 'content-type': 'application/json' }, body: JSON.stringify({ identifier: 'paul.idle', password: PASSWORD, sharedComputer: true }) });
  const cookie = res.headers.getSetCookie().find((x) => x.startsWith('preau_session='))!;
  assert.doesNotMatch(cookie, /Max-Age/i);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/i);
  assert.match(cookie, /Secure/);
  const normal = await c.login('paul.idle');
  assert.equal(normal.status, 200);
  h.clock.t += 29 * 60_000;
  assert.equal((await c.get('/api/me')).status, 200);
  h.clock.t += 29 * 60_000;
  assert.equal((await c.get('/api/me')).status, 200, 'activity keeps it alive');
  h.clock.t += 31 * 60_000;
  assert.equal((await c.get('/api/me')).status, 401, 'idle for 31 minutes');
});

test('TOTP enrolment, second factor, replay refused; recovery codes single use', async () => {
  await h.addAccount('Jean', 'Totp');
  const c = new Client(h.base);
  await c.login('jean.totp');
  const setup = await c.post('/api/security/totp/setup', {});
  assert.equal(setup.status, 200);
  assert.match(setup.body.qrDataUrl, /^data:image\/png;base64,/);
  const secret = setup.body.secret as string;
  const conf = await c.post('/api/security/totp/confirm', { code: await totpCode(secret, h.clock.t) });
  assert.equal(conf.status, 200, JSON.stringify(conf.body));
  const codes = conf.body.recoveryCodes as string[];
  assert.equal(codes.length, 10);

  h.clock.t += 60_000;
  const d = new Client(h.base);
  const step1 = await d.login('jean.totp');
  assert.equal(step1.body.status, 'second-factor');
  assert.deepEqual(step1.body.methods, ['totp', 'recovery']);
  assert.equal((await d.get('/api/security')).status, 403, 'not signed in before the second factor');
  const code = await totpCode(secret, h.clock.t);
  const ok = await d.post('/api/auth/second-factor', { method: 'totp', code });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.status, 'ok');
  assert.equal((await d.get('/api/security')).status, 200);

  // The same code again, from another browser, in the same time step: refused.
  const e = new Client(h.base);
  await e.login('jean.totp');
  const replay = await e.post('/api/auth/second-factor', { method: 'totp', code });
  assert.equal(replay.status, 401);
  assert.equal(replay.body.code, 'invalid-second-factor');

  const rc = await e.post('/api/auth/second-factor', { method: 'recovery', code: codes[0].toUpperCase() });
  assert.equal(rc.status, 200);
  const f = new Client(h.base);
  await f.login('jean.totp');
  const again = await f.post('/api/auth/second-factor', { method: 'recovery', code: codes[0] });
  assert.equal(again.status, 401, 'a recovery code works once');
  assert.equal((await f.post('/api/auth/second-factor', { method: 'recovery', code: codes[1] })).status, 200);
  const sec = await f.get('/api/security');
  assert.equal(sec.body.twoFactor.recoveryCodesLeft, 8);
});

test('password change needs the current one, applies the policy and ends the other sessions', async () => {
  const acc = await h.addAccount('Marie', 'Change');
  const a = new Client(h.base);
  const b = new Client(h.base);
  await a.login('marie.change');
  await b.login('marie.change');
  assert.equal((await a.post('/api/password/change', { currentPassword: 'nope nope nope', newPassword: 'x' })).body.code, 'wrong-password');
  const weak = await a.post('/api/password/change', { currentPassword: PASSWORD, newPassword: 'azerty123456' });
  assert.equal(weak.status, 400);
  assert.equal(weak.body.code, 'password-refused');
  assert.ok(weak.body.reasons.some((r: any) => r.code === 'common' && r.fr && r.en));
  const named = await a.post('/api/password/change', { currentPassword: PASSWORD, newPassword: 'Marie-Change-Rocks-42' });
  assert.ok(named.body.reasons.some((r: any) => r.code === 'contains-name'));
  const changed = h.nextNotice('password-changed');
  const ok = await a.post('/api/password/change', { currentPassword: PASSWORD, newPassword: 'tournesol vif sur la dune' });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal((await a.get('/api/me')).status, 200, 'this session goes on under a new token');
  assert.equal((await b.get('/api/me')).status, 401, 'the other session ended');
  assert.equal((await changed).accountId, acc.id);
  assert.equal((await new Client(h.base).login('marie.change', 'tournesol vif sur la dune')).status, 200);
});

test('one-time password must be changed at first sign-in', async () => {
  await h.addAccount('Anne', 'Otp', { password: 'otp-k7pq-3xmz', mustChange: true });
  const c = new Client(h.base);
  const r = await c.login('anne.otp', 'otp-k7pq-3xmz');
  assert.equal(r.body.status, 'password-change');
  assert.equal((await c.get('/api/security')).body.code, 'password-change-required');
  const ch = await c.post('/api/password/change', { currentPassword: 'otp-k7pq-3xmz', newPassword: 'girafe bleue du mardi' });
  assert.equal(ch.body.status, 'ok');
  assert.equal((await c.get('/api/security')).status, 200);
});

test('lost password: same answer for unknown accounts, link single use, expired after 30 min', async () => {
  const acc = await h.addAccount('Luc', 'Perdu');
  const c = new Client(h.base);
  await c.login('luc.perdu');
  assert.equal((await c.req('PUT', '/api/security/recovery-email', { email: 'luc@example.org', currentPassword: PASSWORD })).status, 200);

  const anon = new Client(h.base);
  const linkP = h.nextNotice('reset-link');
  const known = await anon.post('/api/password/forgot', { identifier: 'luc.perdu' });
  const unknown = await anon.post('/api/password/forgot', { identifier: 'nobody.here' });
  assert.equal(known.status, 202);
  assert.deepEqual([unknown.status, unknown.body], [known.status, known.body]);
  const notice = await linkP;
  assert.equal(notice.to, 'luc@example.org');
  assert.equal(notice.accountId, acc.id);
  const link = /https:\/\/mail\.preau\.test\/reset-password#token=([A-Za-z0-9_-]+)/.exec(notice.text);
  assert.ok(link, 'link built from publicUrl');
  const token = link[1];
  assert.equal(h.notices.filter((n) => n.kind === 'reset-link').length, 1, 'nothing sent for the unknown identifier');

  const resetDone = h.nextNotice('password-reset');
  const r1 = await anon.post('/api/password/reset', { token, newPassword: 'lanterne rouge au port' });
  assert.equal(r1.status, 200, JSON.stringify(r1.body));
  await resetDone;
  assert.equal((await c.get('/api/me')).status, 401, 'sessions ended by the reset');
  const r2 = await anon.post('/api/password/reset', { token, newPassword: 'encore un autre essai' });
  assert.equal(r2.body.code, 'invalid-token', 'single use');

  const link2P = h.nextNotice('reset-link');
  await anon.post('/api/password/forgot', { identifier: 'luc.perdu@preau.test' });
  const token2 = /#token=([A-Za-z0-9_-]+)/.exec((await link2P).text)![1];
  h.clock.t += 30 * 60_000 + 1;
  assert.equal((await anon.post('/api/password/reset', { token: token2, newPassword: 'lanterne verte au quai' })).body.code, 'invalid-token', 'expired');
});

test('helpdesk one-time reset code, written to the audit log; admin verifies the chain', async () => {
  await h.addAccount('Helene', 'Desk', { role: 'helpdesk' });
  await h.addAccount('Sans', 'Secours');
  const hd = new Client(h.base);
  await hd.login('helene.desk');
  const user = new Client(h.base);
  await user.login('sans.secours');
  assert.equal((await user.post('/api/helpdesk/reset-code', { address: 'helene.desk' })).body.code, 'forbidden');
  const r = await hd.post('/api/helpdesk/reset-code', { address: 'sans.secours@preau.test' });
  assert.equal(r.status, 200);
  const anon = new Client(h.base);
  assert.equal((await anon.post('/api/password/reset', { identifier: 'helene.desk', code: r.body.code, newPassword: 'merle moqueur du soir' })).body.code, 'invalid-token', 'code bound to its account');
  assert.equal((await anon.post('/api/password/reset', { identifier: 'sans.secours', code: r.body.code, newPassword: 'merle moqueur du soir' })).status, 200);
  assert.equal((await anon.post('/api/password/reset', { identifier: 'sans.secours', code: r.body.code, newPassword: 'merle moqueur du matin' })).body.code, 'invalid-token');
  const rows = await h.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'helpdesk.reset-code.issued').execute();
  assert.equal(rows.length, 1);
  const { verifyAudit } = await import('../src/auth/index.ts');
  assert.deepEqual((await verifyAudit(h.store)).ok, true);
  await h.store.db.updateTable('audit_log').set({ action: 'tampered' }).where('id', '=', rows[0].id).execute();
  const v = await verifyAudit(h.store);
  assert.equal(v.ok, false);
  assert.equal((v as { brokenAt: number }).brokenAt, Number(rows[0].id));
});

test('lost-password requests are rate-limited, with the same answer for every identifier', async () => {
  const anon = new Client(h.base);
  const statuses: number[] = [];
  for (let i = 0; i < 7; i++) statuses.push((await anon.post('/api/password/forgot', { identifier: 'flood.target' })).status);
  assert.deepEqual(statuses.slice(0, 5), [202, 202, 202, 202, 202]);
  assert.equal(statuses[6], 429);
  h.clock.t += 10 * 60_000;
  assert.equal((await anon.post('/api/password/forgot', { identifier: 'flood.target' })).status, 202, 'a delay, not a lock-out');
});

test('a revoked app password stops working at once; expired sessions are purged', async () => {
  const acc = await h.addAccount('Revo', 'Cation');
  const c = new Client(h.base);
  await c.login('revo.cation');
  const created = await c.post('/api/security/app-passwords', { name: 'Téléphone', protocols: ['imap', 'smtp'], currentPassword: PASSWORD });
  const { authenticatePassword, purgeExpired } = await import('../src/auth/index.ts');
  const ip = '192.0.2.77';
  assert.equal((await authenticatePassword(h.auth, { identifier: 'revo.cation', password: created.body.password, protocol: 'smtp', ip })).ok, true);
  assert.equal((await c.del(`/api/security/app-passwords/${created.body.appPassword.id}`)).status, 204);
  assert.equal((await authenticatePassword(h.auth, { identifier: 'revo.cation', password: created.body.password, protocol: 'smtp', ip })).ok, false);
  h.clock.t += 13 * 3600_000;
  const purged = await purgeExpired(h.auth);
  assert.ok(purged.sessions >= 1);
  const left = await h.store.db.selectFrom('auth_sessions').select('id').where('account_id', '=', acc.id).execute();
  assert.equal(left.length, 0);
});
