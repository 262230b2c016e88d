/** BlobStore: content-addressed (SHA-256) immutable message bytes. fs now; the interface leaves room for S3. */
import type { Readable, Writable } from 'node:stream';
import type { BlobId } from '../store/ids.ts';

export interface BlobWriter {
  /** Write the bytes here; then call `finish()` (or `abort()`). */
  readonly stream: Writable;
  /** Flushes, fsyncs and publishes the blob under its hash. Resolves when durable. */
  finish(): Promise<{ id: BlobId; size: number }>;
  abort(): Promise<void>;
}

export interface BlobStore {
  createWriter(): BlobWriter;
  put(data: Buffer): Promise<{ id: BlobId; size: number }>;
  read(id: BlobId, range?: { start: number; end: number }): Readable;
  /** Whole blob in memory; for small blobs or parsing. */
  get(id: BlobId, range?: { start: number; end: number }): Promise<Buffer>;
  exists(id: BlobId): Promise<boolean>;
  /** Delete; with `olderThanMs`, only a file older than that (a blob written again meanwhile is
   *  fresh: the sweeper must not remove it under a delivery about to commit). */
  delete(id: BlobId, opts?: { olderThanMs?: number }): Promise<void>;
  /** Ids of stored blobs whose file is older than `olderThanMs` (for the sweeper). */
  list(olderThanMs: number): AsyncIterable<BlobId>;
  /** Stop background writers, if any. */
  close?(): Promise<void>;
  /** Resolves once background writers, if any, have started. */
  whenReady?(): Promise<void>;
}
