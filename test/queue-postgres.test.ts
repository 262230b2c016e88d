/** Two nodes on one PostgreSQL claim the queue with SKIP LOCKED: every message is sent exactly once. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp } from './helpers/app.ts';
import { startSink, fakeResolver } from './submission-helpers.ts';
import { buildContext } from '../src/app.ts';
import { createLogger } from '../src/log/index.ts';
import { startOutboundWorker, submitMessage } from '../src/queue/index.ts';
import type { AccountId } from '../src/store/ids.ts';

const skip = process.env.PREAU_TEST_PG ? false : 'PREAU_TEST_PG is not set (PostgreSQL tests need postgres://…)';

test('two workers on two stores over one PostgreSQL never send a message twice', { skip, timeout: 120_000 }, async (t) => {
  const app = await startTestApp({}, { pg: true });
  const sink = await startSink();
  const other = await buildContext(app.ctx.config, { log: createLogger('silent') });
  try {
    const alice = await app.account('Alice', 'Durand');
    const n = 40;
    for (let i = 0; i < n; i++) {
      await submitMessage(app.ctx, { accountId: alice.id as AccountId, raw: Buffer.from(`From: <${alice.address}>\r\nTo: <r${i}@example.org>\r\nSubject: pg ${i}\r\nMessage-ID: <pg-${i}@ac-test.fr>\r\n\r\nx\r\n`), mailFrom: alice.address, rcptTo: [`r${i}@example.org`, `s${i}@example.net`] });
    }
    const common = { resolver: fakeResolver(), portFor: () => sink.port, autoStart: false, batch: 7, timeoutMs: 10_000 };
    const w1 = startOutboundWorker(app.ctx, { ...common, workerId: 'node-1' });
    const w2 = startOutboundWorker(other, { ...common, workerId: 'node-2' });
    const counts = [0, 0];
    for (let round = 0; round < 50; round++) {
      // Alternate which node asks first, so neither always wins the race for the first rows.
      const [a, b] = round % 2 ? (await Promise.all([w2.runOnce(), w1.runOnce()])).reverse() : await Promise.all([w1.runOnce(), w2.runOnce()]);
      counts[0] += a;
      counts[1] += b;
      if (!a && !b) break;
    }
    // How the work splits depends on scheduling (a node's runOnce may drain the queue before the
    // other's first claim); the requirement is that no recipient is claimed or sent twice.
    t.diagnostic(`node-1 ${counts[0]}, node-2 ${counts[1]}`);
    assert.equal(counts[0] + counts[1], 2 * n, `each recipient claimed once (node-1 ${counts[0]}, node-2 ${counts[1]})`);
    const rcpts = sink.messages.flatMap((m) => m.to);
    assert.equal(rcpts.length, 2 * n);
    assert.equal(new Set(rcpts).size, 2 * n, 'no recipient got a message twice');
    const rows = await app.ctx.store.db.selectFrom('queue_recipients').select('state').execute();
    assert.ok(rows.every((r) => r.state === 'delivered'));
  } finally {
    await other.store.close();
    await sink.close();
    await app.stop();
  }
});
