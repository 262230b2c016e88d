/** JMAP push (EventSource, RFC 8620 §7.3) fed by an SMTP delivery, and web-session (cookie + CSRF) authentication. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import { Agent, EventSource, type Dispatcher } from 'undici';
import { createAuthDeps, createSession, csrfTokenFor } from '../src/auth/index.ts';
import { startJmap, user, call, USING, type JmapEnv, type Who } from './jmap-helpers.ts';

let env: JmapEnv;
let elodie: Who;

before(async () => {
  env = await startJmap();
  elodie = await user(env, 'Élodie', 'Lefèvre');
});
after(() => env.stop());

/** An undici dispatcher that adds an Authorization header (EventSource has no header option). */
function withAuth(auth: string): Dispatcher {
  return new Agent().compose((dispatch) => (opts, handler) => {
    const h = opts.headers;
    const headers = Array.isArray(h) ? [...h, 'authorization', auth] : { ...(h as Record<string, string>), authorization: auth };
    return dispatch({ ...opts, headers: headers as never }, handler);
  });
}

test('an EventSource client receives the StateChange within one second of an SMTP delivery', async () => {
  const es = new EventSource(`${env.base}/jmap/eventsource?types=Email,Mailbox&closeafter=no&ping=0`, { dispatcher: withAuth(elodie.auth) } as never);
  try {
    await new Promise<void>((resolve, reject) => {
      es.onopen = () => resolve();
      es.onerror = () => reject(new Error('eventsource failed'));
    });
    const got = new Promise<{ data: any; at: number; id: string }>((resolve) => {
      es.addEventListener('state', (ev: any) => resolve({ data: JSON.parse(ev.data), at: performance.now(), id: ev.lastEventId }));
    });
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: env.app.ports.smtp, secure: false, tls: { rejectUnauthorized: false } });
    const sentAt = performance.now();
    await t.sendMail({ from: 'parent@example.org', to: elodie.address, subject: 'Push !', text: 'Bonjour' });
    const ev = await got;
    assert.ok(ev.at - sentAt < 1000, `StateChange after ${Math.round(ev.at - sentAt)} ms`);
    assert.equal(ev.data['@type'], 'StateChange');
    const states = ev.data.changed[elodie.accountId];
    const now = await call(env, elodie, 'Email/get', { ids: [] });
    assert.equal(states.Email, now.state);
    assert.ok(states.Mailbox);
    assert.equal(states.Thread, undefined, 'only the requested types');
    assert.match(ev.id, /^\d+$/);
  } finally {
    es.close();
  }
});

test('closeafter=state ends the response after one state event; a bad closeafter is 400', async () => {
  const ac = new AbortController();
  const r = await fetch(`${env.base}/jmap/eventsource?types=*&closeafter=state&ping=5`, { headers: { authorization: elodie.auth }, signal: ac.signal });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') ?? '', /text\/event-stream/);
  const body = r.text();
  await call(env, elodie, 'Mailbox/set', { create: { x: { name: 'Poussée' } } });
  const text = await body; // resolves because the server closes after the state event
  assert.match(text, /event: state\nid: \d+\ndata: \{"@type":"StateChange"/);
  const bad = await fetch(`${env.base}/jmap/eventsource?types=*&closeafter=maybe&ping=0`, { headers: { authorization: elodie.auth } });
  assert.equal(bad.status, 400);
});

test('web session cookie: GET works, POST needs the CSRF header', async () => {
  const auth = createAuthDeps({ store: env.app.ctx.store, config: env.app.ctx.config });
  const { token } = await createSession(auth, { accountId: elodie.id, stage: 'ok', shared: false, ip: '127.0.0.1', userAgent: 'test' });
  const cookie = `preau_session=${token}`;
  const s = await fetch(`${env.base}/.well-known/jmap`, { headers: { cookie } });
  assert.equal(s.status, 200);
  const origin = new URL(env.app.ctx.config.publicUrl).origin;
  const body = JSON.stringify({ using: USING, methodCalls: [['Core/echo', { a: 1 }, 'c']] });
  const noCsrf = await fetch(`${env.base}/jmap/api`, { method: 'POST', headers: { cookie, origin, 'content-type': 'application/json' }, body });
  assert.equal(noCsrf.status, 403);
  const ok = await fetch(`${env.base}/jmap/api`, { method: 'POST', headers: { cookie, origin, 'content-type': 'application/json', 'x-csrf-token': csrfTokenFor(token) }, body });
  assert.equal(ok.status, 200);
  // the same session token works as a Bearer token for non-browser clients
  const bearer = await fetch(`${env.base}/.well-known/jmap`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(bearer.status, 200);
  assert.equal((await fetch(`${env.base}/.well-known/jmap`, { headers: { authorization: 'Bearer nope' } })).status, 401);
});

test('closing the server ends open event streams (graceful shutdown is not held open)', { timeout: 15_000 }, async () => {
  const other = await startJmap();
  const who = await user(other, 'Fermeture', 'Propre');
  const r = await fetch(`${other.base}/jmap/eventsource?types=*&closeafter=no&ping=0`, { headers: { authorization: who.auth } });
  const body = r.text();
  const t0 = performance.now();
  await other.stop();
  await body;
  assert.ok(performance.now() - t0 < 5000);
});
