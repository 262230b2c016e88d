/** IMAP additions: classifier training on MOVE/COPY into and out of Junk, COMPRESS=DEFLATE with a raw
 *  compressing client, RENAME INBOX. RFC 4978, RFC 9051 §6.3.6, RFC 6851. */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { constants as zc, createDeflateRaw, createInflateRaw } from 'node:zlib';
import { connect, type Socket } from 'node:net';
import { startImapTestApp, type ImapTestApp } from './helpers/app.ts';
import { RawImap } from './helpers/imap-client.ts';

let user: { id: number; address: string; password: string };

let h: ImapTestApp;

before(async () => {
  h = await startImapTestApp();
  user = await h.app.account('Inès', 'Lefèvre');
});
after(() => h.close());

async function signedIn(): Promise<RawImap> {
  const { c } = await RawImap.connect(h.imap.port);
  assert.match((await c.cmd(`LOGIN "${user.address}" "${user.password}"`)).tagged, /OK/);
  return c;
}

function message(id: string, subject: string, body: string): string {
  return `From: Promo <promo@example.net>\r\nTo: ${user.address}\r\nSubject: ${subject}\r\nMessage-ID: <${id}>\r\nDate: Tue, 03 Sep 2024 10:00:00 +0200\r\n\r\n${body}\r\n`;
}

async function append(c: RawImap, mailbox: string, raw: string): Promise<number> {
  const r = await c.cmd(`APPEND ${mailbox} {${Buffer.byteLength(raw)}+}\r\n${raw}`);
  const m = /APPENDUID \d+ (\d+)/.exec(r.tagged);
  assert.ok(m, r.tagged);
  return Number(m[1]);
}

async function trainedClass(messageId: string): Promise<string | null> {
  const r = await h.app.ctx.store.db.selectFrom('bayes_trained').select('class').where('account_id', '=', user.id as never).where('msg_key', '=', `m:${messageId}`).executeTakeFirst();
  return r?.class ?? null;
}

