/** IMAP connection caps per address and per account (RFC 5530 UNAVAILABLE / LIMIT), and LITERAL+
 *  non-synchronising literals of any size within the limits (RFC 7888 §3–§4). */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startImapTestApp, type ImapTestApp } from './helpers/app.ts';
import { RawImap } from './helpers/imap-client.ts';

let user: { id: number; address: string; password: string };
let other: { address: string; password: string };

let h: ImapTestApp;

before(async () => {
  h = await startImapTestApp({ imapMaxConnectionsPerIp: 4, imapMaxConnectionsPerAccount: 2 });
  user = await h.app.account('Chloé', 'Bernard');
  other = await h.app.account('Théo', 'Petit');
});
after(() => h.close());

const login = (c: RawImap, u: { address: string; password: string }) => c.cmd(`LOGIN "${u.address}" "${u.password}"`);

/** Closes the client and waits until the server freed the connection's slots. */
async function hangUp(c: RawImap): Promise<void> {
  const released = h.imap.caps.waitReleased();
  c.close();
  await released;
}

test('per-account cap: NO [LIMIT], session stays unauthenticated, slot freed on close', async () => {
  const a = (await RawImap.connect(h.imap.port)).c;
  const b = (await RawImap.connect(h.imap.port)).c;
  const c = (await RawImap.connect(h.imap.port)).c;
  assert.match((await login(a, user)).tagged, /OK/);
  assert.match((await login(b, user)).tagged, /OK/);
  const refused = await login(c, user);
  assert.match(refused.tagged, /^t\d+ NO \[LIMIT\] Too many connections for this account \/ Trop de connexions pour ce compte$/);
  assert.match((await c.cmd('SELECT INBOX')).tagged, /BAD/, 'still not authenticated');
  const plain = Buffer.from(`\0${user.address}\0${user.password}`).toString('base64');
  assert.match((await c.cmd(`AUTHENTICATE PLAIN ${plain}`)).tagged, /NO \[LIMIT\]/);
  // Another account is not affected by this account's cap.
  assert.match((await login(c, other)).tagged, /OK/);
  assert.equal(h.imap.caps.count('account', user.id), 2);
  await hangUp(a);
  assert.equal(h.imap.caps.count('account', user.id), 1);
  const d = (await RawImap.connect(h.imap.port)).c;
  assert.match((await login(d, user)).tagged, /OK/, 'the freed slot is usable');
  for (const x of [b, c, d]) await hangUp(x);
});

test('per-address cap (loopback included): BYE [UNAVAILABLE] before any command; freed on close', async () => {
  const open: RawImap[] = [];
  for (let i = 0; i < 4; i++) {
    const { c, greeting } = await RawImap.connect(h.imap.port);
    assert.match(greeting, /^\* OK /);
    open.push(c);
  }
  const { c: fifth, greeting } = await RawImap.connect(h.imap.port);
  assert.equal(greeting, '* BYE [UNAVAILABLE] Too many connections from your address / Trop de connexions');
  await assert.rejects(fifth.line(), /connection closed/, 'closed without a greeting or any answer');
  assert.equal(h.imap.caps.count('ip', '127.0.0.1'), 4, 'a refused connection takes no slot');
  await hangUp(open.shift()!);
  const { c: again, greeting: g2 } = await RawImap.connect(h.imap.port);
  assert.match(g2, /^\* OK /);
  open.push(again);
  for (const c of open) await hangUp(c);
  assert.equal(h.imap.caps.count('ip', '127.0.0.1'), 0);
});

test('LITERAL+: advertised instead of LITERAL-; APPEND {10240+} without waiting for a continuation', async () => {
  const { c, greeting } = await RawImap.connect(h.imap.port);
  assert.match(greeting, / LITERAL\+ /);
  assert.doesNotMatch(greeting, /LITERAL-/);
  assert.match((await login(c, user)).tagged, /OK/);
  const body = 'Compte rendu du conseil de classe. '.repeat(400);
  const head = `From: Alice <alice@example.org>\r\nTo: ${user.address}\r\nSubject: Conseil\r\nMessage-ID: <lit10k@example.org>\r\n\r\n`;
  const msg = (head + body).slice(0, 10240 - 2) + '\r\n';
  assert.equal(Buffer.byteLength(msg), 10240);
  // Command line and octets leave in one write: a server waiting to send "+" would never answer.
  c.write(`L1 APPEND INBOX {10240+}\r\n${msg}\r\n`);
  const r = await c.until('L1');
  assert.match(r.tagged, /^L1 OK \[APPENDUID \d+ \d+\]/);
  assert.ok(!r.lines.some((l) => l.startsWith('+')), `no continuation request: ${r.lines.join('|')}`);
  // RFC 7888 §4 choice 1: a non-synchronising literal over a limit (64 KiB outside APPEND) is read,
  // dropped and answered BAD [TOOBIG]; the commands after it are served.
  c.write(`L2 SEARCH TEXT {70000+}\r\n${'x'.repeat(70000)}\r\nL3 NOOP\r\n`);
  assert.match((await c.until('L2')).tagged, /^L2 BAD \[TOOBIG\]/);
  assert.match((await c.until('L3')).tagged, /^L3 OK/);
  // Past the APPEND limit the octets are not read: BYE [TOOBIG] (RFC 7888 §4 choice 2).
  c.write('L4 APPEND INBOX {999999999+}\r\n');
  assert.match(await c.line(), /^\* BYE \[TOOBIG\]/);
  await assert.rejects(c.line(), /connection closed/);
  c.close();
});
