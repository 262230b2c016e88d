/** MULTIAPPEND (RFC 3502): several messages in one APPEND are stored together, or none is, over the
 *  real IMAP server; APPENDUID gives every UID (RFC 4315 §3). */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startImapTestApp, type ImapTestApp } from './helpers/app.ts';
import { RawImap } from './helpers/imap-client.ts';

let h: ImapTestApp;

before(async () => {
  h = await startImapTestApp();
});
after(() => h.close());

const message = (n: number, filler = '') => `From: a@example.org\r\nSubject: Pièce ${n}\r\nMessage-ID: <multi-${n}@example.org>\r\n\r\nBonjour ${n}.\r\n${filler}`;
const literal = (raw: string) => `{${Buffer.byteLength(raw)}+}\r\n${raw}`;

async function signIn(quotaBytes?: number): Promise<RawImap> {
  const u = await h.app.account('Lina', `Multi${Math.random().toString(36).slice(2, 8)}`, quotaBytes ? { quotaBytes } : {});
  const { c } = await RawImap.connect(h.imap.port);
  assert.match((await c.cmd(`LOGIN "${u.address}" "${u.password}"`)).tagged, /OK/);
  return c;
}

test('MULTIAPPEND is advertised and stores every message with its flags, in order, with one APPENDUID set', async () => {
  const c = await signIn();
  assert.match((await c.cmd('CAPABILITY')).lines.join(' '), / MULTIAPPEND /);
  const r = await c.cmd(`APPEND INBOX (\\Seen) ${literal(message(1))} (\\Flagged) "03-Sep-2024 10:00:00 +0200" ${literal(message(2))} ${literal(message(3))}`);
  const m = /OK \[APPENDUID (\d+) (\S+)\]/.exec(r.tagged);
  assert.ok(m, r.tagged);
  assert.equal(m[2], '1:3');
  await c.cmd('SELECT INBOX');
  const f = await c.cmd('FETCH 1:* (UID FLAGS INTERNALDATE BODY.PEEK[HEADER.FIELDS (SUBJECT)])');
  const lines = f.lines.join('\n');
  assert.match(lines, /\* 1 FETCH \(UID 1 FLAGS \(\\Seen\)/);
  assert.match(lines, /\* 2 FETCH \(UID 2 FLAGS \(\\Flagged\) INTERNALDATE "03-Sep-2024 08:00:00 \+0000"/);
  assert.match(lines, /\* 3 FETCH \(UID 3 FLAGS \(\)/);
  c.close();
});

test('a MULTIAPPEND that would pass the quota stores nothing: NO [OVERQUOTA] and the mailbox unchanged', async () => {
  // Room for two of these messages, not three.
  const filler = 'x'.repeat(4000) + '\r\n';
  const size = Buffer.byteLength(message(1, filler));
  const c = await signIn(Math.floor(size * 2.5));
  const r = await c.cmd(`APPEND INBOX ${literal(message(1, filler))} ${literal(message(2, filler))} ${literal(message(3, filler))}`);
  assert.match(r.tagged, /NO \[OVERQUOTA\]/);
  const st = await c.cmd('STATUS INBOX (MESSAGES UIDNEXT)');
  assert.match(st.lines.join(' '), /MESSAGES 0 UIDNEXT 1\)/);
  const q = await c.cmd('GETQUOTAROOT INBOX');
  assert.match(q.lines.join(' '), /STORAGE 0 /, 'no quota used by the refused messages');
  // The same two messages alone fit.
  assert.match((await c.cmd(`APPEND INBOX ${literal(message(1, filler))} ${literal(message(2, filler))}`)).tagged, /OK \[APPENDUID \d+ 1:2\]/);
  c.close();
});

test('an empty message anywhere in a MULTIAPPEND refuses the whole command', async () => {
  const c = await signIn();
  const r = await c.cmd(`APPEND INBOX ${literal(message(1))} {0+}\r\n`);
  assert.match(r.tagged, /NO/);
  assert.match((await c.cmd('STATUS INBOX (MESSAGES)')).lines.join(' '), /MESSAGES 0\)/);
  c.close();
});
