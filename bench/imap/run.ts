/** bench/imap: the IMAP door on a 100 000-message mailbox (SELECT, UID FETCH 1:* (FLAGS), FETCH
 *  ENVELOPE of 1 000, UID SEARCH TEXT "réunion"), resident memory per idle connection, and a mixed
 *  workload of 20 clients on 20 accounts, against `preau serve` in a child process. Prints one JSON
 *  object. Env: MESSAGES (100000), IDLE_CONNS (5000), IDLE_AUTH (1000), MIX_SECONDS (15),
 *  PHASES (idle,big,mixed), BENCH_DATA_DIR (reuse a data dir filled by an earlier run with
 *  BENCH_KEEP=1; it is removed otherwise), BENCH_CPU_PROF (directory for a server CPU profile). */
import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { freePort, tempDir } from '../../test/helpers/app.ts';
import { openStore } from '../../src/store/open.ts';
import { FsBlobStore } from '../../src/blobs/fs-blob-store.ts';
import { createAccount, createDomain } from '../../src/accounts/service.ts';
import { ingest } from '../../src/mail/ingest.ts';
import type { AccountId } from '../../src/store/ids.ts';

const MESSAGES = Number(process.env.MESSAGES ?? 100_000);
const IDLE_CONNS = Number(process.env.IDLE_CONNS ?? 5000);
// 1 000, not 200: the first burst of sign-ins grows the server's allocator once by 15–45 MB (not
// per connection: a second round costs nothing), which over 200 connections read as 75–180 KiB
// each. bench/imap/memory-probe.ts measures the retained heap step by step with forced GCs.
const IDLE_AUTH = Number(process.env.IDLE_AUTH ?? 1000);
const MIX_SECONDS = Number(process.env.MIX_SECONDS ?? 15);
const MIX_CLIENTS = 20;
const PHASES = new Set((process.env.PHASES ?? 'idle,big,mixed').split(','));
const PASSWORD = 'Banc-d-essai-IMAP-2026!';
const DOMAIN = 'ac-bench.fr';

/** A minimal pipelining-free IMAP client that only finds the tagged completion (no per-line parsing,
 *  so the client does not dominate what is measured). */
