/**
 * Worker threads for the CPU-heavy part of inbound inspection (inspect-core.ts: DKIM hashing, SPF
 * and DMARC evaluation, MIME parsing, analyzers), so the event loop keeps to the protocol and the
 * store and a second core does the rest (src/threads/pool.ts). DNS stays on the main thread: the
 * workers ask it through their port, so every lookup goes through the one caching resolver. A
 * message is inspected inline (same code, same result) while the workers load, when two already
 * wait for each, if its worker dies, or if the worker's inspection threw.
 */
import { isMainThread, workerData, parentPort, type Worker } from 'node:worker_threads';
import type { DnsResolver } from './auth.ts';
import type { SecurityPolicy } from './policy.ts';
import { inspectCore, type CoreInput, type CoreResult } from './inspect-core.ts';
import { createThreadPool, serveRequests } from '../threads/pool.ts';

/** Messages queued to one worker beyond which the next is inspected on the main thread. */
const QUEUE_PER_WORKER = 2;

export interface InspectPool {
  run(input: CoreInput): Promise<CoreResult>;
  /** The live workers (tests). */
  threads(): Worker[];
  /** Start the workers if needed; resolves once every one has loaded. */
  whenReady(): Promise<void>;
  close(): Promise<void>;
}

/** DNS between the threads: a question from a worker, the main thread's answer. */
type DnsQuestion = { dns: number; name: string; rrtype: string };
type DnsAnswer = { dns: number; value?: unknown; error?: { message: string; code?: string } };

/** `size` workers, started with the first message (a server that receives no mail starts none). */
export function createInspectPool(opts: { policy: SecurityPolicy; resolver?: DnsResolver; size: number }): InspectPool {
  const { policy, resolver } = opts;
  const inline = (input: CoreInput) => inspectCore(input, policy, resolver);
  const pool = createThreadPool<CoreInput, CoreResult>({
    url: new URL(import.meta.url),
    workerData: { preauInspect: { policy, dns: !!resolver } },
    size: opts.size,
    onMessage: (worker, m) => {
      const q = m as DnsQuestion;
      if (typeof q.dns !== 'number' || !resolver) return;
      resolver(q.name, q.rrtype).then(
        (value) => worker.postMessage({ dns: q.dns, value } satisfies DnsAnswer),
        (e: { message?: string; code?: string }) => worker.postMessage({ dns: q.dns, error: { message: String(e?.message ?? e), code: e?.code } } satisfies DnsAnswer),
      );
    },
  });
  return {
    run(input) {
      // A copy of exactly the message's bytes, transferred (a Buffer may be a view of a larger pool).
      const bytes = new Uint8Array(input.raw);
      const p = pool.submit({ ...input, raw: bytes as Buffer }, [bytes.buffer], QUEUE_PER_WORKER);
      return p ? p.then(revive, () => inline(input)) : inline(input);
    },
    threads: () => pool.threads(),
    whenReady: () => pool.whenReady(),
    close: () => pool.close(),
  };
}

/** Buffers cross the port as Uint8Arrays: make them Buffers again. */
function revive(r: CoreResult): CoreResult {
  return { ...r, raw: Buffer.from(r.raw.buffer, r.raw.byteOffset, r.raw.byteLength) };
}

// The worker: inspect messages; DNS questions go to the main thread.
if (!isMainThread && (workerData as { preauInspect?: unknown } | null)?.preauInspect) {
  const { policy, dns } = (workerData as { preauInspect: { policy: SecurityPolicy; dns: boolean } }).preauInspect;
  let nextDns = 1;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  const resolver: DnsResolver | undefined = dns
    ? (name, rrtype) =>
        new Promise((resolve, reject) => {
          const id = nextDns++;
          waiting.set(id, { resolve, reject });
          parentPort!.postMessage({ dns: id, name, rrtype } satisfies DnsQuestion);
        })
    : undefined;
  serveRequests<CoreInput, CoreResult>(
    async (req) => {
      const result = await inspectCore({ ...req, raw: Buffer.from(req.raw.buffer, req.raw.byteOffset, req.raw.byteLength) }, policy, resolver);
      const bytes = new Uint8Array(result.raw);
      return { result: { ...result, raw: bytes as Buffer }, transfer: [bytes.buffer] };
    },
    (m) => {
      const a = m as DnsAnswer;
      const w = waiting.get(a.dns);
      waiting.delete(a.dns);
      if (!w) return;
      if (a.error) w.reject(Object.assign(new Error(a.error.message), a.error.code ? { code: a.error.code } : {}));
      else w.resolve(a.value);
    },
  );
}
