/** IMAP CONDSTORE/QRESYNC, MOVE, BINARY and the "no EXPUNGE during FETCH" rule, over raw transcripts.
 *  RFC 7162, RFC 6851, RFC 3516, RFC 9051 §7.5.1. */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startImapTestApp, type ImapTestApp } from './helpers/app.ts';
import { RawImap } from './helpers/imap-client.ts';

let user: { address: string; password: string };

let h: ImapTestApp;

before(async () => {
  h = await startImapTestApp();
  user = await h.app.account('Paul', 'Bernard');
});
after(() => h.close());

async function signedIn(): Promise<RawImap> {
  const { c } = await RawImap.connect(h.imap.port);
  assert.match((await c.cmd(`LOGIN "${user.address}" "${user.password}"`)).tagged, /OK/);
  return c;
}

const msg = (n: number): string => `From: a@example.org\r\nSubject: note ${n}\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\nAAECAw==\r\n`;

async function append(c: RawImap, box: string, n: number): Promise<void> {
  const m = msg(n);
  c.write(`ap${n} APPEND ${box} {${m.length}+}\r\n${m}\r\n`);
  assert.match((await c.until(`ap${n}`)).tagged, /OK/);
}

test('CONDSTORE: MODSEQ, CHANGEDSINCE, UNCHANGEDSINCE → MODIFIED; QRESYNC select with VANISHED', async () => {
  const c = await signedIn();
  await c.cmd('CREATE Cond');
  for (let i = 1; i <= 4; i++) await append(c, 'Cond', i);
  const en = await c.cmd('ENABLE QRESYNC');
  assert.deepEqual(en.lines, ['* ENABLED QRESYNC']);
  const sel = await c.cmd('SELECT Cond');
  const hm = Number(/HIGHESTMODSEQ (\d+)/.exec(sel.lines.join('\n'))![1]);
  const uidValidity = Number(/UIDVALIDITY (\d+)/.exec(sel.lines.join('\n'))![1]);
  const st = await c.cmd('STORE 2 +FLAGS (\\Seen)');
  assert.match(st.lines[0]!, /^\* 2 FETCH \(FLAGS \(\\Seen\) MODSEQ \((\d+)\)\)$/);
  const ch = await c.cmd(`UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${hm})`);
  assert.equal(ch.lines.length, 1);
  assert.match(ch.lines[0]!, /^\* 2 FETCH \(UID 2 FLAGS \(\\Seen\) MODSEQ \(\d+\)\)$/);
  const cond = await c.cmd(`STORE 1:3 (UNCHANGEDSINCE ${hm}) +FLAGS.SILENT (\\Flagged)`);
  assert.match(cond.tagged, /OK \[MODIFIED 2\]/);
  assert.equal(cond.lines.filter((l) => l.includes('MODSEQ')).length, 2, 'silent STORE still reports MODSEQ of changed messages');
  await c.cmd('STORE 3 +FLAGS.SILENT (\\Deleted)');
  const ex = await c.cmd('UID EXPUNGE 3');
  assert.deepEqual(ex.tagged.includes('OK'), true);
  assert.deepEqual(ex.lines, ['* VANISHED 3']);
  await c.cmd('UNSELECT');
  const re = await c.cmd(`SELECT Cond (QRESYNC (${uidValidity} ${hm} 1:4))`);
  assert.ok(re.lines.includes('* VANISHED (EARLIER) 3'), re.lines.join('\n'));
  assert.ok(re.lines.some((l) => /^\* \d FETCH \(UID 2 FLAGS \(\\Seen\) MODSEQ/.test(l)), re.lines.join('\n'));
  c.close();
});

test('no EXPUNGE while answering FETCH; NOOP reports it; MOVE sends COPYUID then EXPUNGE', async () => {
  const a = await signedIn();
  const b = await signedIn();
  await a.cmd('CREATE Hold');
  for (let i = 1; i <= 3; i++) await append(a, 'Hold', i);
  await a.cmd('SELECT Hold');
  await b.cmd('SELECT Hold');
  await b.cmd('STORE 1 +FLAGS (\\Deleted)');
  await b.cmd('EXPUNGE');
  const f = await a.cmd('FETCH 1:* (UID)');
  assert.ok(!f.lines.some((l) => l.includes('EXPUNGE')), f.lines.join('\n'));
  assert.ok(f.lines.includes('* 2 FETCH (UID 2)'), 'numbers stay as they were until the client is told');
  const n = await a.cmd('NOOP');
  assert.ok(n.lines.includes('* 1 EXPUNGE'), n.lines.join('\n'));
  const mv = await a.cmd('MOVE 1 Archive');
  assert.match(mv.lines[0]!, /^\* OK \[COPYUID \d+ 2 \d+\]/);
  assert.equal(mv.lines[1], '* 1 EXPUNGE');
  assert.match(mv.tagged, /OK/);
  a.close();
  b.close();
});

test('BINARY and BINARY.SIZE decode the transfer encoding (literal8 for NUL)', async () => {
  const c = await signedIn();
  await c.cmd('CREATE Bin');
  await append(c, 'Bin', 9);
  await c.cmd('EXAMINE Bin');
  const r = await c.cmd('FETCH 1 (BINARY.SIZE[1] BINARY.PEEK[1])');
  assert.match(r.lines[0]!, /^\* 1 FETCH \(BINARY\.SIZE\[1\] 4 BINARY\[1\] ~\{4\}$/);
  const f = await c.cmd('FETCH 1 FLAGS');
  assert.ok(!f.lines[0]!.includes('\\Seen'), 'EXAMINE and PEEK leave \\Seen alone');
  c.close();
});
