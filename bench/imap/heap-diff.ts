/** bench/imap/heap-diff: what grew between two V8 heap snapshots (e.g. written by
 *  memory-probe.ts with SNAPSHOT_DIR), by node type and constructor name: count and self size.
 *  Run: node_modules/.bin/node bench/imap/heap-diff.ts before.heapsnapshot after.heapsnapshot [per=N] */
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

function summarize(path: string): Map<string, { count: number; size: number }> {
  const s = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  const f = s.snapshot.meta.node_fields;
  const width = f.length;
  const iType = f.indexOf('type');
  const iName = f.indexOf('name');
  const iSize = f.indexOf('self_size');
  const types = s.snapshot.meta.node_types[0];
  const out = new Map<string, { count: number; size: number }>();
  for (let i = 0; i < s.nodes.length; i += width) {
    const type = types[s.nodes[i + iType]!]!;
    let name = s.strings[s.nodes[i + iName]!]!;
    // Strings and code are grouped by type only; objects and closures by constructor / function name.
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string' || type === 'number' || type === 'code') name = '';
    else if (name.length > 60) name = `${name.slice(0, 60)}…`;
    const k = `${type}\t${name}`;
    const e = out.get(k) ?? { count: 0, size: 0 };
    e.count++;
    e.size += s.nodes[i + iSize]!;
    out.set(k, e);
  }
  return out;
}

const [a, b, perArg] = process.argv.slice(2);
if (!a || !b) throw new Error('usage: heap-diff.ts before.heapsnapshot after.heapsnapshot [per=N]');
const per = perArg?.startsWith('per=') ? Number(perArg.slice(4)) : 1;
const before = summarize(a);
const after = summarize(b);
const rows: { k: string; count: number; size: number }[] = [];
for (const [k, v] of after) {
  const o = before.get(k) ?? { count: 0, size: 0 };
  if (v.size !== o.size || v.count !== o.count) rows.push({ k, count: v.count - o.count, size: v.size - o.size });
}
for (const [k, o] of before) if (!after.has(k)) rows.push({ k, count: -o.count, size: -o.size });
rows.sort((x, y) => y.size - x.size);
const total = rows.reduce((t, r) => t + r.size, 0);
console.log(`total self size delta ${total} bytes${per > 1 ? ` (${(total / per).toFixed(0)} per unit)` : ''}`);
console.log('bytes/unit\tcount/unit\ttype\tname');
for (const r of rows.slice(0, 40)) console.log(`${(r.size / per).toFixed(1)}\t${(r.count / per).toFixed(2)}\t${r.k}`);
