/** FsBlobStore.put: content-addressed, concurrent writers, no temp file left behind on failure. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsBlobStore } from './fs-blob-store.ts';

// Both ways of writing: on the event loop, and on writer threads (blob-writers.ts).
for (const writers of [0, 2]) {
  const mode = writers ? 'writer threads' : 'event loop';
  test(`put stores each blob under its SHA-256, concurrently, and leaves no temp file (${mode})`, async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'preau-blob-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const store = new FsBlobStore(root, { writers });
  t.after(() => store.close());
  await store.whenReady();
  const datas = Array.from({ length: 40 }, (_, i) => Buffer.from(`message ${i}\r\n`.repeat(1000 + i)));
  const got = await Promise.all([...datas, datas[0]].map((d) => store.put(d)));
  for (const [i, d] of datas.entries()) {
    assert.equal(got[i].id, createHash('sha256').update(d).digest('hex'));
    assert.equal(got[i].size, d.length);
    assert.deepEqual(readFileSync(store.path(got[i].id)), d);
  }
  assert.equal(got[40].id, got[0].id);
  assert.deepEqual(readdirSync(store.tmp), []);
});

  test(`a failing placement rejects (never a false success) and removes its temp file (${mode})`, async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'preau-blob-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const store = new FsBlobStore(root, { writers });
  t.after(() => store.close());
  await store.whenReady();
  const data = Buffer.from('x');
  const id = createHash('sha256').update(data).digest('hex');
  // A file where the blob's directory should be: mkdir fails.
  writeFileSync(join(root, id.slice(0, 2)), 'not a directory');
  await assert.rejects(store.put(data), { code: 'ENOTDIR' });
  assert.deepEqual(readdirSync(store.tmp), []);
  const ok = await store.put(Buffer.from('y'));
  assert.deepEqual(readFileSync(store.path(ok.id)), Buffer.from('y'));
});

}

test('writes queued to a writer thread that dies are done on the event loop, and later ones too', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'preau-blob-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const store = new FsBlobStore(root, { writers: 1 });
  t.after(() => store.close());
  await store.whenReady();
  await store.put(Buffer.from('first'));
  assert.equal(store.writerThreads().length, 1);
  const datas = Array.from({ length: 10 }, (_, i) => Buffer.from(`queued ${i}`.repeat(2000)));
  const pending = datas.map((d) => store.put(d));
  await Promise.all(store.writerThreads().map((w) => w.terminate()));
  const got = await Promise.all(pending);
  for (const [i, d] of datas.entries()) assert.deepEqual(readFileSync(store.path(got[i]!.id)), d);
  const later = await store.put(Buffer.from('later'));
  assert.deepEqual(readFileSync(store.path(later.id)), Buffer.from('later'));
  assert.equal(store.writerThreads().length, 0);
});
