/**
 * Durable blob writes on worker threads. A durable write is eight file-system calls (open, write,
 * fsync, close, mkdir, rename, open directory, fsync it); done with promises on the event loop,
 * each one was a thread-pool round trip with its callbacks, about half a millisecond of event-loop
 * time per delivered message. A worker makes the same calls synchronously, in the same order
 * (temp file, fsync, rename, directory fsync: FsBlobStore's guarantee), and hashes the bytes too;
 * the event loop only hands over the bytes and gets the address back.
 * A worker that dies is not replaced: its pending and later writes run on the event loop.
 */
import { isMainThread, workerData, type Worker } from 'node:worker_threads';
import { createThreadPool, serveRequests } from '../threads/pool.ts';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface BlobWriters {
  /** Write `data` durably; resolves to its SHA-256 (hex), or null when no worker can take it. A
   *  worker that dies first rejects with ThreadGone (src/threads/pool.ts): write it here then. */
  put(data: Buffer): Promise<string> | null;
  /** The live workers (tests). */
  threads(): Worker[];
  /** Start the workers if needed; resolves once every one runs. */
  whenReady(): Promise<void>;
  close(): Promise<void>;
}

export function startBlobWriters(root: string, tmp: string, size: number): BlobWriters {
  const pool = createThreadPool<Uint8Array, string>({ url: new URL(import.meta.url), workerData: { preauBlobWriter: { root, tmp } }, size });
  return {
    put(data) {
      // Exactly the message's bytes, transferred (a Buffer may be a view of a larger pool).
      const bytes = new Uint8Array(data);
      return pool.submit(bytes, [bytes.buffer]);
    },
    threads: () => pool.threads(),
    whenReady: () => pool.whenReady(),
    close: () => pool.close(),
  };
}

// The worker: hash, then temp file, fsync, rename into place, directory fsync, all synchronous.
if (!isMainThread && (workerData as { preauBlobWriter?: unknown } | null)?.preauBlobWriter) {
  const { root, tmp } = (workerData as { preauBlobWriter: { root: string; tmp: string } }).preauBlobWriter;
  const made = new Set<string>();
  serveRequests<Uint8Array, string>(async (bytes) => {
    const tmpPath = join(tmp, `${Date.now()}-${randomBytes(8).toString('hex')}`);
    try {
      const hash = createHash('sha256').update(bytes).digest('hex');
      const fd = openSync(tmpPath, 'wx');
      try {
        for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
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
      return { result: hash };
    } catch (e) {
      // Nothing half-written stays behind in tmp/.
      rmSync(tmpPath, { force: true });
      throw e;
    }
  });
}
