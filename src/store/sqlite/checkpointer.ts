/**
 * WAL checkpoints on a worker thread. node:sqlite is synchronous, so SQLite's automatic checkpoint
 * (run by whichever commit crosses 1 000 WAL pages) wrote and fsynced the database file on the
 * event loop, stalling every connection for the length of the I/O. The main connection turns it off
 * (`PRAGMA wal_autocheckpoint=0`) and this worker, with its own connection to the same file, runs
 * `PRAGMA wal_checkpoint(PASSIVE)` shortly after commits: PASSIVE never blocks writers or readers
 * (https://www.sqlite.org/c3ref/wal_checkpoint_v2.html), and once every frame is copied the next
 * writer starts the WAL over from its beginning, so the file stays bounded.
 * If the worker fails, the main connection gets automatic checkpoints back (see `onFailure`).
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { DatabaseSync } from 'node:sqlite';

/** How long after a commit the worker waits before checkpointing (commits meanwhile share it). */
export const CHECKPOINT_DELAY_MS = 200;

export interface Checkpointer {
  /** Say that something was committed: a checkpoint follows within CHECKPOINT_DELAY_MS. */
  nudge(): void;
  /** Resolves after the next checkpoint has run (tests, shutdown). */
  checkpoint(): Promise<{ busy: number; log: number; checkpointed: number }>;
  close(): Promise<void>;
}

type Reply = { id: number; busy: number; log: number; checkpointed: number } | { id: number; error: string };

export function startCheckpointer(path: string, onFailure: (e: unknown) => void): Checkpointer {
  const worker = new Worker(new URL(import.meta.url), { workerData: { preauCheckpointer: path } });
  worker.unref();
  let nextId = 1;
  let failed = false;
  let scheduled: NodeJS.Timeout | null = null;
  const waiting = new Map<number, { resolve: (r: { busy: number; log: number; checkpointed: number }) => void; reject: (e: Error) => void }>();
  const fail = (e: unknown) => {
    if (failed) return;
    failed = true;
    for (const w of waiting.values()) w.reject(e instanceof Error ? e : new Error(String(e)));
    waiting.clear();
    onFailure(e);
  };
  worker.on('message', (m: Reply) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if ('error' in m) {
      w?.reject(new Error(m.error));
      fail(new Error(m.error));
    } else w?.resolve(m);
  });
  worker.on('error', fail);
  worker.on('exit', (code) => {
    if (code !== 0) fail(new Error(`checkpointer exited with code ${code}`));
  });
  const request = () =>
    new Promise<{ busy: number; log: number; checkpointed: number }>((resolve, reject) => {
      if (failed) return reject(new Error('checkpointer stopped'));
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      worker.postMessage({ id });
    });
  return {
    nudge() {
      if (scheduled || failed) return;
      scheduled = setTimeout(() => {
        scheduled = null;
        request().catch(() => {});
      }, CHECKPOINT_DELAY_MS);
      scheduled.unref();
    },
    checkpoint: request,
    async close() {
      if (scheduled) clearTimeout(scheduled);
      scheduled = null;
      failed = true;
      // Keep the process alive until the worker has closed its connection.
      worker.ref();
      worker.postMessage({ id: 0, stop: true });
      await new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        setTimeout(() => void worker.terminate().then(() => resolve()), 5_000).unref();
      });
    },
  };
}

// The worker: one connection, one PASSIVE checkpoint per request.
if (!isMainThread && (workerData as { preauCheckpointer?: string } | null)?.preauCheckpointer) {
  const db = new DatabaseSync((workerData as { preauCheckpointer: string }).preauCheckpointer);
  db.exec('PRAGMA busy_timeout=5000');
  const stmt = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  parentPort!.on('message', (m: { id: number; stop?: boolean }) => {
    if (m.stop) {
      db.close();
      parentPort!.close();
      return;
    }
    try {
      const row = stmt.get() as { busy: number; log: number; checkpointed: number };
      parentPort!.postMessage({ id: m.id, busy: Number(row.busy), log: Number(row.log), checkpointed: Number(row.checkpointed) });
    } catch (e) {
      parentPort!.postMessage({ id: m.id, error: (e as Error).message });
    }
  });
}
