/** Web baseline and authorisation: headers, problem details, Origin and CSRF, the per-account
 *  authorisation matrix, app passwords per protocol, one rate limiter for every door. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { authenticatePassword, startPasswordReset } from '../src/auth/index.ts';
import { RateLimiter } from '../src/auth/rate-limit.ts';
import { Client, harness, PASSWORD, type Harness } from './helpers/auth.ts';

let h: Harness;
before(async () => {
  // Every flow runs on SQLite; on PostgreSQL too when PREAU_TEST_PG is set.
  h = await harness({ pg: !!process.env.PREAU_TEST_PG });
});
after(() => h.close());

test('security headers, /healthz, 404 and validation failures as problem details', async () => {
  const r = await fetch(h.base + '/healthz');
  assert.equal(r.status, 200);
  const csp = r.headers.get('content-security-policy')!;
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.ok(r.headers.get('referrer-policy'));
  assert.match(r.headers.get('strict-transport-security')!, /max-age=/, 'HSTS: publicUrl is https');
  const nf = await fetch(h.base + '/api/nothing-here');
  assert.equal(nf.status, 404);
  assert.match(nf.headers.get('content-type')!, /application\/problem\+json/);
  const body: any = await nf.json();
  assert.equal(body.code, 'not-found');
  assert.ok(body.title && body.detail && body.en.title && body.en.detail);
  const c = new Client(h.base);
  const bad = await c.post('/api/auth/login', { identifier: 'x', password: 42 });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.code, 'validation-failed');
  assert.ok(bad.body.errors.some((e: any) => e.path === 'password'));
  const broken = await fetch(h.base + '/api/auth/login', { method: 'POST', headers: { origin: 'https://mail.preau.test', 'content-type': 'application/json' }, body: '{not json' });
  assert.equal(broken.status, 400);
  assert.equal(((await broken.json()) as any).code, 'bad-request');
  const poisoned = await fetch(h.base + '/api/auth/login', { method: 'POST', headers: { origin: 'https://mail.preau.test', 'content-type': 'application/json' }, body: '{"identifier":"x","password":"y","__proto__":{"admin":true}}' });
  assert.equal(poisoned.status, 400, 'prototype poisoning refused');
  const empty = await fetch(h.base + '/api/auth/logout', { method: 'POST', headers: { origin: 'https://mail.preau.test', 'content-type': 'application/json' } });
  assert.equal(empty.status, 204, 'an empty JSON body is no body');
});

test('no CSRF token or a foreign Origin: refused, and nothing changes', async () => {
  await h.addAccount('Csrf', 'Victim');
  const c = new Client(h.base);
  await c.login('csrf.victim');
  const before = (await c.get('/api/security/app-passwords')).body.appPasswords.length;
  c.sendCsrf = false;
  const noToken = await c.post('/api/security/app-passwords', { name: 'evil', protocols: ['imap'], currentPassword: PASSWORD });
  assert.equal(noToken.status, 403);
  assert.equal(noToken.body.code, 'csrf-refused');
  const revokeAll = await c.post('/api/security/sessions/revoke-all', { keepCurrent: false });
  assert.equal(revokeAll.body.code, 'csrf-refused');
  c.sendCsrf = true;
  c.origin = 'https://evil.example';
  const foreign = await c.post('/api/security/app-passwords', { name: 'evil', protocols: ['imap'], currentPassword: PASSWORD });
  assert.equal(foreign.status, 403);
  assert.equal(foreign.body.code, 'origin-refused');
  c.origin = null;
  assert.equal((await c.post('/api/auth/logout')).body.code, 'origin-refused', 'no Origin at all');
  c.origin = 'https://mail.preau.test';
  assert.equal((await c.get('/api/me')).status, 200, 'still signed in');
  assert.equal((await c.get('/api/security/app-passwords')).body.appPasswords.length, before);
  const login = new Client(h.base);
  login.origin = 'https://evil.example';
  assert.equal((await login.login('csrf.victim')).body.code, 'origin-refused', 'login CSRF refused too');
});

test('authorisation matrix: user A gets 404 on every object id of user B', async () => {
  await h.addAccount('Alice', 'Matrix');
  const bAcc = await h.addAccount('Bruno', 'Matrix');
  const a = new Client(h.base);
  const b = new Client(h.base);
  await a.login('alice.matrix');
  await b.login('bruno.matrix');
  const ap = await b.post('/api/security/app-passwords', { name: 'Thunderbird', protocols: ['imap'], currentPassword: PASSWORD });
  assert.equal(ap.status, 201);
  const bSession = (await b.get('/api/security/sessions')).body.sessions[0].id as number;
  const pk = await h.store.db
    .insertInto('auth_passkeys')
    .values({ account_id: bAcc.id, credential_id: 'cred-b', public_key: 'AA', counter: 0, transports: '', name: 'Clé', created_at: h.clock.t, last_used_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const path of [`/api/security/sessions/${bSession}`, `/api/security/app-passwords/${ap.body.appPassword.id}`, `/api/security/passkeys/${Number(pk.id)}`]) {
    const r = await a.del(path);
    assert.equal(r.status, 404, path);
    assert.equal(r.body.code, 'not-found');
  }
  assert.equal((await a.get('/api/security/app-passwords')).body.appPasswords.length, 0);
  assert.equal((await a.get('/api/security/passkeys')).body.passkeys.length, 0);
  assert.ok((await a.get('/api/security/sessions')).body.sessions.every((s: any) => s.id !== bSession));
  assert.equal((await b.get('/api/me')).status, 200, "B's session survived");
  assert.equal((await b.get('/api/security/app-passwords')).body.appPasswords.length, 1);
  assert.equal((await b.get('/api/security/passkeys')).body.passkeys.length, 1);
  assert.equal((await a.get('/api/admin/audit')).body.code, 'forbidden');
  // B revokes its own: 204.
  assert.equal((await b.del(`/api/security/app-passwords/${ap.body.appPassword.id}`)).status, 204);
});

test('two-factor on: IMAP takes only an app password; an IMAP-only one is refused on the web and on SMTP', async () => {
  const acc = await h.addAccount('Imap', 'Only');
  await h.store.db.insertInto('auth_totp').values({ account_id: acc.id, secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', confirmed: 1, last_time_step: -1, created_at: h.clock.t }).execute();
  const c = new Client(h.base);
  const step = await c.login('imap.only');
  assert.equal(step.body.status, 'second-factor');
  // Finish the web sign-in with a recovery code seeded for the test.
  const { regenerateRecoveryCodes } = await import('../src/auth/index.ts');
  const codes = await regenerateRecoveryCodes(h.auth, acc.id);
  assert.equal((await c.post('/api/auth/second-factor', { method: 'recovery', code: codes[0] })).status, 200);
  const created = await c.post('/api/security/app-passwords', { name: 'Thunderbird', protocols: ['imap'], currentPassword: PASSWORD });
  assert.equal(created.status, 201);
  const app = created.body.password as string;
  const ip = '192.0.2.10';
  const main = await authenticatePassword(h.auth, { identifier: 'imap.only', password: PASSWORD, protocol: 'imap', ip });
  assert.deepEqual(main, { ok: false, reason: 'invalid-credentials' }, 'main password refused on IMAP with two-factor on');
  const viaImap = await authenticatePassword(h.auth, { identifier: 'imap.only@preau.test', password: app, protocol: 'imap', ip });
  assert.equal(viaImap.ok, true);
  assert.equal(viaImap.ok && viaImap.via, 'app-password');
  const viaSmtp = await authenticatePassword(h.auth, { identifier: 'imap.only', password: app, protocol: 'smtp', ip });
  assert.equal(viaSmtp.ok, false);
  const web = await new Client(h.base).login('imap.only', app);
  assert.equal(web.status, 401);
  const list = (await c.get('/api/security/app-passwords')).body.appPasswords;
  assert.ok(list[0].lastUsedAt, 'last use shown');
  const hist = (await c.get('/api/security/sign-ins')).body.signIns as any[];
  assert.ok(hist.some((x) => x.protocol === 'smtp' && x.result === 'failure' && x.reason === 'app-password-protocol'));
  assert.ok(hist.some((x) => x.protocol === 'imap' && x.result === 'failure' && x.reason === 'app-password-required'));
});

test('guessing over IMAP and HTTP is throttled by the same counter, unknown identifiers alike', async () => {
  await h.addAccount('Target', 'Guess');
  const ip = '198.51.100.7';
  for (let i = 0; i < 5; i++) {
    const r = await authenticatePassword(h.auth, { identifier: 'target.guess', password: `guess number ${i}`, protocol: 'imap', ip });
    assert.deepEqual(r, { ok: false, reason: 'invalid-credentials' });
  }
  const sixth = await authenticatePassword(h.auth, { identifier: 'target.guess', password: 'guess number 6', protocol: 'imap', ip });
  assert.equal(sixth.ok, false);
  // Now the right password over HTTP (another IP even): the account's counter says wait.
  const c = new Client(h.base);
  const web = await c.login('target.guess');
  assert.equal(web.status, 429);
  assert.equal(web.body.code, 'rate-limited');
  assert.ok(web.body.retryAfterMs > 0);
  assert.ok(Number(web.headers.get('retry-after')) >= 1);
  // Growing delay, not a lock-out: after the wait, the right password works.
  h.clock.t += 120_000;
  assert.equal((await c.login('target.guess')).status, 200);
  // An unknown identifier answers the same way, and is throttled the same way.
  const known: unknown[] = [];
  const unknown: unknown[] = [];
  for (let i = 0; i < 7; i++) {
    known.push(await authenticatePassword(h.auth, { identifier: 'target.guess', password: `x${i}`, protocol: 'smtp', ip: '203.0.113.1' }));
    unknown.push(await authenticatePassword(h.auth, { identifier: 'no.such.person', password: `x${i}`, protocol: 'smtp', ip: '203.0.113.2' }));
  }
  assert.deepEqual(unknown.map((r: any) => r.reason), known.map((r: any) => r.reason));
});

test('unknown identifier and wrong password: same answer, comparable time (a dummy hash is checked)', async () => {
  await h.addAccount('Timing', 'Known');
  const time = async (identifier: string, i: number) => {
    const t0 = performance.now();
    const r = await authenticatePassword(h.auth, { identifier, password: `wrong guess ${i}`, protocol: 'http', ip: `192.0.2.${100 + i}` });
    return { ms: performance.now() - t0, r };
  };
  const known: number[] = [];
  const unknown: number[] = [];
  for (let i = 0; i < 4; i++) {
    const k = await time('timing.known', i);
    const u = await time('timing.unknown', i);
    assert.deepEqual(u.r, k.r);
    known.push(k.ms);
    unknown.push(u.ms);
  }
  const med = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ratio = med(known) / med(unknown);
  // Without the dummy hash the unknown case is ~50× faster; allow noise on a shared machine.
  assert.ok(ratio < 4 && ratio > 0.25, `known ${med(known).toFixed(1)} ms vs unknown ${med(unknown).toFixed(1)} ms`);
});

test('second-factor guesses are throttled, and signing in again with the password does not reset that', async () => {
  const acc = await h.addAccount('Guess', 'Totp');
  await h.store.db.insertInto('auth_totp').values({ account_id: acc.id, secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', confirmed: 1, last_time_step: -1, created_at: h.clock.t }).execute();
  const c = new Client(h.base);
  assert.equal((await c.login('guess.totp')).body.status, 'second-factor');
  const codes: number[] = [];
  for (let i = 0; i < 6; i++) codes.push((await c.post('/api/auth/second-factor', { method: 'totp', code: String(100000 + i) })).status);
  assert.deepEqual(codes, [401, 401, 401, 401, 401, 401]);
  assert.equal((await c.post('/api/auth/second-factor', { method: 'totp', code: '123456' })).body.code, 'rate-limited');
  const d = new Client(h.base);
  assert.equal((await d.login('guess.totp')).body.status, 'second-factor');
  assert.equal((await d.post('/api/auth/second-factor', { method: 'totp', code: '123456' })).body.code, 'rate-limited');
});

test('lost-password requests from a shared address are limited on their own: the sign-ins behind that address still work', async () => {
  await h.addAccount('Nat', 'School');
  // Production allowances (the harness raises the per-address one).
  const deps = { ...h.auth, limiter: new RateLimiter({ now: () => h.clock.t }) };
  const ip = '192.0.2.44';
  let refused = 0;
  for (let i = 0; i < 25; i++) {
    try {
      await startPasswordReset(deps, `colleague.${i}`, ip);
    } catch (e) {
      assert.equal((e as { code?: string }).code, 'rate-limited');
      refused++;
    }
  }
  assert.ok(refused > 0, 'a flood of reset requests from one address is slowed down');
  const r = await authenticatePassword(deps, { identifier: 'nat.school', password: PASSWORD, protocol: 'imap', ip });
  assert.equal(r.ok, true, 'a colleague behind the same address signs in at once');
});
