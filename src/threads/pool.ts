/**
 * A small pool of worker threads for request/answer work (inbound inspection, durable blob writes).
 * Workers start on the first request or on `whenReady`; a request goes to the least busy started
 * worker, or is refused (`submit` gives null) so that the caller does the work on the event loop
 * instead of waiting: while the workers load, when every one already has `maxQueue` requests, or
 * when all have died. A worker that dies is not replaced; its pending requests reject with
 * ThreadGone, which callers answer by doing the work themselves.
 *
 * Messages: main → worker `{ id, req }`; worker → main `{ ready: true }`, `{ id, ok }`,
 * `{ id, error: { message, code } }`, or anything else (given to `onMessage`, e.g. DNS questions).
 */
import { Worker, parentPort } from 'node:worker_threads';

export class ThreadGone extends Error {
  readonly code = 'PREAU_THREAD_GONE';
  constructor() {
    super('worker thread stopped');
  }
}

export interface ThreadPool<Req, Res> {
  submit(req: Req, transfer?: ArrayBuffer[], maxQueue?: number): Promise<Res> | null;
  /** The live workers (tests). */
  threads(): Worker[];
  /** Start the workers if needed; resolves once every one has loaded. */
  whenReady(): Promise<void>;
  close(): Promise<void>;
}

type Answer = { ready: true } | { id: number; ok: unknown } | { id: number; error: { message: string; code?: string } };

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (r: never) => void; reject: (e: Error) => void }>;
  ready: boolean;
  dead: boolean;
}

export function createThreadPool<Req, Res>(opts: { url: URL; workerData: unknown; size: number; onMessage?: (worker: Worker, m: unknown) => void }): ThreadPool<Req, Res> {
  let slots: Slot[] | null = null;
  let nextId = 1;
  let closed = false;
  const start = (): Slot[] =>
    Array.from({ length: opts.size }, () => {
      const worker = new Worker(opts.url, { workerData: opts.workerData });
      worker.unref();
      const slot: Slot = { worker, pending: new Map(), ready: false, dead: false };
      worker.on('message', (m: Answer) => {
        if ('ready' in m) return void (slot.ready = true);
        const p = typeof (m as { id?: unknown }).id === 'number' ? slot.pending.get(m.id) : undefined;
        if (!p || !('ok' in m || 'error' in m)) return void opts.onMessage?.(worker, m);
        slot.pending.delete(m.id);
        if ('ok' in m) p.resolve(m.ok as never);
        else p.reject(Object.assign(new Error(m.error.message), m.error.code ? { code: m.error.code } : {}));
      });
      const die = () => {
        if (slot.dead) return;
        slot.dead = true;
        for (const p of slot.pending.values()) p.reject(new ThreadGone());
        slot.pending.clear();
      };
      worker.on('error', die);
      worker.on('exit', die);
      return slot;
    });
  return {
    submit(req, transfer = [], maxQueue = Infinity) {
      if (closed || opts.size <= 0) return null;
      slots ??= start();
      let best: Slot | null = null;
      for (const s of slots) if (s.ready && !s.dead && (!best || s.pending.size < best.pending.size)) best = s;
      if (!best || best.pending.size >= maxQueue) return null;
      const slot = best;
      return new Promise<Res>((resolve, reject) => {
        const id = nextId++;
        slot.pending.set(id, { resolve: resolve as (r: never) => void, reject });
        slot.worker.postMessage({ id, req }, transfer);
      });
    },
    threads: () => (slots ?? []).filter((s) => !s.dead).map((s) => s.worker),
    async whenReady() {
      if (closed || opts.size <= 0) return;
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

/**
 * Worker side: answer each `{ id, req }` with `handle`'s result (and the buffers to transfer), or
 * its error; other messages go to `onMessage`. Says `ready` once listening.
 */
export function serveRequests<Req, Res>(handle: (req: Req) => Promise<{ result: Res; transfer?: ArrayBuffer[] }>, onMessage?: (m: unknown) => void): void {
  const port = parentPort!;
  port.on('message', (m: { id?: number; req?: Req }) => {
    if (typeof m?.id !== 'number' || !('req' in m)) return void onMessage?.(m);
    const id = m.id;
    handle(m.req as Req).then(
      ({ result, transfer }) => port.postMessage({ id, ok: result } satisfies Answer, transfer ?? []),
      (e: unknown) => port.postMessage({ id, error: { message: String((e as Error)?.message ?? e), code: (e as { code?: string })?.code } } satisfies Answer),
    );
  });
  port.postMessage({ ready: true } satisfies Answer);
}
