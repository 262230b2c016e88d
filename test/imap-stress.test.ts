/** A long run of concurrent IMAP clients, each keeping the client-side model of INBOX (imap-model.ts):
 *  the server must never send what a conforming client cannot apply (EXISTS going down, EXPUNGE out
 *  of range or during FETCH/STORE/SEARCH, UIDs out of order or twice, VANISHED for an unknown
 *  message), and at the end every model must equal the server's answer, with no lost keyword and no
 *  UID given twice. Seeded: PREAU_STRESS_SEED=<n> replays a client's choices (the interleaving of
 *  clients still depends on timing). PREAU_STRESS_OPS sets the operations per client (150).
 *  RFC 9051 §2.3.1.1, §7.4.1, §7.5.1; RFC 3501 §7.4.1; RFC 7162 §3.1, §3.2.10; RFC 4315 §3. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { ImapModel, parseFetch, parseUidSet } from './helpers/imap-model.ts';

const SEED = Number(process.env.PREAU_STRESS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const OPS = Number(process.env.PREAU_STRESS_OPS ?? 150);

/** mulberry32: a small seeded generator, one per client. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

let app: TestApp;
let user: { address: string; password: string };
const port = (): number => app.ports.imap;

before(async () => {
  app = await startTestApp({}, { pg: !!process.env.PREAU_TEST_PG, web: false });
  user = await app.account('Sacha', 'Lemoine');
});
after(() => app.stop());

/** Every UID a client was given for a new placement (APPENDUID, COPYUID), per mailbox: never twice. */
class Registry {
  given = new Map<string, Map<number, string>>();
  problems: string[] = [];
  add(mailbox: string, uids: number[], by: string): void {
    const m = this.given.get(mailbox) ?? new Map<number, string>();
    this.given.set(mailbox, m);
    for (const u of uids) {
      // RFC 9051 §2.3.1.1: a UID is never reused in a mailbox (same UIDVALIDITY).
      if (m.has(u)) this.problems.push(`UID ${u} of ${mailbox} given twice (${m.get(u)}, then ${by})`);
      m.set(u, by);
    }
  }
  max(mailbox: string): number {
    return Math.max(0, ...(this.given.get(mailbox)?.keys() ?? []));
  }
  /** From a tagged OK or untagged OK line carrying APPENDUID / COPYUID. */
  note(line: string, mailbox: string, by: string): void {
    let m = /\[APPENDUID \d+ ([\d:,]+)\]/.exec(line);
    if (m) return this.add(mailbox, parseUidSet(m[1]!), by);
    m = /\[COPYUID \d+ [\d:,]+ ([\d:,]+)\]/.exec(line);
    if (m) this.add(mailbox, parseUidSet(m[1]!), by);
  }
}

const FLAG_CHOICES = ['\\Seen', '\\Flagged', '$Junk'];
let msgCount = 0;
function message(from: string): string {
  const n = ++msgCount;
  return `From: ${from}\r\nTo: sacha.lemoine@ac-test.fr\r\nSubject: Essai ${n}\r\nMessage-ID: <stress-${n}@ac-test.fr>\r\nDate: Mon, 02 Sep 2024 08:00:00 +0200\r\n\r\nCorps du message ${n}.\r\n`;
}

async function append(m: ImapModel, reg: Registry, mailbox: string, flags: string[]): Promise<string> {
  const raw = message('eleve@ac-test.fr');
  const r = await m.cmd(`APPEND ${mailbox} (${flags.join(' ')}) {${Buffer.byteLength(raw)}+}\r\n${raw}`);
  reg.note(r.tagged, mailbox, `${m.name} APPEND`);
  return r.tagged;
}

/** (uid, keyword) pairs a client added and nobody ever removes: no lost flags. */
type Kept = Map<number, Set<string>>;
function keep(kept: Kept, uid: number, kw: string): void {
  const s = kept.get(uid) ?? new Set<string>();
  s.add(kw);
  kept.set(uid, s);
}

