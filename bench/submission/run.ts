/** bench/submission: (1) messages/s accepted on SMTP submission with local delivery, 20 parallel clients;
 *  (2) outbound throughput from the queue to a local sink with 10 connections. Server in a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import nodemailer from 'nodemailer';
import { tempDir } from '../../test/helpers/app.ts';
import { startSink } from '../../test/submission-helpers.ts';

const CLIENTS = Number(process.env.CLIENTS ?? 20);
const PER_CLIENT = Number(process.env.PER_CLIENT ?? 25);
const OUTBOUND = Number(process.env.OUTBOUND ?? 400);
const CONNECTIONS = 10;
const CHILD = new URL('../../test/queue-restart-child.ts', import.meta.url).pathname;
const overrides = JSON.stringify({ outboundConcurrency: CONNECTIONS, outboundDomainConcurrency: CONNECTIONS, submissionHourlyMessagesLimit: 1_000_000, submissionHourlyMessagesWarn: 1_000_000, submissionHourlyRecipientsLimit: 1_000_000, submissionHourlyRecipientsWarn: 1_000_000 });

async function child(dataDir: string, sinkPort: number, mode: string): Promise<{ proc: ChildProcess; port: number; address: string; password: string }> {
  const proc = spawn(process.execPath, [CHILD, dataDir, String(sinkPort), mode, overrides], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: proc.stdout! }), 'line')) as [string];
  return { proc, ...JSON.parse(line) };
}

async function stop(proc: ChildProcess): Promise<void> {
  const exited = once(proc, 'exit');
  proc.kill('SIGTERM');
  await exited;
}

const body = ('Bonjour, voici le compte rendu du conseil pédagogique. ' + 'Lorem ipsum dolor sit amet. '.repeat(3) + '\r\n').repeat(60).slice(0, 10_000);
const dataDir = tempDir('preau-bench-sub-');
const sink = await startSink();
try {
  // (1) Submission with local delivery.
  const a = await child(dataDir, sink.port, 'submit');
  const transports = Array.from({ length: CLIENTS }, () => nodemailer.createTransport({ pool: true, maxConnections: 1, maxMessages: Infinity, host: '127.0.0.1', port: a.port, secure: false, ignoreTLS: true, auth: { user: a.address, pass: a.password } }));
  const lat: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    transports.map(async (t, c) => {
      for (let i = 0; i < PER_CLIENT; i++) {
        const s = performance.now();
        await t.sendMail({ from: a.address, to: a.address, subject: `bench ${c}-${i}`, text: body });
        lat.push(performance.now() - s);
      }
    }),
  );
  const localSeconds = (performance.now() - t0) / 1000;
  for (const t of transports) t.close();

  // (2) Queue OUTBOUND remote messages (no worker running), then time a worker draining them.
  const q = nodemailer.createTransport({ pool: true, maxConnections: 10, host: '127.0.0.1', port: a.port, secure: false, ignoreTLS: true, auth: { user: a.address, pass: a.password } });
  await Promise.all(Array.from({ length: OUTBOUND }, (_, i) => q.sendMail({ from: a.address, to: `r${i}@example.org`, subject: `out ${i}`, text: body })));
  q.close();
  await stop(a.proc);
  const t1 = performance.now();
  const w = await child(dataDir, sink.port, 'work');
  await sink.waitFor(OUTBOUND);
  const outSeconds = (performance.now() - t1) / 1000;
  await stop(w.proc);

  lat.sort((x, y) => x - y);
  const pct = (p: number) => Math.round(lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))] * 100) / 100;
  console.log(
    JSON.stringify({
      submissionLocal: { clients: CLIENTS, messages: lat.length, messageBytes: 10_000, seconds: Math.round(localSeconds * 100) / 100, messagesPerSecond: Math.round(lat.length / localSeconds), latencyMs: { p50: pct(50), p99: pct(99) }, dkim: false, note: 'AUTH PLAIN on loopback, delivery to a local INBOX committed before 250' },
      outbound: { connections: CONNECTIONS, messages: OUTBOUND, seconds: Math.round(outSeconds * 100) / 100, messagesPerSecond: Math.round(OUTBOUND / outSeconds), dkim: 'rsa-sha256 + ed25519-sha256', starttls: sink.messages.every((m) => m.secure), note: 'includes worker process start-up' },
    }),
  );
} finally {
  await sink.close();
  rmSync(dataDir, { recursive: true, force: true });
}
