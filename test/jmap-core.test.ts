/** JMAP core: session resource, request-level errors, limits, result references, Core/echo, auth. RFC 8620 §2, §3. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startJmap, user, api, call, USING, type JmapEnv, type Who } from './jmap-helpers.ts';

let env: JmapEnv;
let elodie: Who;
let jean: Who;

before(async () => {
  env = await startJmap({ maxCallsInRequest: 4, maxObjectsInGet: 5, maxSizeRequest: 20_000, maxSizeUpload: 1000 });
  elodie = await user(env, 'Élodie', 'Lefèvre');
  jean = await user(env, 'Jean', 'Martin');
});
after(() => env.stop());

const post = (who: Who | null, body: string, ct = 'application/json') =>
  fetch(`${env.base}/jmap/api`, { method: 'POST', headers: { ...(who ? { authorization: who.auth } : {}), 'content-type': ct }, body });

test('session resource: capabilities, limits, account, URLs', async () => {
  const r = await fetch(`${env.base}/.well-known/jmap`, { headers: { authorization: elodie.auth } });
  assert.equal(r.status, 200);
  const s: any = await r.json();
  for (const c of ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail', 'urn:ietf:params:jmap:submission', 'urn:ietf:params:jmap:vacationresponse', 'urn:ietf:params:jmap:quota']) assert.ok(s.capabilities[c], c);
  assert.equal(s.capabilities['urn:ietf:params:jmap:core'].maxCallsInRequest, 4);
  assert.equal(s.primaryAccounts['urn:ietf:params:jmap:mail'], elodie.accountId);
  assert.equal(s.username, elodie.address);
  assert.equal(s.apiUrl, `${env.base}/jmap/api`);
  assert.match(s.downloadUrl, /\{accountId\}.*\{blobId\}.*\{name\}.*\{type\}/);
  assert.match(s.eventSourceUrl, /\{types\}.*\{closeafter\}.*\{ping\}/);
  assert.equal(typeof s.state, 'string');
});

test('authentication: none, wrong password, good password', async () => {
  assert.equal((await fetch(`${env.base}/.well-known/jmap`)).status, 401);
  const bad = 'Basic ' + Buffer.from(`${elodie.address}:wrong`).toString('base64');
  const r = await fetch(`${env.base}/.well-known/jmap`, { headers: { authorization: bad } });
  assert.equal(r.status, 401);
  assert.match(r.headers.get('content-type') ?? '', /problem\+json/);
  // Without credentials (and without Origin) the POST is refused before any JMAP processing.
  assert.ok([401, 403].includes((await post(null, '{}')).status));
});

test('request-level errors: notJSON, notRequest, unknownCapability, limit', async () => {
  let r = await post(elodie, 'not json');
  assert.equal(r.status, 400);
  assert.equal(((await r.json()) as any).type, 'urn:ietf:params:jmap:error:notJSON');
  r = await post(elodie, '{}', 'text/plain');
  assert.equal(((await r.json()) as any).type, 'urn:ietf:params:jmap:error:notJSON');
  r = await post(elodie, JSON.stringify({ using: [], methodCalls: 'x' }));
  assert.equal(((await r.json()) as any).type, 'urn:ietf:params:jmap:error:notRequest');
  r = await post(elodie, JSON.stringify({ using: ['urn:example:nope'], methodCalls: [] }));
  const p: any = await r.json();
  assert.equal(p.type, 'urn:ietf:params:jmap:error:unknownCapability');
  assert.equal(p.status, 400);
  const calls = Array.from({ length: 5 }, (_, i) => ['Core/echo', {}, `c${i}`]);
  r = await post(elodie, JSON.stringify({ using: USING, methodCalls: calls }));
  const l: any = await r.json();
  assert.equal(l.type, 'urn:ietf:params:jmap:error:limit');
  assert.equal(l.limit, 'maxCallsInRequest');
  r = await post(elodie, JSON.stringify({ using: USING, methodCalls: [['Core/echo', { pad: 'x'.repeat(30_000) }, 'c']] }));
  const big: any = await r.json();
  assert.equal(big.type, 'urn:ietf:params:jmap:error:limit');
  assert.equal(big.limit, 'maxSizeRequest');
});

test('Core/echo, unknownMethod, capability not in using, accountNotFound, invalidArguments', async () => {
  const r = await api(env, elodie, [
    ['Core/echo', { hello: [1, 'deux'] }, 'a'],
    ['Foo/bar', {}, 'b'],
    ['Mailbox/get', { accountId: jean.accountId }, 'c'],
    ['Mailbox/get', { accountId: elodie.accountId, ids: 'x' }, 'd'],
  ]);
  assert.deepEqual(r.methodResponses[0], ['Core/echo', { hello: [1, 'deux'] }, 'a']);
  assert.deepEqual(r.methodResponses[1], ['error', { type: 'unknownMethod', description: 'unknown method Foo/bar' }, 'b']);
  assert.equal(r.methodResponses[2][1].type, 'accountNotFound');
  assert.equal(r.methodResponses[3][1].type, 'invalidArguments');
  const only = await api(env, elodie, [['Mailbox/get', { accountId: elodie.accountId }, 'x']], ['urn:ietf:params:jmap:core']);
  assert.equal(only.methodResponses[0][1].type, 'unknownMethod');
  assert.equal(typeof only.sessionState, 'string');
});

test('result references (RFC 8620 §3.7), invalidResultReference, requestTooLarge', async () => {
  const r = await api(env, elodie, [
    ['Mailbox/query', { accountId: elodie.accountId, filter: { role: 'inbox' } }, 'q'],
    ['Mailbox/get', { accountId: elodie.accountId, '#ids': { resultOf: 'q', name: 'Mailbox/query', path: '/ids' }, properties: ['name', 'role'] }, 'g'],
    ['Mailbox/get', { accountId: elodie.accountId, '#ids': { resultOf: 'q', name: 'Mailbox/get', path: '/ids' } }, 'bad'],
    ['Mailbox/get', { accountId: elodie.accountId, '#ids': { resultOf: 'g', name: 'Mailbox/get', path: '/list/*/id' } }, 'star'],
  ]);
  const g = r.methodResponses[1][1];
  assert.equal(g.list.length, 1);
  assert.equal(g.list[0].role, 'inbox');
  assert.equal(r.methodResponses[2][1].type, 'invalidResultReference');
  assert.equal(r.methodResponses[3][1].list[0].id, g.list[0].id);
  const big = await call(env, elodie, 'Mailbox/get', { ids: ['1', '2', '3', '4', '5', '6'] });
  assert.equal(big.error.type, 'requestTooLarge');
});