test('MOVE into Junk trains spam, MOVE out of it trains ham, COPY into Junk trains spam', async () => {
  const c = await signedIn();
  const u1 = await append(c, 'INBOX', message('junk1@example.net', 'Gagnez un iPhone', 'Casino gratuit bitcoin promo exclusive'));
  const u2 = await append(c, 'INBOX', message('junk2@example.net', 'Offre exclusive', 'Cliquez ici pour votre cadeau gratuit'));
  assert.equal(await trainedClass('junk1@example.net'), null, 'delivery alone trains nothing');
  await c.cmd('SELECT INBOX');
  const mv = await c.cmd(`UID MOVE ${u1} Junk`);
  assert.match(mv.tagged, /OK/);
  assert.ok(mv.lines.some((l) => /^\* OK \[COPYUID \d+ \d+ \d+\]/.test(l)), mv.lines.join('\n'));
  assert.equal(await trainedClass('junk1@example.net'), 'spam');
  assert.match((await c.cmd(`UID COPY ${u2} Junk`)).tagged, /OK \[COPYUID/);
  assert.equal(await trainedClass('junk2@example.net'), 'spam');
  // Out of Junk into the inbox: "not spam".
  await c.cmd('SELECT Junk');
  assert.match((await c.cmd('MOVE 1 INBOX')).tagged, /OK/);
  assert.equal(await trainedClass('junk1@example.net'), 'ham');
  // Junk to Trash teaches nothing: the class stays.
  assert.match((await c.cmd('MOVE 1 Trash')).tagged, /OK/);
  assert.equal(await trainedClass('junk2@example.net'), 'spam');
  c.close();
});

/** Signs in on a plain socket, sends COMPRESS DEFLATE and, after its OK, speaks DEFLATE both ways
 *  as a client does (RFC 4978 §3); returns a transcript client over the compressed stream. */
async function compressedClient(wire: { in: number; out: number; plain: string[] }): Promise<RawImap> {
  const socket = connect(h.imap.port, '127.0.0.1');
  let buf = Buffer.alloc(0);
  let compressed = false;
  const inflate = createInflateRaw();
  let wake: (() => void) | null = null;
  socket.on('data', (b: Buffer) => {
    wire.in += b.length;
    if (compressed) {
      wire.plain.push(b.toString('latin1'));
      inflate.write(b);
      return;
    }
    buf = Buffer.concat([buf, b]);
    wake?.();
  });
  const line = async (): Promise<string> => {
    for (;;) {
      const i = buf.indexOf('\r\n');
      if (i >= 0) {
        const l = buf.subarray(0, i).toString();
        buf = buf.subarray(i + 2);
        return l;
      }
      await new Promise<void>((r) => (wake = r));
    }
  };
  assert.match(await line(), /COMPRESS=DEFLATE/);
  socket.write('z0 COMPRESS DEFLATE\r\n');
  assert.match(await line(), /^z0 BAD/, 'not before sign-in');
  socket.write(`z1 LOGIN "${user.address}" "${user.password}"\r\nz2 COMPRESS LZW\r\n`);
  assert.match(await line(), /^z1 OK/);
  assert.match(await line(), /^z2 BAD/);
  socket.write('z3 COMPRESS DEFLATE\r\n');
  assert.equal(await line(), 'z3 OK DEFLATE active');
  assert.equal(buf.length, 0, 'nothing after the OK in clear');
  compressed = true;
  const deflate = createDeflateRaw();
  deflate.on('data', (b: Buffer) => {
    wire.out += b.length;
    socket.write(b);
  });
  socket.on('end', () => inflate.end());
  const fake = {
    setEncoding: (e: BufferEncoding) => inflate.setEncoding(e),
    on(ev: string, fn: (...a: any[]) => void) {
      if (ev === 'data') inflate.on('data', fn);
      else if (ev === 'close') inflate.on('end', fn);
      else socket.on(ev, fn);
      return fake;
    },
    write(x: string | Buffer) {
      deflate.write(x);
      deflate.flush(zc.Z_SYNC_FLUSH);
      return true;
    },
    destroy: () => socket.destroy(),
  };
  return new RawImap(fake as unknown as Socket);
}

test('COMPRESS=DEFLATE: commands, literals and responses compressed; BYE flushed; twice refused', async () => {
  const wire = { in: 0, out: 0, plain: [] as string[] };
  const z = await compressedClient(wire);
  const sel = await z.cmd('SELECT INBOX');
  assert.match(sel.tagged, /OK \[READ-WRITE\]/);
  assert.ok(sel.lines.some((l) => /^\* \d+ EXISTS$/.test(l)), sel.lines.join('\n'));
  // A synchronising literal: the "+" continuation itself comes compressed.
  const raw = message('zip@example.net', 'Compte rendu de la réunion', 'Ligne répétée. '.repeat(400));
  z.write(`a1 APPEND INBOX {${Buffer.byteLength(raw)}}\r\n`);
  assert.match(await z.line(), /^\+ /);
  z.write(raw + '\r\n');
  const ap = await z.until('a1');
  assert.match(ap.tagged, /^a1 OK \[APPENDUID \d+ (\d+)\]/);
  const uid = /APPENDUID \d+ (\d+)/.exec(ap.tagged)![1];
  wire.in = 0;
  const f = await z.cmd(`UID FETCH ${uid} (BODY.PEEK[TEXT])`);
  assert.match(f.tagged, /OK/);
  assert.ok(f.lines.join('\n').includes('Ligne répétée. Ligne répétée.'), 'the body decompresses intact');
  assert.ok(wire.in < Buffer.byteLength(raw) / 4, `responses compressed (${wire.in} octets for ${Buffer.byteLength(raw)})`);
  assert.match((await z.cmd('COMPRESS DEFLATE')).tagged, /NO \[COMPRESSIONACTIVE\]/);
  const all = wire.plain.join('');
  assert.ok(!all.includes('EXISTS') && !all.includes('Ligne'), 'nothing travels in clear after COMPRESS');
  const bye = await z.cmd('LOGOUT');
  assert.ok(bye.lines.some((l) => l.startsWith('* BYE')));
  assert.match(bye.tagged, /OK/);
  z.close();
});

test('RENAME INBOX moves its messages to the new mailbox and leaves INBOX empty; an idler is told', async () => {
  const a = await signedIn();
  const b = await signedIn();
  await a.cmd('CREATE INBOX/Sous-dossier');
  for (let i = 0; i < 2; i++) await append(a, 'INBOX', message(`ren${i}@example.net`, `Réunion ${i}`, 'Ordre du jour'));
  const before = await a.cmd('STATUS INBOX (MESSAGES)');
  const n = Number(/MESSAGES (\d+)/.exec(before.lines[0]!)![1]);
  assert.ok(n >= 2);
  await b.cmd('ENABLE QRESYNC');
  await b.cmd('SELECT INBOX');
  b.write('i1 IDLE\r\n');
  assert.equal(await b.line(), '+ idling');
  assert.match((await a.cmd('RENAME INBOX "Ancienne boite"')).tagged, /OK/);
  assert.match(await b.line(), /^\* VANISHED \d+(:\d+)?/);
  b.write('DONE\r\n');
  assert.match((await b.until('i1')).tagged, /OK/);
  assert.match((await a.cmd('STATUS INBOX (MESSAGES)')).lines[0]!, /MESSAGES 0\)/);
  assert.match((await a.cmd('STATUS "Ancienne boite" (MESSAGES)')).lines[0]!, new RegExp(`MESSAGES ${n}\\)`));
  const l = await a.cmd('LIST "" "*"');
  assert.ok(l.lines.some((x) => x.endsWith('"INBOX"')), 'INBOX stays');
  assert.ok(l.lines.some((x) => x.endsWith('"INBOX/Sous-dossier"')), 'its children stay');
  assert.match((await a.cmd('RENAME "Ancienne boite" INBOX')).tagged, /NO \[ALREADYEXISTS\]/);
  a.close();
  b.close();
});