async function runClient(m: ImapModel, i: number, reg: Registry, kept: Kept, ops: number): Promise<void> {
  const r = rng(SEED + i * 7919);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const kw = `$k${i}`;
  const known = () => m.entries.filter((e) => e.uid !== 0).map((e) => e.uid);
  const weights: [string, number][] = [
    ['append', 10], ['uid-store', 15], ['keyword', 8], ['seq-store', 10], ['delete-expunge', 5], ['uid-expunge', 4], ['expunge', 2],
    ['copy', 4], ['move', 3], ['noop', 8], ['idle', 6], ['fetch', 6], ['uid-search', 5], ['search', 5],
    ...(m.condstore ? ([['changedsince', 4], ['unchangedsince', 4]] as [string, number][]) : []),
    ...(m.qresync ? ([['reconnect', 3]] as [string, number][]) : ([['reselect', 3]] as [string, number][])),
  ];
  const total = weights.reduce((n, [, w]) => n + w, 0);
  for (let k = 0; k < ops; k++) {
    let x = r() * total;
    let op = weights[0]![0];
    for (const [name, w] of weights) if ((x -= w) < 0) { op = name; break; }
    const uids = known();
    if (!uids.length && op !== 'noop' && op !== 'idle') op = 'append';
    const u = uids.length ? pick(uids) : 0;
    const sign = r() < 0.6 ? '+' : '-';
    switch (op) {
      case 'append': {
        // Now and then already \Deleted (a draft being replaced): the next EXPUNGE by anyone removes it.
        const flags = [...FLAG_CHOICES, '\\Deleted'].filter((f) => r() < (f === '\\Deleted' ? 0.15 : 0.3));
        const withKw = r() < 0.5;
        const tagged = await append(m, reg, 'INBOX', withKw ? [...flags, kw] : flags);
        const a = /\[APPENDUID \d+ (\d+)\]/.exec(tagged);
        if (withKw && a) keep(kept, Number(a[1]), kw);
        break;
      }
      case 'uid-store':
        await m.cmd(`UID STORE ${u} ${sign}FLAGS (${pick(FLAG_CHOICES)})`);
        break;
      case 'keyword': {
        const res = await m.cmd(`UID STORE ${u} +FLAGS (${kw})`);
        for (const l of res.lines) {
          const f = parseFetch(l);
          const flags = f?.items.get('FLAGS');
          if (f?.items.get('UID') === u && Array.isArray(flags) && flags.includes(kw)) keep(kept, u, kw);
        }
        break;
      }
      case 'seq-store': {
        const n = 1 + Math.floor(r() * m.exists);
        const end = Math.min(m.exists, n + Math.floor(r() * 3));
        if (m.exists) await m.cmd(`STORE ${n}:${end} ${sign}FLAGS (${pick(['\\Seen', '\\Flagged'])})`);
        break;
      }
      case 'delete-expunge':
        await m.cmd(`UID STORE ${u} +FLAGS (\\Deleted)`);
        await m.cmd('EXPUNGE');
        break;
      case 'uid-expunge':
        await m.cmd(`STORE ${m.entries.findIndex((e) => e.uid === u) + 1} +FLAGS (\\Deleted)`);
        await m.cmd(`UID EXPUNGE ${u}`);
        break;
      case 'expunge':
        await m.cmd('EXPUNGE');
        break;
      case 'copy': {
        const into = r() < 0.5 ? 'INBOX' : 'Archive';
        const res = await m.cmd(r() < 0.5 ? `UID COPY ${u} ${into}` : `COPY ${1 + Math.floor(r() * m.exists)} ${into}`);
        reg.note(res.tagged, into, `${m.name} COPY`);
        break;
      }
      case 'move': {
        const res = await m.cmd(`UID MOVE ${u} Archive`);
        for (const l of res.lines) reg.note(l, 'Archive', `${m.name} MOVE`);
        break;
      }
      case 'reselect':
        // A fresh SELECT: the sequence map comes from the process-wide UID cache (src/imap/uid-cache.ts).
        if (r() < 0.3) await m.cmd('EXAMINE Archive');
        await m.cmd('SELECT INBOX');
        break;
      case 'reconnect':
        await m.reconnect(port(), user.address, user.password, 'INBOX');
        break;
      case 'noop':
        await m.cmd('NOOP');
        break;
      case 'idle':
        await m.idle(10 + Math.floor(r() * 50));
        break;
      case 'fetch':
        await m.cmd('FETCH 1:* (UID FLAGS)');
        break;
      case 'uid-search':
        await m.cmd(`UID SEARCH ${pick(['UNSEEN', 'KEYWORD $Junk', 'FLAGGED', `KEYWORD ${kw}`])}`);
        break;
      case 'search':
        await m.cmd(`SEARCH ${pick(['UNSEEN', 'FLAGGED', 'SEEN', 'UNDELETED'])}`);
        break;
      case 'changedsince':
        await m.cmd(`UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${Math.max(1, m.highestModseq - 5)})`);
        break;
      case 'unchangedsince': {
        const e = m.entries.find((x) => x.uid === u);
        await m.cmd(`UID STORE ${u} (UNCHANGEDSINCE ${e?.modseq || 1}) ${sign}FLAGS (\\Flagged)`);
        break;
      }
    }
    await m.catchUp();
  }
}