test('createdIds are echoed back and usable across the request', async () => {
  const r = await fetch(`${env.base}/jmap/api`, {
    method: 'POST',
    headers: { authorization: elodie.auth, 'content-type': 'application/json' },
    body: JSON.stringify({
      using: USING,
      createdIds: {},
      methodCalls: [
        ['Mailbox/set', { accountId: elodie.accountId, create: { k1: { name: 'Conseil de classe' } } }, 'a'],
        ['Mailbox/set', { accountId: elodie.accountId, create: { k2: { name: '3e B', parentId: '#k1' } } }, 'b'],
      ],
    }),
  });
  const body: any = await r.json();
  assert.ok(body.createdIds.k1 && body.createdIds.k2);
  const mb = await call(env, elodie, 'Mailbox/get', { ids: [body.createdIds.k2] });
  assert.equal(mb.list[0].parentId, body.createdIds.k1);
  assert.equal(mb.list[0].name, '3e B');
});

test('upload over maxSizeUpload is a limit problem; download of an unknown blob is 404', async () => {
  const r = await fetch(`${env.base}/jmap/upload/${elodie.accountId}/`, { method: 'POST', headers: { authorization: elodie.auth, 'content-type': 'application/octet-stream' }, body: Buffer.alloc(2000) });
  assert.equal(r.status, 413);
  const p: any = await r.json();
  assert.equal(p.type, 'urn:ietf:params:jmap:error:limit');
  assert.equal(p.limit, 'maxSizeUpload');
  const ok = await fetch(`${env.base}/jmap/upload/${elodie.accountId}/`, { method: 'POST', headers: { authorization: elodie.auth, 'content-type': 'text/plain' }, body: 'petit' });
  const blob: any = await ok.json();
  const dl = await fetch(`${env.base}/jmap/download/${elodie.accountId}/${blob.blobId}/petit.txt?type=text/plain`, { headers: { authorization: elodie.auth } });
  assert.equal(await dl.text(), 'petit');
  assert.equal(dl.headers.get('x-content-type-options'), 'nosniff');
  assert.equal((await fetch(`${env.base}/jmap/download/${jean.accountId}/${blob.blobId}/petit.txt`, { headers: { authorization: jean.auth } })).status, 404);
  assert.equal((await fetch(`${env.base}/jmap/download/${elodie.accountId}/nope/x`, { headers: { authorization: elodie.auth } })).status, 404);
});
