/** IMAP door robustness: random command streams across states never kill the server; TLS-only
 *  sign-in when loopback is not trusted; implicit TLS. RFC 9051 §6.2.3, RFC 8314 §3.3. */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tlsConnect } from 'node:tls';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { startImapServer, type ImapServer } from '../src/imap/server.ts';
import { RawImap } from './helpers/imap-client.ts';

let app: TestApp;
let imap: ImapServer;
let user: { address: string; password: string };

before(async () => {
  app = await startTestApp({ allowPlainLoopback: false });
  imap = await startImapServer(app.ctx, { port: 0, implicitTlsPort: 0 });
  user = await app.account('Nadia', 'Roux');
});
after(async () => {
  await imap.close();
  await app.stop();
});

test('without TLS: LOGINDISABLED, LOGIN refused with PRIVACYREQUIRED', async () => {
  const { c, greeting } = await RawImap.connect(imap.port);
  assert.match(greeting, /LOGINDISABLED/);
  assert.doesNotMatch(greeting, /AUTH=PLAIN/);
  assert.match((await c.cmd(`LOGIN "${user.address}" "${user.password}"`)).tagged, /NO \[PRIVACYREQUIRED\]/);
  // Before sign-in an APPEND literal is held to the small limit: no "+" for 1 MB.
  c.write('p1 APPEND INBOX {1000000}\r\n');
  assert.match((await c.until('p1')).tagged, /^p1 NO \[TOOBIG\]/);
  // Commands pipelined after STARTTLS in clear are dropped, not run after the handshake.
  c.write('s1 STARTTLS\r\ns2 NOOP\r\n');
  assert.match((await c.until('s1')).tagged, /OK/);
  await c.startTls();
  const caps = await c.cmd('CAPABILITY');
  assert.match(caps.lines[0]!, /AUTH=PLAIN/);
  assert.match((await c.cmd(`LOGIN "${user.address}" "${user.password}"`)).tagged, /OK/);
  c.close();
});

test('implicit TLS port', async () => {
  const s = tlsConnect({ port: imap.tlsPort, host: '127.0.0.1', rejectUnauthorized: false });
  await new Promise<void>((r, j) => s.once('secureConnect', r).once('error', j));
  const c = new RawImap(s);
  assert.match(await c.line(), /^\* OK \[CAPABILITY .*AUTH=PLAIN/);
  assert.match((await c.cmd(`LOGIN "${user.address}" "${user.password}"`)).tagged, /OK/);
  c.close();
});

// Deterministic pseudo-random generator (mulberry32) so a failure replays.
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COMMANDS = [
  'NOOP', 'CAPABILITY', 'SELECT INBOX', 'EXAMINE Archive', 'SELECT nowhere', 'UNSELECT', 'CLOSE', 'CHECK', 'EXPUNGE', 'UID EXPUNGE 1:*',
  'FETCH 1:* (FLAGS UID ENVELOPE BODYSTRUCTURE BODY.PEEK[])', 'FETCH * BODY[1.2.3.MIME]', 'UID FETCH 1:* (BINARY[1] BINARY.SIZE[2])', 'FETCH 99999 FLAGS',
  'STORE 1:* +FLAGS (\\Seen)', 'UID STORE 1 (UNCHANGEDSINCE 1) FLAGS ()', 'SEARCH OR FROM a NOT TO b', 'UID SEARCH RETURN (SAVE) ALL', 'FETCH $ FLAGS',
  'SORT (REVERSE DATE) UTF-8 ALL', 'THREAD REFERENCES UTF-8 ALL', 'COPY 1:* Archive', 'MOVE 1 Trash', 'LIST "" *', 'LIST (SUBSCRIBED) "" % RETURN (STATUS (MESSAGES))',
  'LSUB "" *', 'STATUS INBOX (MESSAGES DELETED SIZE)', 'CREATE Fuzz/x', 'RENAME Fuzz/x Fuzz/y', 'DELETE Fuzz/y', 'SUBSCRIBE Archive', 'GETQUOTAROOT INBOX',
  'ENABLE QRESYNC', 'ID NIL', 'NAMESPACE', 'APPEND INBOX {20+}\r\nSubject: z\r\n\r\nbody..', 'SEARCH CHARSET KOI8 ALL', 'FROB', '(((', 'FETCH 1 (BODY[', 'LOGIN a b',
];

test('a random command stream in every state gets an answer to each command', async () => {
  const { c } = await RawImap.connect(imap.port);
  await c.cmd('STARTTLS');
  await c.startTls();
  await c.cmd(`LOGIN "${user.address}" "${user.password}"`);
  const next = rng(42);
  for (let i = 0; i < 150; i++) {
    const cmd = COMMANDS[Math.floor(next() * COMMANDS.length)]!;
    const r = await c.cmd(cmd, `f${i}`);
    assert.match(r.tagged, /^f\d+ (OK|NO|BAD)/, `${cmd} → ${r.tagged}`);
    // A server fault would show as NO [SERVERBUG]: every one of these is handled.
    assert.doesNotMatch(r.tagged, /SERVERBUG/, `${cmd} → ${r.tagged}`);
    if (process.env.PREAU_TEST_VERBOSE) console.log(cmd.slice(0, 30), '→', r.tagged);
    // Stay under the bad-command limit so the session lives on.
    if (/BAD/.test(r.tagged)) await c.cmd('NOOP');
  }
  assert.match((await c.cmd('LOGOUT')).tagged, /OK/);
  c.close();
});
