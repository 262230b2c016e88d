/** IMAP scenarios over a raw socket: sign-in, mailboxes, APPEND/FETCH/STORE/SEARCH/EXPUNGE, IDLE. */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startImapTestApp, type ImapTestApp } from './helpers/app.ts';
import { RawImap } from './helpers/imap-client.ts';

let user: { address: string; password: string };

let h: ImapTestApp;

before(async () => {
  h = await startImapTestApp();
  user = await h.app.account('Élise', 'Martin');
});
after(() => h.close());

async function signedIn(): Promise<RawImap> {
  const { c } = await RawImap.connect(h.imap.port);
  const r = await c.cmd(`LOGIN "${user.address}" "${user.password}"`);
  assert.match(r.tagged, /^t\d+ OK \[CAPABILITY .*IMAP4rev2/);
  return c;
}

const MSG = 'From: Alice <alice@example.org>\r\nTo: elise.martin@ac-test.fr\r\nSubject: =?utf-8?q?R=C3=A9union?= parents\r\nMessage-ID: <m1@example.org>\r\nDate: Tue, 03 Sep 2024 10:00:00 +0200\r\n\r\nBonjour, la reunion est jeudi.\r\n';

test('greeting, capabilities and LOGINDISABLED rules', async () => {
  const { c, greeting } = await RawImap.connect(h.imap.port);
  assert.match(greeting, /^\* OK \[CAPABILITY IMAP4rev1 IMAP4rev2 .*STARTTLS/);
  // Loopback may sign in without TLS (allowPlainLoopback, default true).
  assert.match(greeting, /AUTH=PLAIN/);
  const r = await c.cmd('LOGIN nobody@ac-test.fr wrong');
  assert.match(r.tagged, /NO \[AUTHENTICATIONFAILED\]/);
  const bad = await c.cmd('FROB');
  assert.match(bad.tagged, /^t\d+ BAD/);
  const sel = await c.cmd('SELECT INBOX');
  assert.match(sel.tagged, /BAD/, 'SELECT before sign-in is refused');
  await c.cmd('LOGOUT');
  c.close();
});

test('AUTHENTICATE PLAIN with and without initial response', async () => {
  const { c } = await RawImap.connect(h.imap.port);
  const ir = Buffer.from(`\0${user.address}\0${user.password}`).toString('base64');
  c.write('a1 AUTHENTICATE PLAIN\r\n');
  assert.equal(await c.line(), '+ ');
  c.write(ir + '\r\n');
  assert.match((await c.until('a1')).tagged, /^a1 OK/);
  c.close();
  const { c: d } = await RawImap.connect(h.imap.port);
  assert.match((await d.cmd(`AUTHENTICATE PLAIN ${ir}`)).tagged, /OK/);
  d.close();
});

test('APPEND, SELECT, FETCH, STORE, SEARCH, EXPUNGE', async () => {
  const c = await signedIn();
  c.write(`a1 APPEND INBOX (\\Flagged) {${Buffer.byteLength(MSG)}}\r\n`);
  assert.match(await c.line(), /^\+ /);
  c.write(MSG + '\r\n');
  const ap = await c.until('a1');
  assert.match(ap.tagged, /^a1 OK \[APPENDUID \d+ 1\]/);
  const sel = await c.cmd('SELECT INBOX');
  assert.ok(sel.lines.includes('* 1 EXISTS'), sel.lines.join('\n'));
  assert.ok(sel.lines.some((l) => /^\* OK \[UIDVALIDITY \d+\]/.test(l)));
  assert.ok(sel.lines.some((l) => l === '* OK [UIDNEXT 2] next UID'));
  assert.match(sel.tagged, /OK \[READ-WRITE\]/);
  const f = await c.cmd('FETCH 1 (UID FLAGS RFC822.SIZE ENVELOPE BODY.PEEK[HEADER.FIELDS (Subject)])');
  const first = f.lines[0]!;
  assert.match(first, /^\* 1 FETCH \(UID 1 FLAGS \(\\Flagged\) RFC822\.SIZE \d+ ENVELOPE \("Tue, 03 Sep 2024 10:00:00 \+0200" "=\?utf-8\?q\?R=C3=A9union\?= parents" \(\("Alice" NIL "alice" "example.org"\)\)/);
  assert.ok(f.lines.some((l) => l.startsWith('Subject: =?utf-8?q?R=C3=A9union?= parents')));
  const body = await c.cmd('UID FETCH 1 (BODY[TEXT])');
  assert.ok(body.lines.some((l) => l.includes('Bonjour, la reunion est jeudi.')));
  assert.ok(body.lines[0]!.includes('FLAGS (\\Flagged \\Seen)') || body.lines.some((l) => l.includes('\\Seen')), 'BODY[] sets \\Seen');
  const st = await c.cmd('STORE 1 +FLAGS (\\Deleted $Important)');
  assert.match(st.lines[0]!, /^\* 1 FETCH \(FLAGS \(.*\\Deleted.*\)\)/);
  const s1 = await c.cmd('SEARCH DELETED FROM alice SUBJECT "réunion"');
  assert.deepEqual(s1.lines, ['* SEARCH 1'], s1.tagged);
  const s2 = await c.cmd('UID SEARCH RETURN (COUNT MIN) UNDELETED');
  assert.match(s2.lines[0]!, /^\* ESEARCH \(TAG "t\d+"\) UID COUNT 0$/);
  const ex = await c.cmd('EXPUNGE');
  assert.deepEqual(ex.lines, ['* 1 EXPUNGE']);
  const none = await c.cmd('UID FETCH 1:* FLAGS');
  assert.deepEqual(none.lines, []);
  await c.cmd('LOGOUT');
  c.close();
});

test('mailboxes: CREATE with USE, LIST variants, STATUS, RENAME, DELETE, modified UTF-7', async () => {
  const c = await signedIn();
  assert.match((await c.cmd('CREATE "&AMk-l&AOg-ves 2nde B"')).tagged, /OK/);
  assert.match((await c.cmd('CREATE Projets/2025 (USE (\\Flagged))')).tagged, /OK/);
  assert.match((await c.cmd('CREATE INBOX')).tagged, /NO \[ALREADYEXISTS\]/);
  const l = await c.cmd('LIST "" *');
  assert.ok(l.lines.includes('* LIST (\\HasNoChildren) "/" "&AMk-l&AOg-ves 2nde B"'), l.lines.join('\n'));
  assert.ok(l.lines.some((x) => x.startsWith('* LIST (\\HasNoChildren \\Flagged) "/" "Projets/2025"')), l.lines.join('\n'));
  const pct = await c.cmd('LIST "" %');
  assert.ok(pct.lines.includes('* LIST (\\HasChildren) "/" "Projets"'), pct.lines.join('\n'));
  assert.ok(!pct.lines.some((x) => x.includes('Projets/2025')));
  const su = await c.cmd('LIST (SPECIAL-USE) "" "*" RETURN (STATUS (MESSAGES UIDNEXT))');
  assert.ok(su.lines.some((x) => /^\* STATUS "Projets\/2025" \(MESSAGES 0 UIDNEXT 1\)$/.test(x)), su.lines.join('\n'));
  assert.ok(!su.lines.some((x) => x.includes('"INBOX"')));
  assert.deepEqual((await c.cmd('LIST "" ""')).lines, ['* LIST (\\Noselect) "/" ""']);
  assert.deepEqual((await c.cmd('LIST "" inbox')).lines, ['* LIST (\\HasNoChildren) "/" "INBOX"']);
  await c.cmd('SUBSCRIBE Archive');
  const lsub = await c.cmd('LSUB "" *');
  assert.ok(lsub.lines.includes('* LSUB () "/" "Archive"'), lsub.lines.join('\n'));
  const subs = await c.cmd('LIST (SUBSCRIBED) "" "*"');
  assert.ok(subs.lines.includes('* LIST (\\HasNoChildren \\Subscribed \\Archive) "/" "Archive"'), subs.lines.join('\n'));
  const status = await c.cmd('STATUS INBOX (MESSAGES UNSEEN UIDNEXT UIDVALIDITY HIGHESTMODSEQ SIZE)');
  assert.match(status.lines[0]!, /^\* STATUS "INBOX" \(MESSAGES \d+ UNSEEN \d+ UIDNEXT \d+ UIDVALIDITY \d+ HIGHESTMODSEQ \d+ SIZE \d+\)$/);
  assert.match((await c.cmd('RENAME "&AMk-l&AOg-ves 2nde B" "Classes/&AMk-l&AOg-ves"')).tagged, /OK/);
  assert.match((await c.cmd('SELECT "Classes/&AMk-l&AOg-ves"')).tagged, /OK/);
  assert.match((await c.cmd('DELETE Projets/2025')).tagged, /NO \[CANNOT\]/, 'a special-use mailbox stays');
  await c.cmd('CREATE Tmp');
  assert.match((await c.cmd('DELETE Tmp')).tagged, /OK/);
  assert.match((await c.cmd('DELETE Tmp')).tagged, /NO \[NONEXISTENT\]/);
  await c.cmd('ENABLE UTF8=ACCEPT');
  const u = await c.cmd('LIST "" "Classes/*"');
  assert.ok(u.lines.includes('* LIST (\\HasNoChildren) "/" "Classes/Élèves"'), u.lines.join('\n'));
  c.close();
});

test('IDLE wakes on another session\'s APPEND; DONE ends it', async () => {
  const a = await signedIn();
  const b = await signedIn();
  await a.cmd('SELECT INBOX');
  a.write('i1 IDLE\r\n');
  assert.equal(await a.line(), '+ idling');
  b.write(`b1 APPEND INBOX {${Buffer.byteLength(MSG)}+}\r\n${MSG}\r\n`);
  assert.match((await b.until('b1')).tagged, /OK \[APPENDUID/);
  assert.match(await a.line(), /^\* \d+ EXISTS$/);
  a.write('DONE\r\n');
  assert.equal((await a.until('i1')).tagged, 'i1 OK IDLE terminated');
  // Flag change by B reaches A at its next NOOP.
  await b.cmd('SELECT INBOX');
  await b.cmd('STORE 1 +FLAGS (\\Answered)');
  const n = await a.cmd('NOOP');
  assert.ok(n.lines.some((l) => /^\* 1 FETCH \(UID \d+ FLAGS \(.*\\Answered.*\)\)$/.test(l)), n.lines.join('\n'));
  a.close();
  b.close();
});

test('literal limits: TOOBIG before the octets, BAD for garbage, BYE after too many', async () => {
  const c = await signedIn();
  c.write('a1 APPEND INBOX {999999999}\r\n');
  assert.match((await c.until('a1')).tagged, /^a1 NO \[TOOBIG\]/);
  assert.match((await c.cmd('NOOP')).tagged, /OK/);
  for (let i = 0; i < 10; i++) assert.match((await c.cmd('FROB')).tagged, /BAD/);
  c.write('x FROB\r\n');
  assert.match(await c.line(), /^x BAD/);
  assert.match(await c.line(), /^\* BYE/);
  c.close();
});

test('STARTTLS upgrades the connection', async () => {
  const { c } = await RawImap.connect(h.imap.port);
  assert.match((await c.cmd('STARTTLS')).tagged, /OK/);
  await c.startTls();
  const caps = await c.cmd('CAPABILITY');
  assert.ok(!caps.lines[0]!.includes('STARTTLS'));
  assert.match((await c.cmd(`LOGIN "${user.address}" "${user.password}"`)).tagged, /OK/);
  c.close();
});
