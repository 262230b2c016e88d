/** Durability: a process killed with messages queued (and one killed mid-send) loses nothing and sends nothing twice. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import nodemailer from 'nodemailer';
import { startSink } from './submission-helpers.ts';
import { tempDir } from './helpers/app.ts';
import { openStore } from '../src/store/open.ts';
import '../src/queue/tables.ts';

const CHILD = new URL('./queue-restart-child.ts', import.meta.url).pathname;

async function child(dataDir: string, sinkPort: number, mode: string): Promise<{ proc: ChildProcess; port: number; address: string; password: string }> {
  const proc = spawn(process.execPath, [CHILD, dataDir, String(sinkPort), mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout! });
  const [line] = (await Promise.race([once(lines, 'line'), once(proc, 'exit').then(() => { throw new Error('child exited early'); })])) as [string];
  return { proc, ...JSON.parse(line) };
}

async function kill(proc: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const exited = once(proc, 'exit');
  proc.kill(signal);
  await exited;
}

test('killed with 10 messages queued, killed again mid-send: after restart all 10 arrive exactly once', { timeout: 60_000 }, async () => {
  const dataDir = tempDir();
  const sink = await startSink();
  try {
    // 1. Accept 10 submissions with no worker running, then SIGKILL.
    const a = await child(dataDir, sink.port, 'submit');
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: a.port, secure: false, auth: { user: a.address, pass: a.password }, tls: { rejectUnauthorized: false } });
    for (let i = 0; i < 10; i++) await t.sendMail({ from: a.address, to: `r${i}@example.org`, subject: `n${i}`, messageId: `<restart-${i}@ac-test.fr>`, text: `message ${i}` });
    await kill(a.proc, 'SIGKILL');
    assert.equal(sink.messages.length, 0);

    // 2. A worker starts sending, the remote holds its DATA replies, and the worker is killed mid-send.
    let held = 0;
    let heldOne!: () => void;
    const firstHeld = new Promise<void>((r) => (heldOne = r));
    const realOnData = sink.holdData;
    sink.holdData = () => {
      held++;
      heldOne();
      return true;
    };
    const b = await child(dataDir, sink.port, 'work');
    await firstHeld;
    await kill(b.proc, 'SIGKILL');
    assert.ok(held >= 1);
    assert.equal(sink.messages.length, 0, 'held messages were never acknowledged');
    sink.holdData = realOnData;

    // 3. Restart: expired leases are reclaimed, everything is delivered once.
    const c = await child(dataDir, sink.port, 'work');
    await sink.waitFor(10);
    await kill(c.proc, 'SIGTERM');
    const store = await openStore({ dataDir });
    try {
      const rows = await store.db.selectFrom('queue_recipients').select(['rcpt', 'state']).execute();
      assert.equal(rows.length, 10);
      assert.ok(rows.every((r) => r.state === 'delivered'), JSON.stringify(rows));
    } finally {
      await store.close();
    }
    assert.equal(sink.messages.length, 10, 'none twice');
    const ids = sink.messages.map((m) => /Message-ID: (<[^>]+>)/i.exec(m.raw.toString())![1]);
    assert.equal(new Set(ids).size, 10);
    assert.deepEqual(sink.messages.map((m) => m.to[0]).sort(), Array.from({ length: 10 }, (_, i) => `r${i}@example.org`).sort());
  } finally {
    await sink.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
