/** bench/smtp-ingest: 20 parallel SMTP sessions (300 messages each by default) sending 10 KB messages to local recipients, against the
 *  server in a child process. Prints messages/s (first connection → last commit) and DATA-end→250 p50/p99. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance, monitorEventLoopDelay } from 'node:perf_hooks';
import { freePort, tempDir } from '../../test/helpers/app.ts';
import { RawSmtp } from '../../test/helpers/smtp-client.ts';
import { openStore } from '../../src/store/open.ts';
import { createAccount, createDomain } from '../../src/accounts/service.ts';

const SESSIONS = Number(process.env.SESSIONS ?? 20);
// 300 per session (6 000 messages, about 12 s): the first second, with JIT warm-up, weighs less than in 2 000.
const PER_SESSION = Number(process.env.PER_SESSION ?? 300);
const dataDir = tempDir('preau-bench-');
const port = await freePort();
const setup = await openStore({ dataDir, listen: false });
await createDomain(setup, 'ac-bench.fr', 10 * 1024 ** 3);
const rcpts: string[] = [];
for (let i = 0; i < 20; i++) rcpts.push((await createAccount(setup, { domain: 'ac-bench.fr', firstName: 'Agent', lastName: `N${i}`, password: 'x'.repeat(12) })).address);
await setup.close();

const child = spawn(process.execPath, ['src/main.ts', 'serve'], {
  env: { ...process.env, PREAU_DATA_DIR: dataDir, PREAU_DOMAIN: 'ac-bench.fr', PREAU_SMTP_PORT: String(port), PREAU_SUBMISSION_PORT: '0', PREAU_IMAP_PORT: '0', PREAU_HTTP_PORT: '0', PREAU_LOG_LEVEL: 'silent' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise<void>((resolve) => child.stdout!.on('data', (d) => d.toString().includes('SMTP ') && resolve()));

const body = ('Bonjour, voici le compte rendu du conseil pédagogique. ' + 'Lorem ipsum dolor sit amet. '.repeat(3) + '\r\n').repeat(60).slice(0, 10_000);
const latencies: number[] = [];
// Server CPU time (user + system, every thread of the child) from /proc: a figure that does not
// depend on what else the machine runs, unlike messages/s.
// The event-loop thread alone (/proc/PID/task/PID) bounds the rate: what runs there is serial.
const cpuMs = (path = `/proc/${child.pid}/stat`): number => {
  const f = readFileSync(path, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
};
const mainCpuMs = () => cpuMs(`/proc/${child.pid}/task/${child.pid}/stat`);
const cpu0 = cpuMs();
const main0 = mainCpuMs();
const t0 = performance.now();
await Promise.all(
  Array.from({ length: SESSIONS }, async (_, s) => {
    const c = await RawSmtp.open(port);
    await c.cmd('EHLO bench.example.org');
    for (let i = 0; i < PER_SESSION; i++) {
      await c.cmd('MAIL FROM:<bench@example.org>');
      await c.cmd(`RCPT TO:<${rcpts[(s + i) % rcpts.length]}>`);
      await c.cmd('DATA');
      c.write(`From: <bench@example.org>\r\nTo: <${rcpts[(s + i) % rcpts.length]}>\r\nSubject: Bench ${s}-${i}\r\nMessage-ID: <b${s}.${i}@example.org>\r\n\r\n${body}\r\n`);
      const tData = performance.now();
      c.write('.\r\n');
      const r = await c.reply();
      latencies.push(performance.now() - tData);
      if (!r.startsWith('250')) throw new Error(`unexpected reply ${r}`);
    }
    await c.cmd('QUIT');
  }),
);
const elapsed = (performance.now() - t0) / 1000;
const serverCpuMs = cpuMs() - cpu0;
const mainThreadCpuMs = mainCpuMs() - main0;
child.kill('SIGTERM');
latencies.sort((a, b) => a - b);
const pct = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] * 100) / 100;
console.log(JSON.stringify({ sessions: SESSIONS, messages: latencies.length, messageBytes: 10_000, seconds: Math.round(elapsed * 100) / 100, messagesPerSecond: Math.round(latencies.length / elapsed), dataEndTo250Ms: { p50: pct(50), p99: pct(99) }, fsyncBefore250: true, serverCpuMsPerMessage: Math.round((serverCpuMs / latencies.length) * 100) / 100, eventLoopCpuMsPerMessage: Math.round((mainThreadCpuMs / latencies.length) * 100) / 100, loadAverage: loadavg().map((x) => Math.round(x * 100) / 100), target: '>= 500 messages/s' }));
