/** File-system BlobStore: temp file, fsync, rename, directory fsync (durable before the referencing commit). */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { open, rename, rm, stat, readdir, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable, type Readable } from 'node:stream';
import type { BlobId } from '../store/ids.ts';
import type { Worker } from 'node:worker_threads';
import type { BlobStore, BlobWriter } from './blob-store.ts';
import { startBlobWriters, type BlobWriters } from './blob-writers.ts';
import { ThreadGone } from '../threads/pool.ts';

export class FsBlobStore implements BlobStore {
  readonly root: string;
  readonly tmp: string;
  #dirsMade = new Set<string>();
  #writers: BlobWriters | null;

  /** `writers`: worker threads for `put` (blob-writers.ts); 0 writes on the event loop. */
  constructor(root: string, opts: { writers?: number } = {}) {
    this.root = root;
    this.tmp = join(root, 'tmp');
    mkdirSync(this.tmp, { recursive: true });
    this.#writers = opts.writers ? startBlobWriters(this.root, this.tmp, opts.writers) : null;
  }

  /** The writer threads (tests). */
  writerThreads(): Worker[] {
    return this.#writers?.threads() ?? [];
  }

  /** Resolves once the writer threads run. */
  async whenReady(): Promise<void> {
    await this.#writers?.whenReady();
  }

  async close(): Promise<void> {
    await this.#writers?.close();
    this.#writers = null;
  }

  path(id: BlobId): string {
    if (!/^[0-9a-f]{64}$/.test(id)) throw new Error('invalid blob id');
    return join(this.root, id.slice(0, 2), id.slice(2, 4), id);
  }

  createWriter(): BlobWriter {
    const tmpPath = join(this.tmp, `${Date.now()}-${randomBytes(8).toString('hex')}`);
    const hash = createHash('sha256');
    let size = 0;
    const file = createWriteStream(tmpPath, { flags: 'wx' });
    const stream = new Writable({
      write(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        size += chunk.length;
        file.write(chunk, cb);
      },
      final(cb) {
        file.end(cb);
      },
    });
    const closed = new Promise<void>((resolve, reject) => {
      file.once('close', resolve);
      file.once('error', reject);
    });
    return {
      stream,
      finish: async () => {
        if (!stream.writableEnded) stream.end();
        await closed;
        const id = hash.digest('hex') as BlobId;
        await this.#publish(tmpPath, id);
        return { id, size };
      },
      abort: async () => {
        stream.destroy();
        file.destroy();
        await rm(tmpPath, { force: true });
      },
    };
  }

  async put(data: Buffer): Promise<{ id: BlobId; size: number }> {
    const viaWorker = this.#writers?.put(data);
    if (viaWorker) {
      try {
        return { id: (await viaWorker) as BlobId, size: data.length };
      } catch (e) {
        // A worker that died before answering: write here instead (the bytes are still ours).
        if (!(e instanceof ThreadGone)) throw e;
      }
    }
    const id = createHash('sha256').update(data).digest('hex') as BlobId;
    const tmpPath = join(this.tmp, `${Date.now()}-${randomBytes(8).toString('hex')}`);
    // One open for write + fsync + close: the fewest thread-pool round trips per delivery.
    const fh = await open(tmpPath, 'wx');
    try {
      try {
        await fh.writeFile(data);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await this.#place(tmpPath, id);
    } catch (e) {
      // Nothing half-written stays behind in tmp/ (the caller sees the error, nothing is acknowledged).
      await rm(tmpPath, { force: true });
      throw e;
    }
    return { id, size: data.length };
  }

  /** fsync the temp file, then place it (createWriter path). */
  async #publish(tmpPath: string, id: BlobId): Promise<void> {
    const fh = await open(tmpPath, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await this.#place(tmpPath, id);
  }

  /** Rename the synced temp file into place and fsync the directory. Renaming over an existing
   *  blob is harmless: same address, same bytes. */
  async #place(tmpPath: string, id: BlobId): Promise<void> {
    const dir = join(this.root, id.slice(0, 2), id.slice(2, 4));
    if (!this.#dirsMade.has(dir)) {
      await mkdir(dir, { recursive: true });
      this.#dirsMade.add(dir);
    }
    await rename(tmpPath, this.path(id));
    await this.#syncDir(dir);
  }

  #dirSyncs = new Map<string, Promise<void>>();

  /** fsync a directory; callers that arrive while one is running share the next one. */
  async #syncDir(dir: string): Promise<void> {
    const running = this.#dirSyncs.get(dir);
    if (running) await running.catch(() => {});
    let p = this.#dirSyncs.get(dir);
    if (!p) {
      p = (async () => {
        const dh = await open(dir, 'r');
        try {
          await dh.sync();
        } finally {
          await dh.close();
        }
      })().finally(() => this.#dirSyncs.delete(dir));
      this.#dirSyncs.set(dir, p);
    }
    await p;
  }

  read(id: BlobId, range?: { start: number; end: number }): Readable {
    // `end` is exclusive here; fs streams take an inclusive end.
    if (range && range.end <= range.start) return createReadStream(this.path(id), { start: 0, end: -1 });
    return createReadStream(this.path(id), range ? { start: range.start, end: range.end - 1 } : undefined);
  }

  async get(id: BlobId, range?: { start: number; end: number }): Promise<Buffer> {
    if (!range) return readFile(this.path(id));
    const len = Math.max(0, range.end - range.start);
    const buf = Buffer.alloc(len);
    if (len === 0) return buf;
    const fh = await open(this.path(id), 'r');
    try {
      const { bytesRead } = await fh.read(buf, 0, len, range.start);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  }

  async exists(id: BlobId): Promise<boolean> {
    try {
      await stat(this.path(id));
      return true;
    } catch {
      return false;
    }
  }

  async delete(id: BlobId, opts: { olderThanMs?: number } = {}): Promise<void> {
    if (opts.olderThanMs !== undefined) {
      const s = await stat(this.path(id)).catch(() => null);
      if (!s || s.mtimeMs > Date.now() - opts.olderThanMs) return;
    }
    await rm(this.path(id), { force: true });
  }

  async *list(olderThanMs: number): AsyncIterable<BlobId> {
    const cutoff = Date.now() - olderThanMs;
    for (const a of await readdir(this.root).catch(() => [] as string[])) {
      if (!/^[0-9a-f]{2}$/.test(a)) continue;
      for (const b of await readdir(join(this.root, a)).catch(() => [] as string[])) {
        for (const f of await readdir(join(this.root, a, b)).catch(() => [] as string[])) {
          const s = await stat(join(this.root, a, b, f)).catch(() => null);
          if (s && s.mtimeMs < cutoff) yield f as BlobId;
        }
      }
    }
  }
}
