/** Sessions that select the same mailbox share one UID list (src/imap/uid-cache.ts, copied on the
 *  first change by src/imap/selected.ts): what one session learns (EXISTS, EXPUNGE) must not leak
 *  into another session's sequence numbers, nor into a later SELECT. RFC 9051 §2.3.1.2, §7.4.1, §7.5.1. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { RawImap } from './helpers/imap-client.ts';

let app: TestApp;
let user: { address: string; password: string };

before(async () => {
  app = await startTestApp({}, { web: false });
  user = await app.account('Anouk', 'Partage');
});
after(() => app.stop());

async function session(): Promise<RawImap> {
  const { c } = await RawImap.connect(app.ports.imap);
  assert.match((await c.cmd(`LOGIN "${user.address}" "${user.password}"`)).tagged, /OK/);
  return c;
}

const append = (c: RawImap, subject: string) => {
  const raw = `From: a@example.org\r\nTo: ${user.address}\r\nSubject: ${subject}\r\n\r\nCorps\r\n`;
  return c.cmd(`APPEND INBOX {${Buffer.byteLength(raw)}+}\r\n${raw}`);
};

/** The UIDs of messages 1:* as this session numbers them. */
async function uidsBySeq(c: RawImap): Promise<string[]> {
  const r = await c.cmd('FETCH 1:* (UID)');
  return r.lines.filter((l) => / FETCH /.test(l)).map((l) => l.replace(/^\* (\d+) FETCH \(UID (\d+)\)$/, '$1:$2'));
}

test('two sessions on one mailbox each learn of new and expunged messages, and a later SELECT agrees', async () => {
  const writer = await session();
  for (let i = 1; i <= 3; i++) assert.match((await append(writer, `m${i}`)).tagged, /OK/);
  const a = await session();
  const b = await session();
  assert.ok((await a.cmd('SELECT INBOX')).lines.includes('* 3 EXISTS'));
  assert.ok((await b.cmd('SELECT INBOX')).lines.includes('* 3 EXISTS'));

  // A new message: A hears of it first; B must still hear of it (its list was not grown by A's).
  assert.match((await append(writer, 'm4')).tagged, /OK/);
  assert.ok((await a.cmd('NOOP')).lines.includes('* 4 EXISTS'));
  assert.ok((await b.cmd('NOOP')).lines.includes('* 4 EXISTS'));
  assert.deepEqual(await uidsBySeq(a), ['1:1', '2:2', '3:3', '4:4']);
  assert.deepEqual(await uidsBySeq(b), ['1:1', '2:2', '3:3', '4:4']);

  // A expunges message 2: B is told, and a fresh SELECT sees three messages.
  await a.cmd('STORE 2 +FLAGS.SILENT (\\Deleted)');
  assert.ok((await a.cmd('EXPUNGE')).lines.includes('* 2 EXPUNGE'));
  assert.ok((await b.cmd('NOOP')).lines.includes('* 2 EXPUNGE'));
  assert.deepEqual(await uidsBySeq(b), ['1:1', '2:3', '3:4']);
  const c = await session();
  assert.ok((await c.cmd('SELECT INBOX')).lines.includes('* 3 EXISTS'));
  assert.deepEqual(await uidsBySeq(c), ['1:1', '2:3', '3:4']);

  // B's own copy grows on a new message without changing what C numbers.
  assert.match((await append(writer, 'm5')).tagged, /OK/);
  assert.ok((await b.cmd('NOOP')).lines.includes('* 4 EXISTS'));
  assert.deepEqual(await uidsBySeq(b), ['1:1', '2:3', '3:4', '4:5']);
  const d = await session();
  assert.ok((await d.cmd('SELECT INBOX')).lines.includes('* 4 EXISTS'));
  for (const x of [writer, a, b, c, d]) x.close();
});

test('UID FETCH 1:* (FLAGS MODSEQ) numbers rows by the session map; a message committed meanwhile comes as EXISTS only', async () => {
  const w = await session();
  assert.match((await w.cmd('CREATE Drapeaux')).tagged, /OK/);
  const put = (subject: string, flags: string) => {
    const raw = `From: a@example.org\r\nTo: ${user.address}\r\nSubject: ${subject}\r\n\r\nCorps\r\n`;
    return w.cmd(`APPEND Drapeaux (${flags}) {${Buffer.byteLength(raw)}+}\r\n${raw}`);
  };
  assert.match((await put('un', '\\Seen')).tagged, /OK/);
  assert.match((await put('deux', '')).tagged, /OK/);
  assert.match((await put('trois', '\\Flagged $Junk')).tagged, /OK/);
  const r = await session();
  await r.cmd('SELECT Drapeaux');
  await w.cmd('SELECT Drapeaux');
  await w.cmd('STORE 1 +FLAGS.SILENT (\\Deleted)');
  await w.cmd('EXPUNGE');
  assert.match((await put('quatre', '\\Answered')).tagged, /OK/);
  // r has not synced: message 1 (UID 1) is still in its map; UID 4 is not yet.
  const f = await r.cmd('UID FETCH 1:* (FLAGS MODSEQ)');
  const fetches = f.lines.filter((l) => / FETCH /.test(l)).map((l) => l.replace(/MODSEQ \(\d+\)/, 'MODSEQ (n)'));
  assert.deepEqual(fetches, ['* 2 FETCH (UID 2 FLAGS () MODSEQ (n))', '* 3 FETCH (UID 3 FLAGS (\\Flagged $Junk) MODSEQ (n))']);
  // The expunge and the arrival are reported after the FETCH lines (UID FETCH may report EXPUNGE).
  const after = f.lines.slice(f.lines.findIndex((l) => l.startsWith('* 3 FETCH')) + 1);
  assert.deepEqual(after.filter((l) => /EXPUNGE|EXISTS/.test(l)), ['* 1 EXPUNGE', '* 3 EXISTS']);
  const again = await r.cmd('FETCH 1:* (FLAGS)');
  assert.deepEqual(again.lines.filter((l) => / FETCH /.test(l)), ['* 1 FETCH (FLAGS ())', '* 2 FETCH (FLAGS (\\Flagged $Junk))', '* 3 FETCH (FLAGS (\\Answered))']);
  w.close();
  r.close();
});
