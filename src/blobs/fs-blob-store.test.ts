/** FsBlobStore.put: content-addressed, concurrent writers, no temp file left behind on failure. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsBlobStore } from './fs-blob-store.ts';

test('put stores each blob under its SHA-256, concurrently, and leaves no temp file', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'preau-blob-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const store = new FsBlobStore(root);
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

test('a failing placement rejects (never a false success) and removes its temp file', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'preau-blob-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const store = new FsBlobStore(root);
  const data = Buffer.from('x');
  const id = createHash('sha256').update(data).digest('hex');
  // A file where the blob's directory should be: mkdir fails.
  writeFileSync(join(root, id.slice(0, 2)), 'not a directory');
  await assert.rejects(store.put(data), { code: 'ENOTDIR' });
  assert.deepEqual(readdirSync(store.tmp), []);
  const ok = await store.put(Buffer.from('y'));
  assert.deepEqual(readFileSync(store.path(ok.id)), Buffer.from('y'));
});