class BenchImap {
  socket: Socket;
  #tail = '';
  #n = 0;
  #want: { tag: string; keep: boolean; text: string; resolve: (r: { tagged: string; text: string }) => void } | null = null;
  #greeting: Promise<string>;

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.setEncoding('latin1');
    let greet: (s: string) => void;
    this.#greeting = new Promise((r) => (greet = r));
    let greeted = false;
    this.socket.on('data', (chunk: string) => {
      if (!greeted) {
        greeted = true;
        greet(chunk);
        return;
      }
      const w = this.#want;
      if (!w) return;
      if (w.keep) w.text += chunk;
      const hay = this.#tail + chunk;
      const at = hay.startsWith(`${w.tag} `) ? 0 : hay.indexOf(`\r\n${w.tag} `);
      if (at >= 0) {
        const start = at === 0 ? 0 : at + 2;
        const end = hay.indexOf('\r\n', start);
        if (end >= 0) {
          this.#want = null;
          this.#tail = '';
          w.resolve({ tagged: hay.slice(start, end), text: w.text });
          return;
        }
      }
      this.#tail = hay.slice(-200);
    });
    this.socket.on('error', () => {});
  }

  greeting(): Promise<string> {
    return this.#greeting;
  }

  cmd(command: string, keep = false): Promise<{ tagged: string; text: string }> {
    const tag = `B${++this.#n}`;
    return new Promise((resolve, reject) => {
      this.#want = {
        tag,
        keep,
        text: '',
        resolve: (r) => (/^B\d+ OK/.test(r.tagged) ? resolve(r) : reject(new Error(`${command.slice(0, 60)} → ${r.tagged}`))),
      };
      this.#tail = '';
      this.socket.write(`${tag} ${command}\r\n`);
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function timed(f: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await f();
  return performance.now() - t;
}
function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

/** CPU time (user + system, all threads) of a process in ms, 10 ms resolution: unlike wall-clock
 *  time it does not grow with the load of the shared machine. */
function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

function message(i: number, to: string): Buffer {
  // One message in 100 mentions "réunion" (decoded text, found by TEXT search).
  const topic = i % 100 === 7 ? 'la réunion du conseil pédagogique' : 'le planning des surveillances';
  return Buffer.from(
    `From: Collègue ${i % 300} <collegue${i % 300}@${DOMAIN}>\r\nTo: ${to}\r\nSubject: Message ${i} sur ${topic}\r\nMessage-ID: <bench${i}@${DOMAIN}>\r\n` +
      `Date: Mon, 02 Dec 2024 08:30:00 +0100\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n` +
      `Bonjour,\r\nvoici ${topic}, numéro ${i}.\r\n${'Texte de remplissage pour un message ordinaire. '.repeat(6)}\r\nCordialement\r\n`,
  );
}

// ---- setup: accounts and a 100 000-message mailbox through ingest() ----
const reuse = process.env.BENCH_DATA_DIR && existsSync(join(process.env.BENCH_DATA_DIR, 'bench-accounts.json')) ? process.env.BENCH_DATA_DIR : null;
const dataDir = reuse ?? tempDir('preau-bench-imap-');
const setupStart = performance.now();
let big: { id: AccountId; address: string };
const mix: { id: AccountId; address: string }[] = [];
if (reuse) {
  const saved = JSON.parse(readFileSync(join(dataDir, 'bench-accounts.json'), 'utf8')) as { big: typeof big; mix: typeof mix };
  big = saved.big;
  mix.push(...saved.mix);
} else {
const store = await openStore({ dataDir, listen: false });
const blobs = new FsBlobStore(join(dataDir, 'blobs'));
await createDomain(store, DOMAIN, 50 * 1024 ** 3);
big = await createAccount(store, { domain: DOMAIN, firstName: 'Grande', lastName: 'Boite', password: PASSWORD, quotaBytes: 50 * 1024 ** 3 });
for (let i = 0; i < MIX_CLIENTS; i++) mix.push(await createAccount(store, { domain: DOMAIN, firstName: 'Agent', lastName: `Mixte${i}`, password: PASSWORD }));
const deps = { store, blobs };
const BATCH = 200;
for (let i = 0; i < MESSAGES; i += BATCH) {
  await Promise.all(Array.from({ length: Math.min(BATCH, MESSAGES - i) }, (_, j) => ingest(deps, { raw: message(i + j, big.address), targets: [{ account: big.id, keywords: (i + j) % 3 === 0 ? ['\\Seen'] : [] }], enforceQuota: false })));
}
for (const a of mix) await Promise.all(Array.from({ length: 200 }, (_, j) => ingest(deps, { raw: message(j, a.address), targets: [{ account: a.id }], enforceQuota: false })));
await store.close();
writeFileSync(join(dataDir, 'bench-accounts.json'), JSON.stringify({ big: { id: big.id, address: big.address }, mix: mix.map((a) => ({ id: a.id, address: a.address })) }));
}
const setupSeconds = (performance.now() - setupStart) / 1000;

// ---- the server in a child process ----
const port = await freePort();
// BENCH_CPU_PROF=dir writes a V8 CPU profile of the server there.
const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
const child = spawn(process.execPath, [...profile, 'src/main.ts', 'serve'], {
  env: { ...process.env, PREAU_DATA_DIR: dataDir, PREAU_DOMAIN: DOMAIN, PREAU_SMTP_PORT: '0', PREAU_SUBMISSION_PORT: '0', PREAU_IMAP_PORT: String(port), PREAU_HTTP_PORT: '0', PREAU_LOG_LEVEL: 'silent',
    // Every bench connection comes from 127.0.0.1: lift the per-address and per-account caps, or the
    // idle phase would hold 100 connections and wait forever for the refused ones.
    PREAU_IMAP_MAX_CONNECTIONS_PER_IP: String(IDLE_CONNS + 4 * IDLE_AUTH + 100), PREAU_IMAP_MAX_CONNECTIONS_PER_ACCOUNT: String(4 * IDLE_AUTH + 100) },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise<void>((resolve) => child.stdout!.on('data', (d) => d.toString().includes('IMAP ') && resolve()));
const result: Record<string, unknown> = { messages: MESSAGES, setupSeconds: round(setupSeconds) };

try {
  if (PHASES.has('idle')) {
  // ---- resident memory per idle connection (first, on a fresh server) ----
  // Signed-in connections: sign-in, SELECT INBOX, IDLE, in batches of 20. Argon2 grows the
  // allocator's arenas on the first sign-ins, so the same batches run once and close first (warm-up).
  const signIn = async (list: BenchImap[]) => {
    for (let i = 0; i < list.length; i += 20) {
      await Promise.all(
        list.slice(i, i + 20).map(async (x, j) => {
          await x.greeting();
          await x.cmd(`LOGIN ${mix[(i + j) % mix.length]!.address} "${PASSWORD}"`);
          await x.cmd('SELECT INBOX');
          x.socket.write('I1 IDLE\r\n');
        }),
      );
    }
  };
  const warm = Array.from({ length: IDLE_AUTH }, () => new BenchImap(port));
  await signIn(warm);
  for (const x of warm) x.close();
  await new Promise((r) => setTimeout(r, 500));
  const base = rssKiB(child.pid!);
  const conns: BenchImap[] = [];
  for (let i = 0; i < IDLE_CONNS; i += 250) {
    const part = Array.from({ length: Math.min(250, IDLE_CONNS - i) }, () => new BenchImap(port));
    await Promise.all(part.map((x) => x.greeting()));
    conns.push(...part);
  }
  const afterConnect = rssKiB(child.pid!);
  const authed = Array.from({ length: IDLE_AUTH }, () => new BenchImap(port));
  await signIn(authed);
  conns.push(...authed);
  const afterAuth = rssKiB(child.pid!);
  // A second batch of the same size: its cost is the marginal memory of a signed-in idler, without
  // the one-off growth of the JS heap and allocator that the first sign-ins cause.
  const more = Array.from({ length: IDLE_AUTH }, () => new BenchImap(port));
  await signIn(more);
  conns.push(...more);
  const afterMore = rssKiB(child.pid!);
  result.idleMemory = {
    connections: IDLE_CONNS,
    baseRssKiB: base,
    rssAfterConnectKiB: afterConnect,
    perConnectionKiB: round((afterConnect - base) / IDLE_CONNS, 2),
    signedInIdling: IDLE_AUTH,
    perSignedInIdlingFirstBatchKiB: round((afterAuth - afterConnect) / IDLE_AUTH, 2),
    perSignedInIdlingMarginalKiB: round((afterMore - afterAuth) / IDLE_AUTH, 2),
    target: '< 30 KB per idle connection (Dovecot about 600 KB)',
  };
  for (const x of conns) x.close();
  }
  if (PHASES.has('big')) {
  // ---- the big mailbox ----
  const c = new BenchImap(port);
  await c.greeting();
  await c.cmd(`LOGIN ${big.address} "${PASSWORD}"`);
  const sel: number[] = [];
  let cpu = cpuMs(child.pid!);
  for (let i = 0; i < 5; i++) sel.push(await timed(() => c.cmd('SELECT INBOX')));
  const selectCpu = cpuMs(child.pid!) - cpu;
  const flags: number[] = [];
  let flagsBytes = 0;
  cpu = cpuMs(child.pid!);
  for (let i = 0; i < 3; i++) flags.push(await timed(async () => (flagsBytes = (await c.cmd('UID FETCH 1:* (FLAGS)', true)).text.length)));
  const flagsCpu = (cpuMs(child.pid!) - cpu) / 3;
  const env: number[] = [];
  for (let i = 0; i < 3; i++) {
    const from = 1 + i * 30_000;
    env.push(await timed(() => c.cmd(`FETCH ${from}:${from + 999} (ENVELOPE)`)));
  }
  const search: number[] = [];
  let hits = 0;
  for (let i = 0; i < 5; i++) {
    search.push(
      await timed(async () => {
        const r = await c.cmd('UID SEARCH CHARSET UTF-8 TEXT "réunion"', true);
        hits = (r.text.split('\r\n').find((l) => l.startsWith('* SEARCH')) ?? '').split(' ').length - 2;
      }),
    );
  }
  c.close();
  result.bigMailbox = {
    // The first SELECT reads the UID list; later ones (any session) start from the process-wide cache.
    selectFirstMs: round(sel[0]!),
    selectMs: round(median(sel.slice(1))),
    uidFetchAllFlagsMs: round(median(flags)),
    // Server CPU time (all threads), less dependent on the load than the times above.
    serverCpuMs: { fiveSelects: selectCpu, uidFetchAllFlagsEach: round(flagsCpu) },
    uidFetchAllFlagsBytes: flagsBytes,
    fetchEnvelope1000Ms: round(median(env)),
    uidSearchTextReunionMs: round(median(search)),
    searchHits: hits,
    targets: { selectMs: 50, uidFetchAllFlagsMs: 500, uidSearchTextMs: 100 },
  };

  }
  if (PHASES.has('mixed')) {
  // ---- mixed workload: 20 clients on 20 accounts ----
  const mixRun = async (loginEachRound: boolean) => {
    let commands = 0;
    const deadline = performance.now() + MIX_SECONDS * 1000;
    const t0 = performance.now();
    await Promise.all(
      mix.map(async (a, k) => {
        let n = 0;
        while (performance.now() < deadline) {
          const s = new BenchImap(port);
          await s.greeting();
          const cmd = async (x: string) => {
            await s.cmd(x);
            commands++;
          };
          await cmd(`LOGIN ${a.address} "${PASSWORD}"`);
          do {
            n++;
            await cmd('LIST "" "*"');
            await cmd('STATUS INBOX (MESSAGES UNSEEN UIDNEXT)');
            await cmd('SELECT INBOX');
            await cmd('FETCH 1:20 (UID FLAGS RFC822.SIZE ENVELOPE)');
            await cmd('STORE 1:5 +FLAGS (\\Seen)');
            const raw = message(1000 + n, a.address).toString('utf8');
            await cmd(`APPEND INBOX {${Buffer.byteLength(raw)}+}\r\n${raw}`);
            await cmd('STORE 1 +FLAGS.SILENT (\\Deleted)');
            await cmd('EXPUNGE');
          } while (!loginEachRound && performance.now() < deadline && n % 10 !== 0);
          await cmd('LOGOUT').catch(() => {});
          s.close();
          void k;
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    return { commands, seconds: round(seconds, 2), commandsPerSecond: Math.round(commands / seconds) };
  };
  result.mixed = {
    clients: MIX_CLIENTS,
    // The loop: login, list, status, select, fetch, store, append, store+expunge, logout.
    loginEachRound: await mixRun(true),
    // The same commands, ten rounds per sign-in (a mail client keeps its session).
    tenRoundsPerLogin: await mixRun(false),
    dovecotReference: 1050,
    target: 1575,
    note: 'each sign-in verifies an Argon2id hash (19 MiB, t=2)',
  };

  }
} catch (e) {
  result.error = (e as Error).message;
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  if (!reuse && !process.env.BENCH_KEEP) rmSync(dataDir, { recursive: true, force: true });
  else result.dataDir = dataDir;
}
result.loadAverage = loadavg().map((x) => round(x, 2));
console.log(JSON.stringify(result));
