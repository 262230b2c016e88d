/**
 * Durable blob writes on worker threads. A durable write is eight file-system calls (open, write,
 * fsync, close, mkdir, rename, open directory, fsync it); done with promises on the event loop,
 * each one was a thread-pool round trip with its callbacks, about half a millisecond of event-loop
 * time per delivered message. A worker makes the same calls synchronously, in the same order
 * (temp file, fsync, rename, directory fsync: FsBlobStore's guarantee), and hashes the bytes too;
 * the event loop only hands over the bytes and gets the address back.
 * A worker that dies is not replaced: its pending and later writes run on the event loop.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface BlobWriters {
  /** Write `data` durably; resolves to its SHA-256 (hex), or null when no worker can take it. */
  put(data: Buffer): Promise<string> | null;
  /** The live workers (tests). */
  threads(): Worker[];
  /** Start the workers if needed; resolves once every one runs (tests). */
  whenReady(): Promise<void>;
  close(): Promise<void>;
}

type Reply = { ready: true } | { id: number; hash: string } | { id: number; error: string; code?: string };

export function startBlobWriters(root: string, tmp: string, size: number): BlobWriters {
  interface Slot {
    worker: Worker;
    pending: Map<number, { resolve: (h: string) => void; reject: (e: Error) => void; retry: () => void }>;
    /** Started: until then writes happen on the event loop rather than wait. */
    ready: boolean;
    dead: boolean;
  }
  let slots: Slot[] | null = null;
  let nextId = 1;
  let closed = false;
  const start = (): Slot[] =>
    Array.from({ length: size }, () => {
      const worker = new Worker(new URL(import.meta.url), { workerData: { preauBlobWriter: { root, tmp } } });
      worker.unref();
      const slot: Slot = { worker, pending: new Map(), ready: false, dead: false };
      worker.on('message', (m: Reply) => {
        if ('ready' in m) return void (slot.ready = true);
        const p = slot.pending.get(m.id);
        slot.pending.delete(m.id);
        if (!p) return;
        if ('hash' in m) p.resolve(m.hash);
        else p.reject(Object.assign(new Error(m.error), m.code ? { code: m.code } : {}));
      });
      const die = () => {
        if (slot.dead) return;
        slot.dead = true;
        for (const p of slot.pending.values()) p.retry();
        slot.pending.clear();
      };
      worker.on('error', die);
      worker.on('exit', die);
      return slot;
    });
  return {
    put(data) {
      if (closed || size <= 0) return null;
      slots ??= start();
      let best: Slot | null = null;
      for (const s of slots) if (s.ready && !s.dead && (!best || s.pending.size < best.pending.size)) best = s;
      if (!best) return null;
      const slot = best;
      return new Promise<string>((resolve, reject) => {
        const id = nextId++;
        // Exactly the message's bytes, transferred (a Buffer may be a view of a larger pool).
        const bytes = new Uint8Array(data);
        // The caller's fallback (`retry`) runs when the worker dies before answering.
        slot.pending.set(id, { resolve, reject, retry: () => reject(Object.assign(new Error('blob writer stopped'), { code: 'PREAU_WRITER_DEAD' })) });
        slot.worker.postMessage({ id, bytes }, [bytes.buffer]);
      });
    },
    threads: () => (slots ?? []).filter((s) => !s.dead).map((s) => s.worker),
    async whenReady() {
      if (size <= 0) return;
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

// The worker: hash, then temp file, fsync, rename into place, directory fsync, all synchronous.
if (!isMainThread && (workerData as { preauBlobWriter?: unknown } | null)?.preauBlobWriter) {
  const { root, tmp } = (workerData as { preauBlobWriter: { root: string; tmp: string } }).preauBlobWriter;
  const made = new Set<string>();
  parentPort!.on('message', (m: { id: number; bytes: Uint8Array }) => {
    const tmpPath = join(tmp, `${Date.now()}-${randomBytes(8).toString('hex')}`);
    try {
      const hash = createHash('sha256').update(m.bytes).digest('hex');
      const fd = openSync(tmpPath, 'wx');
      try {
        for (let off = 0; off < m.bytes.length; ) off += writeSync(fd, m.bytes, off, m.bytes.length - off);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      const dir = join(root, hash.slice(0, 2), hash.slice(2, 4));
      if (!made.has(dir)) {
        mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      // Renaming over an existing blob is harmless: same address, same bytes.
      try {
        renameSync(tmpPath, join(dir, hash));
      } catch (e) {
        // The directory was removed meanwhile (emptied by the sweeper): make it again.
        if ((e as { code?: string }).code !== 'ENOENT') throw e;
        mkdirSync(dir, { recursive: true });
        renameSync(tmpPath, join(dir, hash));
      }
      const dfd = openSync(dir, 'r');
      try {
        fsyncSync(dfd);
      } finally {
        closeSync(dfd);
      }
      parentPort!.postMessage({ id: m.id, hash } satisfies Reply);
    } catch (e) {
      // Nothing half-written stays behind in tmp/.
      rmSync(tmpPath, { force: true });
      parentPort!.postMessage({ id: m.id, error: (e as Error).message, code: (e as { code?: string }).code } satisfies Reply);
    }
  });
  parentPort!.postMessage({ ready: true } satisfies Reply);
}