/** MOVEs INBOX → Archive and back, reselecting each time (its model is reset by every SELECT). */
async function runMover(m: ImapModel, reg: Registry, rounds: number): Promise<void> {
  const r = rng(SEED + 104729);
  for (let k = 0; k < rounds; k++) {
    const [from, to] = k % 2 === 0 ? ['INBOX', 'Archive'] : ['Archive', 'INBOX'];
    await m.cmd(`SELECT ${from}`);
    await m.catchUp();
    const uids = m.entries.map((e) => e.uid).filter(Boolean);
    if (!uids.length) continue;
    const chosen = uids.filter(() => r() < 0.15).slice(0, 4);
    if (!chosen.length) chosen.push(uids[Math.floor(r() * uids.length)]!);
    const res = await m.cmd(`UID MOVE ${chosen.sort((a, b) => a - b).join(',')} ${to}`);
    for (const l of res.lines) reg.note(l, to, `${m.name} MOVE`);
    if (r() < 0.5) await m.idle(10 + Math.floor(r() * 30));
  }
}

async function smtpSender(n: number): Promise<void> {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: app.ports.smtp, secure: false, ignoreTLS: true });
  const r = rng(SEED + 31337);
  for (let k = 0; k < n; k++) {
    await t.sendMail({ from: 'parent@example.org', to: user.address, subject: `Livraison ${k}`, text: `Bonjour ${k}` });
    await new Promise((res) => setTimeout(res, Math.floor(r() * 200)));
  }
  t.close();
}

/** The final `UID FETCH 1:* (FLAGS)` answer: [uid, sorted flags] in sequence order. */
async function serverView(m: ImapModel): Promise<[number, string[]][]> {
  const res = await m.cmd('UID FETCH 1:* (FLAGS)');
  const out: [number, string[]][] = [];
  for (const l of res.lines) {
    const f = parseFetch(l);
    if (!f) continue;
    const flags = f.items.get('FLAGS');
    out.push([Number(f.items.get('UID')), Array.isArray(flags) ? flags.map(String).sort() : []]);
  }
  return out;
}

