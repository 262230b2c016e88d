/** JMAP download with ?inline=1 (webmail PDF preview): inline only for PDF and images, sandboxed. RFC 8620 §6.2, RFC 6266 §4.2. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startJmap, user, call, deliver, type JmapEnv, type Who } from './jmap-helpers.ts';

let env: JmapEnv;
let elodie: Who;
let jean: Who;
let pdfBlob = '';
let exeBlob = '';
const PDF = '%PDF-1.4\r\n%%EOF';

before(async () => {
  env = await startJmap();
  elodie = await user(env, 'Élodie', 'Lefèvre');
  jean = await user(env, 'Jean', 'Martin');
  const raw = [
    'From: Secrétariat <secretariat@example.org>', `To: ${elodie.address}`, 'Subject: Compte rendu', 'Message-ID: <inline1@example.org>',
    'Date: Mon, 2 Nov 2026 10:00:00 +0100', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b1"', '',
    '--b1', 'Content-Type: text/plain; charset=utf-8', '', 'Ci-joint.',
    '--b1', 'Content-Type: application/pdf; name="compte-rendu.pdf"', 'Content-Disposition: attachment; filename="compte-rendu.pdf"', 'Content-Transfer-Encoding: base64', '', Buffer.from(PDF).toString('base64'),
    '--b1', 'Content-Type: text/html; name="page.html"', 'Content-Disposition: attachment; filename="page.html"', '', '<script>alert(1)</script>',
    '--b1--', '',
  ].join('\r\n');
  const d = await deliver(env, elodie, { raw });
  const e = (await call(env, elodie, 'Email/get', { ids: [d.emailId], properties: ['attachments'] })).list[0];
  pdfBlob = e.attachments.find((a: { type: string }) => a.type === 'application/pdf').blobId;
  exeBlob = e.attachments.find((a: { type: string }) => a.type === 'text/html').blobId;
});

after(async () => {
  await env?.stop();
});

const get = (who: Who, blob: string, rest: string) => fetch(`${env.base}/jmap/download/${who.accountId}/${blob}/${rest}`, { headers: { authorization: who.auth } });

test('a PDF downloads as an attachment by default and inline with ?inline=1, sandboxed and nosniff', async () => {
  const plain = await get(elodie, pdfBlob, 'compte-rendu.pdf?type=application/pdf');
  assert.equal(plain.status, 200);
  assert.match(plain.headers.get('content-disposition') ?? '', /^attachment;/);
  await plain.arrayBuffer();
  const r = await get(elodie, pdfBlob, 'compte-rendu.pdf?type=application/pdf&inline=1');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/pdf');
  assert.match(r.headers.get('content-disposition') ?? '', /^inline; filename="compte-rendu.pdf"/);
  assert.match(r.headers.get('content-security-policy') ?? '', /\bsandbox\b/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(await r.text(), PDF);
});

test('?inline=1 never makes other types inline, nor opens another account\'s blob', async () => {
  const html = await get(elodie, exeBlob, 'page.html?inline=1');
  assert.equal(html.status, 200);
  assert.match(html.headers.get('content-disposition') ?? '', /^attachment;/);
  await html.arrayBuffer();
  const asText = await get(elodie, pdfBlob, 'x.txt?type=text/html&inline=1');
  assert.match(asText.headers.get('content-disposition') ?? '', /^attachment;/);
  await asText.arrayBuffer();
  const stolen = await get(jean, pdfBlob, 'compte-rendu.pdf?inline=1');
  assert.equal(stolen.status, 404);
  await stolen.arrayBuffer();
});
