/** `npm run bench [name…]`: runs each bench/<name>/run.ts in its own process and prints one JSON object. */
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';

const all = readdirSync('bench', { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(`bench/${d.name}/run.ts`))
  .map((d) => d.name)
  .sort();
const wanted = process.argv.slice(2);
const names = wanted.length ? all.filter((n) => wanted.includes(n)) : all;
const out: Record<string, unknown> = { machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, results: {} };
for (const name of names) {
  const r = spawnSync(process.execPath, [`bench/${name}/run.ts`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 20 * 60_000 });
  let parsed: unknown;
  try {
    parsed = JSON.parse(r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).at(-1) ?? 'null');
  } catch {
    parsed = null;
  }
  (out.results as Record<string, unknown>)[name] = parsed ?? { error: (r.stderr || r.stdout).slice(-2000), status: r.status };
}
console.log(JSON.stringify(out, null, 2));