function report(models: ImapModel[], extra: string[] = []): string {
  // PREAU_STRESS_DUMP=<dir>: every client's transcript (as long as PREAU_STRESS_TRANSCRIPT allows) in <dir>/<client>.txt.
  const dir = process.env.PREAU_STRESS_DUMP;
  if (dir) {
    mkdirSync(dir, { recursive: true });
    for (const m of models) writeFileSync(join(dir, `${m.name}.txt`), m.transcript.join('\n'));
  }
  const bad = models.filter((m) => m.violations.length);
  return [`seed ${SEED} (PREAU_STRESS_SEED=${SEED} to replay)`, ...extra, ...bad.flatMap((m) => [...m.violations.slice(0, 5), ...m.contexts.slice(0, 2)])].join('\n');
}

test(`stress: 6 clients, a mover and SMTP deliveries keep consistent models (seed ${SEED})`, { timeout: 120_000 }, async (t) => {
  t.diagnostic(`PREAU_STRESS_SEED=${SEED}`);
  const reg = new Registry();
  const kept: Kept = new Map();
  const models: ImapModel[] = [];
  for (let i = 0; i < 6; i++) {
    const m = await ImapModel.login(port(), `c${i}`, user.address, user.password);
    if (i === 1 || i === 4) await m.cmd('ENABLE CONDSTORE');
    if (i === 2 || i === 5) await m.cmd('ENABLE QRESYNC');
    await m.cmd('SELECT INBOX');
    models.push(m);
  }
  const mover = await ImapModel.login(port(), 'mv', user.address, user.password);
  await mover.cmd('ENABLE QRESYNC');
  // A few messages to start with, some archived.
  for (let k = 0; k < 8; k++) await append(models[0]!, reg, k < 6 ? 'INBOX' : 'Archive', []);
  for (const m of models) await m.catchUp();
  if (process.env.PREAU_STRESS_INSPECT) {
    const db = app.ctx.store.db;
    for (const m of [...models, mover])
      m.inspect = async () => {
        const mbs = await db.selectFrom('mailboxes').select(['id', 'name', 'highest_modseq']).execute();
        const rows = await db.selectFrom('mailbox_messages').select(['mailbox_id', 'uid', 'modseq', 'expunged_modseq']).orderBy('uid').execute();
        return `${JSON.stringify(mbs)} ${rows.map((r) => `${r.mailbox_id}:${r.uid}@${r.modseq}${r.expunged_modseq === null ? '' : 'x' + r.expunged_modseq}`).join(' ')}`;
      };
  }

  await Promise.all([...models.map((m, i) => runClient(m, i, reg, kept, OPS)), runMover(mover, reg, Math.ceil(OPS / 3)), smtpSender(Math.ceil(OPS / 6))]);

  // Quiet now: every client brings its model up to date the way a client does, then compares.
  const all = [...models, mover];
  await mover.cmd('SELECT INBOX');
  const views: [number, string[]][][] = [];
  for (const m of all) {
    await m.cmd('NOOP');
    await m.catchUp();
    const model = m.snapshot();
    if (m.condstore) {
      // RFC 7162 §3.1.2.1: the mailbox's HIGHESTMODSEQ is at least every MODSEQ the client saw.
      const hm = Number(/HIGHESTMODSEQ (\d+)/.exec((await m.cmd('STATUS INBOX (HIGHESTMODSEQ)')).lines.join(' '))?.[1]);
      assert.ok(hm >= Math.max(m.highestModseq, ...m.entries.map((e) => e.modseq)), `${m.name}: HIGHESTMODSEQ ${hm} below what it saw`);
    }
    const view = await serverView(m);
    assert.deepEqual(model, view, `${m.name}: its model differs from the server's answer\n${report(all)}`);
    views.push(view);
  }
  assert.deepEqual(all.flatMap((m) => m.violations), [], report(all, reg.problems));
  assert.deepEqual(reg.problems, [], report(all, reg.problems));
  for (const v of views.slice(1)) assert.deepEqual(v, views[0], `every client sees the same INBOX\n${report(all)}`);

  // No lost flags: a keyword only ever added is still there on every message still in INBOX.
  const inbox = new Map(views[0]!);
  const lost: string[] = [];
  for (const [uid, kws] of kept) for (const k of kws) if (inbox.has(uid) && !inbox.get(uid)!.includes(k)) lost.push(`${uid} lost ${k}`);
  assert.deepEqual(lost, [], report(all));

  // UIDNEXT above every UID ever given, MESSAGES equal to what FETCH showed; Archive too.
  const archive = await serverView((await mover.cmd('SELECT Archive'), mover));
  const archiveUids = archive.map(([u]) => u);
  assert.deepEqual(archiveUids, [...new Set(archiveUids)].sort((a, b) => a - b), 'Archive UIDs strictly ascending, no duplicate');
  for (const [name, view] of [['INBOX', views[0]!], ['Archive', archive]] as const) {
    const st = await models[0]!.cmd(`STATUS ${name} (MESSAGES UIDNEXT)`);
    const line = st.lines.find((l) => l.startsWith('* STATUS')) ?? '';
    const messages = Number(/MESSAGES (\d+)/.exec(line)?.[1]);
    const uidNext = Number(/UIDNEXT (\d+)/.exec(line)?.[1]);
    assert.equal(messages, view.length, `${name}: STATUS MESSAGES`);
    const top = Math.max(reg.max(name), ...view.map(([u]) => u));
    assert.ok(uidNext > top, `${name}: UIDNEXT ${uidNext} must exceed every UID (${top})`);
  }
  t.diagnostic(`INBOX ${views[0]!.length} messages, Archive ${archive.length}, ${[...reg.given.values()].reduce((n, m) => n + m.size, 0)} UIDs given, ${[...kept.values()].reduce((n, s) => n + s.size, 0)} kept keywords`);
  for (const m of all) m.c.close();
});