test('OBJECTID: MAILBOXID on CREATE, SELECT and STATUS; EMAILID and THREADID in FETCH and SEARCH', async () => {
  const c = await signedIn();
  const cr = await c.cmd('CREATE Objets');
  const mbox = /MAILBOXID \((m\d+)\)/.exec(cr.tagged)?.[1];
  assert.ok(mbox, cr.tagged);
  const u1 = await append(c, 'Objets', message('obj1@example.net', 'Sortie scolaire', 'Départ à 8h'));
  await append(c, 'Objets', message('obj2@example.net', 'Cantine', 'Menu'));
  const sel = await c.cmd('SELECT Objets');
  assert.ok(sel.lines.includes(`* OK [MAILBOXID (${mbox})] mailbox id`), sel.lines.join('\n'));
  assert.match((await c.cmd('STATUS Objets (MESSAGES MAILBOXID)')).lines[0]!, new RegExp(`^\\* STATUS "Objets" \\(MESSAGES 2 MAILBOXID \\(${mbox}\\)\\)$`));
  const f = await c.cmd(`UID FETCH ${u1} (EMAILID THREADID)`);
  const m = /EMAILID \((e\d+)\) THREADID \((t\d+)\)/.exec(f.lines[0]!);
  assert.ok(m, f.lines.join('\n'));
  // The same email copied elsewhere keeps its EMAILID (RFC 8474 §5.1).
  await c.cmd(`UID COPY ${u1} Archive`);
  await c.cmd('EXAMINE Archive');
  assert.ok((await c.cmd('FETCH 1:* (EMAILID)')).lines.some((l) => l.includes(`EMAILID (${m[1]})`)));
  await c.cmd('SELECT Objets');
  assert.deepEqual((await c.cmd(`UID SEARCH EMAILID ${m[1]}`)).lines, [`* SEARCH ${u1}`]);
  assert.deepEqual((await c.cmd(`UID SEARCH THREADID ${m[2]}`)).lines, [`* SEARCH ${u1}`]);
  assert.deepEqual((await c.cmd('UID SEARCH EMAILID t1')).lines, ['* SEARCH']);
  c.close();
});

