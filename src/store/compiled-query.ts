/** Reusable compiled Kysely statements for hot paths: build and compile once per shape, then bind new values. */
import { CompiledQuery, type Compilable, type Kysely } from 'kysely';
import type { DB } from './schema.ts';
import type { Dialect } from './migrations/types.ts';

/** node:sqlite statements prepared on the connection a SQLite write transaction holds. */
export interface DirectSqlite {
  prepare(sql: string): { readonly reader: boolean; all(parameters: ReadonlyArray<unknown>): unknown[]; run(parameters: ReadonlyArray<unknown>): unknown };
}

/** A Store (reads) or a WriteTx (inside a write): what runCompiled needs of either. */
export interface QueryTarget {
  readonly db: Kysely<DB>;
  readonly dialect: Dialect;
  /** Set inside a SQLite write transaction: statements run on its connection without Kysely's
   *  executor (its connection mutex, plugins and promise hops), the transaction being already held. */
  readonly direct?: DirectSqlite | null;
}

/** Statement values: scalars, or arrays of scalars (one placeholder per element, as in `IN (…)` or multi-row VALUES). */
export type QueryValues = Record<string, unknown>;

interface Shape {
  sql: string;
  /** Per placeholder: the value's path ("name" or "name.i"), or a constant the builder put there. */
  slots: ({ path: string } | { constant: unknown })[];
}

const shapes = new Map<string, Shape | null>();
// Limit: at most 1000 shapes are kept (the map is cleared beyond).
const MAX_SHAPES = 1000;
// Limit: shapes with at most this many array elements in all are cached (fan-out runs uncached).
const MAX_CACHED_ELEMENTS = 64;
const MARK = '\u0000preau-slot:';

/**
 * Execute `build(values)` with the SQL compiled once per (dialect, name, array lengths): the first
 * call builds the query with marker strings in place of the values to find which placeholder
 * receives which value, later calls only bind. Every value must reach the statement as a bound
 * parameter (checked when the shape is learnt); otherwise the query is run directly each time.
 * `build` must read everything that varies from `v` and make no decision on it (no tx.now, no
 * conditionals): its constants are frozen into the shape.
 */
export async function runCompiled<R>(tx: QueryTarget, name: string, values: QueryValues, build: (v: any) => Compilable<R>): Promise<R[]> {
  let elements = 0;
  let key = `${tx.dialect}:${name}`;
  let undef = false;
  for (const [k, v] of Object.entries(values)) {
    if (Array.isArray(v)) {
      elements += v.length;
      key += `:${k}=${v.length}`;
      undef ||= v.includes(undefined);
    } else undef ||= v === undefined;
  }
  // Kysely leaves out undefined columns: such a call has another shape, so it is not cached.
  if (elements > MAX_CACHED_ELEMENTS || undef) return execute<R>(tx, build(values).compile());
  let shape = shapes.get(key);
  if (shape === undefined) {
    if (shapes.size >= MAX_SHAPES) shapes.clear();
    shape = learn(values, build);
    shapes.set(key, shape);
  }
  if (shape === null) return execute<R>(tx, build(values).compile());
  const params = shape.slots.map((s) => ('constant' in s ? s.constant : valueAt(values, s.path)));
  return execute<R>(tx, CompiledQuery.raw(shape.sql, params));
}

async function execute<R>(tx: QueryTarget, q: CompiledQuery<unknown>): Promise<R[]> {
  if (!tx.direct) return (await tx.db.executeQuery(q)).rows as R[];
  const st = tx.direct.prepare(q.sql);
  if (st.reader) return st.all(q.parameters) as R[];
  st.run(q.parameters);
  return [];
}

function valueAt(values: QueryValues, path: string): unknown {
  const dot = path.indexOf('.');
  if (dot < 0) return values[path];
  return (values[path.slice(0, dot)] as unknown[])[Number(path.slice(dot + 1))];
}

function learn(values: QueryValues, build: (v: any) => Compilable<unknown>): Shape | null {
  const marked: QueryValues = {};
  for (const [k, v] of Object.entries(values)) marked[k] = Array.isArray(v) ? v.map((_, i) => `${MARK}${k}.${i}`) : `${MARK}${k}`;
  const q = build(marked).compile();
  if (q.sql.includes(MARK)) return null;
  const seen = new Set<string>();
  const slots = q.parameters.map((p) => {
    if (typeof p === 'string' && p.startsWith(MARK)) {
      const path = p.slice(MARK.length);
      seen.add(path);
      return { path };
    }
    return { constant: p };
  });
  // A marker seen nowhere (dropped or transformed by the builder) means the shape is not a pure function of the values.
  for (const [k, v] of Object.entries(values)) {
    if (Array.isArray(v) ? v.some((_, i) => !seen.has(`${k}.${i}`)) : !seen.has(k)) return null;
  }
  return { sql: q.sql, slots };
}