// Focused regressions for what the stress run found (each failed before its fix in src/imap/session.ts).

async function pair(tag: string): Promise<[ImapModel, ImapModel]> {
  const a = await ImapModel.login(port(), `${tag}a`, user.address, user.password);
  const b = await ImapModel.login(port(), `${tag}b`, user.address, user.password);
  return [a, b];
}

async function emptyInbox(m: ImapModel): Promise<void> {
  await m.cmd('SELECT INBOX');
  await m.cmd('STORE 1:* +FLAGS.SILENT (\\Deleted)');
  await m.cmd('EXPUNGE');
}

test('QRESYNC: EXPUNGE never sends VANISHED for a message the client was not told about (RFC 7162 §3.2.10.2)', async () => {
  const [a, b] = await pair('v');
  await emptyInbox(b);
  await append(b, new Registry(), 'INBOX', []);
  await a.cmd('ENABLE QRESYNC');
  await a.cmd('SELECT INBOX');
  await a.catchUp();
  // b adds a message already \Deleted; a expunges before any command told it the message exists.
  await append(b, new Registry(), 'INBOX', ['\\Deleted']);
  const r = await a.cmd('EXPUNGE');
  assert.deepEqual(r.lines.filter((l) => /VANISHED/.test(l)), [], r.lines.join('\n'));
  assert.deepEqual(a.violations, []);
  await a.cmd('NOOP');
  await a.catchUp();
  assert.deepEqual(a.snapshot().map(([u]) => u), (await serverView(a)).map(([u]) => u));
  a.c.close();
  b.c.close();
});

