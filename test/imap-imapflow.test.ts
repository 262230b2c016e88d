/** IMAP interop with imapflow: STARTTLS, APPEND, FETCH (envelope, structure, source), flags,
 *  SEARCH, MOVE, LIST/STATUS, QUOTA, IDLE notifications, CONDSTORE. */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import { startImapTestApp, type ImapTestApp } from './helpers/app.ts';

let user: { address: string; password: string };

let h: ImapTestApp;

before(async () => {
  h = await startImapTestApp({}, {});
  user = await h.app.account('Jean', 'Dupont');
});
after(() => h.close());

function client(): ImapFlow {
  return new ImapFlow({ host: '127.0.0.1', port: h.imap.port, secure: false, auth: { user: user.address, pass: user.password }, logger: false, tls: { rejectUnauthorized: false }, qresync: true });
}

const RAW = [
  'From: "Chef d\'établissement" <direction@ac-test.fr>',
  'To: jean.dupont@ac-test.fr',
  'Subject: =?utf-8?q?Conseil_de_classe?=',
  'Message-ID: <cc1@ac-test.fr>',
  'Date: Mon, 02 Dec 2024 08:30:00 +0100',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Le conseil a lieu =C3=A0 17h.',
  '--b1',
  'Content-Type: application/pdf; name="ordre-du-jour.pdf"',
  'Content-Disposition: attachment; filename="ordre-du-jour.pdf"',
  'Content-Transfer-Encoding: base64',
  '',
  'JVBERi0xLjQKJcfsj6IK',
  '--b1--',
  '',
].join('\r\n');

test('imapflow: the common client flow', { timeout: 20_000 }, async () => {
  const c = client();
  await c.connect();
  assert.ok(c.secureConnection, 'upgraded with STARTTLS');
  assert.ok(c.capabilities.has('IDLE') && c.capabilities.has('MOVE') && c.capabilities.has('CONDSTORE'));
  const appended = await c.append('INBOX', RAW, ['\\Flagged']);
  assert.equal(appended && appended.uid, 1);
  const lock = await c.getMailboxLock('INBOX');
  try {
    const m = await c.fetchOne('*', { uid: true, flags: true, envelope: true, bodyStructure: true, source: true, size: true }, {});
    assert.ok(m);
    assert.equal(m.envelope?.subject, 'Conseil de classe');
    assert.equal(m.envelope?.from?.[0]?.address, 'direction@ac-test.fr');
    assert.equal(m.bodyStructure?.type, 'multipart/mixed');
    assert.equal(m.bodyStructure?.childNodes?.[1]?.disposition, 'attachment');
    assert.equal(m.source?.toString(), RAW);
    assert.ok(m.flags?.has('\\Flagged'));
    const { content } = await c.download('1', '1', { uid: true });
    assert.ok(content);
    const chunks: Buffer[] = [];
    for await (const ch of content) chunks.push(ch as Buffer);
    assert.equal(Buffer.concat(chunks).toString('utf8'), 'Le conseil a lieu à 17h.');
    await c.messageFlagsAdd('1', ['\\Seen', '$Important'], { uid: true });
    const seen = await c.search({ seen: true, subject: 'conseil' }, { uid: true });
    assert.deepEqual(seen, [1]);
    const unseen = await c.search({ seen: false }, { uid: true });
    assert.deepEqual(unseen, []);
    const moved = await c.messageMove('1', 'Archive', { uid: true });
    assert.ok(moved && moved.uidMap?.get(1));
    assert.equal((c.mailbox as { exists: number }).exists, 0);
  } finally {
    lock.release();
  }
  const boxes = await c.list();
  assert.ok(boxes.some((b) => b.path === 'Archive' && b.specialUse === '\\Archive'));
  const st = await c.status('Archive', { messages: true, unseen: true, uidNext: true });
  assert.ok(st);
  assert.equal(st.messages, 1);
  assert.equal(st.unseen, 0);
  await c.mailboxCreate('Élèves/3e A');
  assert.ok((await c.list()).some((b) => b.path === 'Élèves/3e A'));
  const q = await c.getQuota('INBOX');
  assert.ok(q && q.storage && (q.storage.limit ?? 0) > 0);
  await c.logout();
});

test('imapflow: IDLE reports an arrival, flags from another session', { timeout: 20_000 }, async () => {
  const a = client();
  const b = client();
  await a.connect();
  await b.connect();
  await a.mailboxOpen('INBOX');
  const exists = new Promise<number>((resolve) => a.on('exists', (d: { count: number }) => resolve(d.count)));
  // Enter IDLE now (imapflow would by itself after 15 s); the promise settles when IDLE ends.
  void a.idle();
  await b.append('INBOX', RAW);
  assert.ok((await exists) >= 1);
  const flagged = new Promise<Set<string>>((resolve) => a.on('flags', (d: { flags: Set<string> }) => resolve(d.flags)));
  await b.mailboxOpen('INBOX');
  await b.messageFlagsAdd('*', ['\\Answered']);
  assert.ok((await flagged).has('\\Answered'));
  await a.logout();
  await b.logout();
});
