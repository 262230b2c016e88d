/**
 * Worker threads for the CPU-heavy part of inbound inspection (inspect-core.ts: DKIM hashing, SPF
 * and DMARC evaluation, MIME parsing, analyzers), so the event loop keeps to the protocol and the
 * store and a second core does the rest. DNS stays on the main thread: the workers ask it through
 * their port, so every lookup goes through the one caching resolver. A worker that fails is not
 * replaced: its pending and later messages are inspected inline (same code, same result).
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { DnsResolver } from './auth.ts';
import type { SecurityPolicy } from './policy.ts';
import { inspectCore, type CoreInput, type CoreResult } from './inspect-core.ts';

/** Messages queued to one worker beyond which the next is inspected on the main thread. */
const QUEUE_PER_WORKER = 2;

export interface InspectPool {
  run(input: CoreInput): Promise<CoreResult>;
  /** The live workers (tests). */
  threads(): Worker[];
  /** Start the workers if needed; resolves once every one has loaded (tests). */
  whenReady(): Promise<void>;
  close(): Promise<void>;
}

type ToWorker = { kind: 'inspect'; id: number; input: CoreInput } | { kind: 'dns'; id: number; value?: unknown; error?: { message: string; code?: string } };
type FromWorker = { kind: 'ready' } | { kind: 'done'; id: number; result: CoreResult } | { kind: 'failed'; id: number; message: string } | { kind: 'dns'; id: number; name: string; rrtype: string };

interface Slot {
  worker: Worker;
  pending: Map<number, { input: CoreInput; resolve: (r: CoreResult) => void; reject: (e: Error) => void }>;
  /** Modules loaded: until then messages are inspected inline rather than wait for the start. */
  ready: boolean;
  dead: boolean;
}

/**
 * `size` workers, started on the first message (a server that receives no mail starts none);
 * messages are inspected inline until a worker has loaded. Size 0 inspects inline.
 */
export function createInspectPool(opts: { policy: SecurityPolicy; resolver?: DnsResolver; size: number }): InspectPool {
  const { policy, resolver } = opts;
  const inline = (input: CoreInput) => inspectCore(input, policy, resolver);
  let slots: Slot[] | null = null;
  let nextId = 1;
  let closed = false;

  const start = (): Slot[] =>
    Array.from({ length: opts.size }, () => {
      const worker = new Worker(new URL(import.meta.url), { workerData: { preauInspect: { policy, dns: !!resolver } } });
      worker.unref();
      const slot: Slot = { worker, pending: new Map(), ready: false, dead: false };
      worker.on('message', (m: FromWorker) => {
        if (m.kind === 'ready') return void (slot.ready = true);
        if (m.kind === 'dns') return void answerDns(worker, m);
        const p = slot.pending.get(m.id);
        slot.pending.delete(m.id);
        if (!p) return;
        if (m.kind === 'done') p.resolve(revive(m.result));
        // The message made the worker's inspection throw: the inline run reports it the same way.
        else inline(p.input).then(p.resolve, p.reject);
      });
      const die = () => {
        if (slot.dead) return;
        slot.dead = true;
        for (const p of slot.pending.values()) inline(p.input).then(p.resolve, p.reject);
        slot.pending.clear();
      };
      worker.on('error', die);
      worker.on('exit', die);
      return slot;
    });

  function answerDns(worker: Worker, m: { id: number; name: string; rrtype: string }): void {
    resolver!(m.name, m.rrtype).then(
      (value) => worker.postMessage({ kind: 'dns', id: m.id, value } satisfies ToWorker),
      (e: { message?: string; code?: string }) => worker.postMessage({ kind: 'dns', id: m.id, error: { message: String(e?.message ?? e), code: e?.code } } satisfies ToWorker),
    );
  }

  return {
    run(input) {
      if (closed || opts.size <= 0) return inline(input);
      slots ??= start();
      // The least busy live worker that has started.
      let best: Slot | null = null;
      for (const s of slots) if (s.ready && !s.dead && (!best || s.pending.size < best.pending.size)) best = s;
      // Every worker already has enough queued: inspect here rather than wait behind them (the
      // event loop has time to spare; queueing only adds latency).
      if (!best || best.pending.size >= QUEUE_PER_WORKER) return inline(input);
      const slot = best;
      return new Promise((resolve, reject) => {
        const id = nextId++;
        slot.pending.set(id, { input, resolve, reject });
        // A copy of exactly the message's bytes, transferred (a Buffer may be a view of a larger pool).
        const bytes = new Uint8Array(input.raw);
        slot.worker.postMessage({ kind: 'inspect', id, input: { ...input, raw: bytes as Buffer } } satisfies ToWorker, [bytes.buffer]);
      });
    },
    threads: () => (slots ?? []).filter((s) => !s.dead).map((s) => s.worker),
    async whenReady() {
      slots ??= start();
      while (slots.some((s) => !s.ready && !s.dead)) await new Promise((r) => setTimeout(r, 10));
    },
    async close() {
      closed = true;
      const s = slots ?? [];
      slots = null;
      await Promise.all(s.map((x) => x.worker.terminate()));
    },
  };
}

/** Buffers cross the port as Uint8Arrays: make them Buffers again. */
function revive(r: CoreResult): CoreResult {
  return { ...r, raw: Buffer.from(r.raw.buffer, r.raw.byteOffset, r.raw.byteLength) };
}

// The worker: inspect messages; DNS questions go to the main thread.
if (!isMainThread && (workerData as { preauInspect?: unknown } | null)?.preauInspect) {
  const { policy, dns } = (workerData as { preauInspect: { policy: SecurityPolicy; dns: boolean } }).preauInspect;
  const port = parentPort!;
  let nextDns = 1;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  const resolver: DnsResolver | undefined = dns
    ? (name, rrtype) =>
        new Promise((resolve, reject) => {
          const id = nextDns++;
          waiting.set(id, { resolve, reject });
          port.postMessage({ kind: 'dns', id, name, rrtype } satisfies FromWorker);
        })
    : undefined;
  port.on('message', (m: ToWorker) => {
    if (m.kind === 'dns') {
      const w = waiting.get(m.id);
      waiting.delete(m.id);
      if (!w) return;
      if (m.error) w.reject(Object.assign(new Error(m.error.message), m.error.code ? { code: m.error.code } : {}));
      else w.resolve(m.value);
      return;
    }
    const input = { ...m.input, raw: Buffer.from(m.input.raw.buffer, m.input.raw.byteOffset, m.input.raw.byteLength) };
    inspectCore(input, policy, resolver).then(
      (result) => {
        const bytes = new Uint8Array(result.raw);
        port.postMessage({ kind: 'done', id: m.id, result: { ...result, raw: bytes as Buffer } } satisfies FromWorker, [bytes.buffer]);
      },
      (e: unknown) => port.postMessage({ kind: 'failed', id: m.id, message: String((e as Error)?.message ?? e) } satisfies FromWorker),
    );
  });
  port.postMessage({ kind: 'ready' } satisfies FromWorker);
}