test('incremental updates: held EXPUNGE during FETCH, new EXISTS and flags in one sync; purged tombstones fall back to the full list', async () => {
  const a = await signedIn();
  const b = await signedIn();
  await a.cmd('CREATE Suivi');
  for (let i = 0; i < 4; i++) await append(a, 'Suivi', message(`inc${i}@example.net`, `Suivi ${i}`, 'x'));
  await a.cmd('SELECT Suivi');
  await b.cmd('SELECT Suivi');
  // B: expunge message 2, flag message 3, append one.
  await b.cmd('STORE 2 +FLAGS.SILENT (\\Deleted)');
  await b.cmd('EXPUNGE');
  await b.cmd('STORE 2 +FLAGS.SILENT (\\Flagged)');
  await append(b, 'Suivi', message('inc4@example.net', 'Suivi 4', 'x'));
  const f = await a.cmd('FETCH 1:* (FLAGS)');
  assert.ok(!f.lines.some((l) => /EXPUNGE/.test(l)), 'RFC 9051 §7.5.1: no EXPUNGE during FETCH');
  assert.ok(f.lines.includes('* 5 EXISTS'), f.lines.join('\n'));
  assert.ok(f.lines.some((l) => /^\* 3 FETCH \(.*\\Flagged/.test(l)), f.lines.join('\n'));
  const n = await a.cmd('NOOP');
  assert.deepEqual(n.lines, ['* 2 EXPUNGE']);
  assert.deepEqual((await a.cmd('UID SEARCH ALL')).lines, ['* SEARCH 1 3 4 5']);
  // Tombstones purged before A heard of an expunge: A compares its whole UID list instead.
  await b.cmd('UID STORE 4 +FLAGS.SILENT (\\Deleted)');
  await b.cmd('UID EXPUNGE 4');
  const { purgeTombstones } = await import('../src/mail/messages.ts');
  await purgeTombstones(h.app.ctx.store, user.id as never, Number.MAX_SAFE_INTEGER as never);
  const n2 = await a.cmd('NOOP');
  assert.deepEqual(n2.lines, ['* 3 EXPUNGE']);
  a.close();
  b.close();
});

test('SELECT from the UID cache: brought up to date after expunges and appends elsewhere, and after purged tombstones', async () => {
  const u = await h.app.account('Cédric', 'Cache');
  const login = async () => {
    const { c } = await RawImap.connect(h.imap.port);
    assert.match((await c.cmd(`LOGIN "${u.address}" "${u.password}"`)).tagged, /OK/);
    return c;
  };
  const uidsOf = async (c: RawImap): Promise<number[]> => {
    const f = await c.cmd('UID FETCH 1:* (FLAGS)');
    const rows = f.lines.map((l) => /^\* (\d+) FETCH \(UID (\d+) /.exec(l)!).map((m) => [Number(m[1]), Number(m[2])]);
    rows.forEach(([seq], i) => assert.equal(seq, i + 1, 'sequence numbers are contiguous'));
    return rows.map(([, uid]) => uid!);
  };
  const a = await login();
  const b = await login();
  await a.cmd('CREATE Cache');
  for (let i = 0; i < 5; i++) await append(a, 'Cache', message(`cache${i}@example.net`, `Cache ${i}`, 'x'));
  assert.ok((await a.cmd('SELECT Cache')).lines.includes('* 5 EXISTS'));
  await a.cmd('UNSELECT');
  await b.cmd('SELECT Cache');
  await b.cmd('UID STORE 2 +FLAGS.SILENT (\\Deleted)');
  await b.cmd('UID EXPUNGE 2');
  await append(b, 'Cache', message('cache5@example.net', 'Cache 5', 'x'));
  await append(b, 'Cache', message('cache6@example.net', 'Cache 6', 'x'));
  assert.ok((await a.cmd('SELECT Cache')).lines.includes('* 6 EXISTS'));
  assert.deepEqual(await uidsOf(a), [1, 3, 4, 5, 6, 7]);
  await a.cmd('UNSELECT');
  await b.cmd('UID STORE 3 +FLAGS.SILENT (\\Deleted)');
  await b.cmd('UID EXPUNGE 3');
  const { purgeTombstones } = await import('../src/mail/messages.ts');
  await purgeTombstones(h.app.ctx.store, u.id as never, Number.MAX_SAFE_INTEGER as never);
  assert.ok((await a.cmd('SELECT Cache')).lines.includes('* 5 EXISTS'));
  assert.deepEqual(await uidsOf(a), [1, 4, 5, 6, 7]);
  a.close();
  b.close();
});