test('QRESYNC: EXPUNGE, UID EXPUNGE and MOVE carry HIGHESTMODSEQ in the tagged OK (RFC 7162 §3.2.7, §3.2.9, RFC 6851 §4.4)', async () => {
  const [a, b] = await pair('h');
  await emptyInbox(b);
  const reg = new Registry();
  for (let k = 0; k < 3; k++) await append(b, reg, 'INBOX', ['\\Deleted']);
  await a.cmd('ENABLE QRESYNC');
  await a.cmd('SELECT INBOX');
  await a.catchUp();
  const [u1, u2, u3] = a.entries.map((e) => e.uid);
  const status = async () => Number(/HIGHESTMODSEQ (\d+)/.exec((await b.cmd('STATUS INBOX (HIGHESTMODSEQ)')).lines.join(' '))?.[1]);
  const r1 = await a.cmd(`UID EXPUNGE ${u1}`);
  assert.match(r1.tagged, new RegExp(`OK \\[HIGHESTMODSEQ ${await status()}\\]`));
  const r2 = await a.cmd(`UID MOVE ${u2} Archive`);
  assert.match(r2.tagged, new RegExp(`OK \\[HIGHESTMODSEQ ${await status()}\\]`));
  const r3 = await a.cmd('EXPUNGE');
  assert.match(r3.tagged, new RegExp(`OK \\[HIGHESTMODSEQ ${await status()}\\]`));
  assert.deepEqual(r3.lines, [`* VANISHED ${u3}`]);
  assert.deepEqual(a.violations, []);
  a.c.close();
  b.c.close();
});

test('QRESYNC: an expunge held back during STORE is not lost by a client that reconnects (RFC 7162 §3.2, §6)', async () => {
  const [a, b] = await pair('r');
  await emptyInbox(b);
  const reg = new Registry();
  for (let k = 0; k < 2; k++) await append(b, reg, 'INBOX', []);
  await a.cmd('ENABLE QRESYNC');
  await a.cmd('SELECT INBOX');
  await a.catchUp();
  const first = a.entries[0]!.uid;
  // b expunges the first message; a's STORE by sequence number must not report it (§7.5.1) but
  // reports the new MODSEQ of the second one, above the expunge's.
  await b.cmd(`UID STORE ${first} +FLAGS (\\Deleted)`);
  await b.cmd(`UID EXPUNGE ${first}`);
  const r = await a.cmd('STORE 2 +FLAGS (\\Seen)');
  assert.match(r.lines.join('\n'), /MODSEQ/);
  // The connection drops before any other command: a resumes from the HIGHESTMODSEQ it computed.
  await a.reconnect(port(), user.address, user.password, 'INBOX');
  assert.deepEqual(a.violations, []);
  assert.deepEqual(a.snapshot().map(([u]) => u), (await serverView(a)).map(([u]) => u));
  a.c.close();
  b.c.close();
});

test('NOOP reports an expunge already committed but not yet signalled (RFC 9051 §6.1.2)', async () => {
  const [a, b] = await pair('n');
  await emptyInbox(a);
  const reg = new Registry();
  await append(a, reg, 'INBOX', []);
  await b.cmd('SELECT INBOX');
  await b.cmd('NOOP');
  await b.catchUp();
  const uid = b.entries[0]!.uid;
  await a.cmd(`UID STORE ${uid} +FLAGS (\\Deleted)`);
  await b.cmd('NOOP');
  // Widen the window between commit and change signal (SQLite: the WAL fsync) to 300 ms.
  const store = app.ctx.store;
  const durable = store.durable;
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  store.durable = async () => {
    await durable?.();
    await held;
  };
  try {
    const expunged = a.cmd('EXPUNGE');
    for (let i = 0; i < 200; i++) {
      const row = await store.db.selectFrom('mailbox_messages').select('expunged_modseq').where('uid', '=', uid as never).where('expunged_modseq', 'is not', null).executeTakeFirst();
      if (row) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const f = await b.cmd('FETCH 1:* (UID FLAGS)');
    assert.ok(!f.lines.some((l) => /FETCH/.test(l)), 'the expunged message no longer answers FETCH');
    const n = await b.cmd('NOOP');
    assert.deepEqual(n.lines, ['* 1 EXPUNGE'], 'the poll reports what is already committed');
    release();
    await expunged;
  } finally {
    release();
    store.durable = durable;
  }
  assert.deepEqual(b.violations, []);
  a.c.close();
  b.c.close();
});
