/** bench/imap/memory-probe: what one IMAP connection costs the server, step by step (connected,
 *  LOGIN, SELECT INBOX, IDLE). The server runs in this process (run node with --expose-gc) and the
 *  clients in a child process, so client sockets and buffers are not counted. After each step the
 *  server forces full GCs and prints heapUsed / external / arrayBuffers / rss deltas per connection.
 *  Env: CONNS (1000), ACCOUNTS (4), MESSAGES (50 per account), WARM (1000 connections through every
 *  step, then closed, before measuring), STEPS (connect,login,select,idle; also noop and close),
 *  SNAPSHOT_DIR (a V8 heap snapshot after each step, to compare with bench/imap/heap-diff.ts; writing
 *  them grows the RSS, so read only the heap figures then), SQL_STATS (count distinct statements).
 *  Run: node_modules/.bin/node --expose-gc bench/imap/memory-probe.ts */
import { fork, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { writeHeapSnapshot } from 'node:v8';
import { readFileSync } from 'node:fs';

const PASSWORD = 'Sonde-memoire-IMAP-2026!';
type Step = 'connect' | 'noop' | 'login' | 'select' | 'idle' | 'close';
type ToChild = { step: Step; port: number; n: number; users: string[] };

if (process.argv[2] === 'client') {
  // ---- child: holds the client connections ----
  const socks: { s: Socket; wait: (re: RegExp) => Promise<void> }[] = [];
  const open = (port: number) =>
    new Promise<(typeof socks)[number]>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.setEncoding('latin1');
      let buf = '';
      let want: { re: RegExp; r: () => void } | null = null;
      s.on('data', (d: string) => {
        buf += d;
        if (want && want.re.test(buf)) {
          buf = '';
          const w = want;
          want = null;
          w.r();
        }
      });
      s.on('error', () => {});
      const wait = (re: RegExp) =>
        new Promise<void>((r) => {
          if (re.test(buf)) {
            buf = '';
            return r();
          }
          want = { re, r };
        });
      void wait(/\* OK[^\r]*\r\n/).then(() => resolve({ s, wait }));
    });
  process.on('message', async (m: ToChild) => {
    const batch = 50;
    for (let i = 0; i < m.n; i += batch) {
      const part = Array.from({ length: Math.min(batch, m.n - i) }, (_, j) => i + j);
      await Promise.all(
        part.map(async (k) => {
          if (m.step === 'connect') return void (socks[k] = await open(m.port));
          const c = socks[k]!;
          if (m.step === 'close') return void c.s.destroy();
          if (m.step === 'login') {
            c.s.write(`a LOGIN ${m.users[k % m.users.length]} "${PASSWORD}"\r\n`);
            await c.wait(/(^|\n)a (OK|NO|BAD)[^\r]*\r\n/);
          } else if (m.step === 'noop') {
            c.s.write('n NOOP\r\n');
            await c.wait(/(^|\n)n (OK|NO|BAD)[^\r]*\r\n/);
          } else if (m.step === 'select') {
            c.s.write('b SELECT INBOX\r\n');
            await c.wait(/(^|\n)b (OK|NO|BAD)[^\r]*\r\n/);
          } else {
            c.s.write('c IDLE\r\n');
            await c.wait(/\+ [^\r]*\r\n/);
          }
        }),
      );
    }
    process.send!('done');
  });
} else {
  // ---- parent: the server ----
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run node with --expose-gc');
  const CONNS = Number(process.env.CONNS ?? 1000);
  const ACCOUNTS = Number(process.env.ACCOUNTS ?? 4);
  const MESSAGES = Number(process.env.MESSAGES ?? 50);
  const SNAPSHOT_DIR = process.env.SNAPSHOT_DIR;
  // SQL_STATS=1: count the distinct statements the store prepares (each one stays in its cache).
  const sqlSeen = new Map<string, number>();
  if (process.env.SQL_STATS) {
    const { DatabaseSync } = await import('node:sqlite');
    const orig = DatabaseSync.prototype.prepare;
    DatabaseSync.prototype.prepare = function (this: InstanceType<typeof DatabaseSync>, sql: string) {
      sqlSeen.set(sql, (sqlSeen.get(sql) ?? 0) + 1);
      return orig.call(this, sql);
    } as typeof orig;
  }
  const { startTestApp } = await import('../../test/helpers/app.ts');
  const { ingest } = await import('../../src/mail/ingest.ts');
  const WARM = Number(process.env.WARM ?? 1000);
  const cap = Math.max(CONNS, WARM) + 10;
  const app = await startTestApp({ imapMaxConnectionsPerIp: cap, imapMaxConnectionsPerAccount: cap });
  const users: string[] = [];
  for (let a = 0; a < ACCOUNTS; a++) {
    const acc = await app.account('Sonde', `Memoire${a}`, { password: PASSWORD });
    users.push(acc.address);
    for (let i = 0; i < MESSAGES; i++) {
      const raw = Buffer.from(`From: a@${app.domain}\r\nTo: ${acc.address}\r\nSubject: m${i}\r\nMessage-ID: <p${a}.${i}@x>\r\n\r\nhello ${i}\r\n`);
      await ingest({ store: app.ctx.store, blobs: app.ctx.blobs }, { raw, targets: [{ account: acc.id as never }], enforceQuota: false });
    }
  }
  const port = app.ports.imap;
  const child: ChildProcess = fork(process.argv[1]!, ['client'], { stdio: 'inherit' });
  const settle = async () => {
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 100));
      gc();
    }
  };
  const rssKiB = () => Math.round(process.memoryUsage.rss() / 1024);
  const sample = () => {
    const m = process.memoryUsage();
    // RssAnon is the process's own memory; RssFile/RssShmem are mapped files (SQLite's WAL index).
    const st = readFileSync('/proc/self/status', 'utf8');
    const kb = (f: string) => Number(new RegExp(`${f}:\\s+(\\d+)`).exec(st)?.[1] ?? 0);
    return { heapUsed: m.heapUsed / 1024, heapTotal: m.heapTotal / 1024, external: m.external / 1024, arrayBuffers: m.arrayBuffers / 1024, rss: rssKiB(), rssAnon: kb('RssAnon'), rssFile: kb('RssFile') + kb('RssShmem') };
  };
  // Warm-up: one full round on WARM connections, then closed. The first burst of sign-ins grows
  // native memory once by 15–45 MB (whatever N; a second round costs nothing), and the first
  // sign-ins verify Argon2id hashes before the verified-password cache answers; JIT and the V8
  // heap grow once too. With WARM=100 the LOGIN step showed that one-off growth as 35–80 KiB each.
  const runN = (step: Step, n: number) =>
    new Promise<void>((resolve) => {
      child.once('message', () => resolve());
      child.send({ step, port, n, users } satisfies ToChild);
    });
  const run = (step: Step) => runN(step, CONNS);
  if (WARM) for (const step of ['connect', 'login', 'select', 'idle', 'close'] as const) await runN(step, WARM);
  await settle();
  const rows: Record<string, unknown>[] = [];
  let prev = sample();
  rows.push({ step: 'base', ...Object.fromEntries(Object.entries(prev).map(([k, v]) => [k, Math.round(v)])) });
  if (SNAPSHOT_DIR) writeHeapSnapshot(join(SNAPSHOT_DIR, '0-base.heapsnapshot'));
  // STEPS=connect,login,close,connect,login… repeats steps (is a second round cheaper?).
  const steps = (process.env.STEPS ?? 'connect,login,select,idle').split(',') as Step[];
  for (const [i, step] of steps.entries()) {
    const cpu0 = process.cpuUsage();
    await run(step);
    const cpu = process.cpuUsage(cpu0);
    // Before the forced GCs: what an RSS reading such as bench/imap/run.ts's sees (garbage included).
    const rssNoGc = rssKiB();
    await settle();
    const now = sample();
    const per = (k: keyof typeof now) => Math.round(((now[k] - prev[k]) / CONNS) * 100) / 100;
    if (process.env.SQL_STATS) console.error(step, 'distinct SQL so far', sqlSeen.size, [...sqlSeen.keys()].slice(-3).map((q) => q.slice(0, 160)));
    rows.push({ step, cpuMs: Math.round((cpu.user + cpu.system) / 1000), perConnKiB: { heapUsed: per('heapUsed'), heapTotal: per('heapTotal'), external: per('external'), arrayBuffers: per('arrayBuffers'), rss: per('rss'), rssAnon: per('rssAnon'), rssFile: per('rssFile'), rssBeforeGc: Math.round(((rssNoGc - prev.rss) / CONNS) * 100) / 100 }, totalKiB: { heapUsed: Math.round(now.heapUsed), rss: now.rss } });
    if (SNAPSHOT_DIR) writeHeapSnapshot(join(SNAPSHOT_DIR, `${i + 1}-${step}.heapsnapshot`));
    prev = sample();
  }
  console.log(JSON.stringify({ conns: CONNS, accounts: ACCOUNTS, rows, loadAverage: loadavg().map((x) => Math.round(x * 100) / 100) }, null, 1));
  child.kill();
  await app.stop();
  process.exit(0);
}
