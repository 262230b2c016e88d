/** Result references: JSON Pointer with "*" over arrays, resolved against earlier responses. RFC 8620 §3.7, RFC 6901. */
import { MethodError } from './errors.ts';

export interface ResultReference {
  resultOf: string;
  name: string;
  path: string;
}

function isRef(v: unknown): v is ResultReference {
  return !!v && typeof v === 'object' && typeof (v as ResultReference).resultOf === 'string' && typeof (v as ResultReference).name === 'string' && typeof (v as ResultReference).path === 'string';
}

/** Evaluate a JMAP pointer (RFC 8620 §3.7: "*" maps over an array and flattens arrays). */
export function evaluatePointer(value: unknown, path: string): unknown {
  if (path === '') return value;
  if (!path.startsWith('/')) throw new MethodError('invalidResultReference', `bad path ${path}`);
  // Limit: pointers have at most 32 segments.
  const tokens = path.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (tokens.length > 32) throw new MethodError('invalidResultReference', 'path too deep');
  const walk = (v: unknown, i: number): unknown => {
    if (i === tokens.length) return v;
    const t = tokens[i];
    if (Array.isArray(v)) {
      if (t === '*') {
        const out: unknown[] = [];
        for (const item of v) {
          const r = walk(item, i + 1);
          if (Array.isArray(r)) out.push(...r);
          else out.push(r);
        }
        return out;
      }
      if (!/^(0|[1-9][0-9]*)$/.test(t) || Number(t) >= v.length) throw new MethodError('invalidResultReference', `no item ${t} at ${path}`);
      return walk(v[Number(t)], i + 1);
    }
    if (v && typeof v === 'object' && Object.prototype.hasOwnProperty.call(v, t)) return walk((v as Record<string, unknown>)[t], i + 1);
    throw new MethodError('invalidResultReference', `path ${path} not found`);
  };
  return walk(value, 0);
}

/** Replace every "#name" argument by the value it references (RFC 8620 §3.7). */
export function resolveReferences(args: Record<string, unknown>, responses: [string, Record<string, unknown>, string][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) {
    if (!k.startsWith('#')) continue;
    const plain = k.slice(1);
    if (Object.prototype.hasOwnProperty.call(args, plain)) throw new MethodError('invalidArguments', `both ${plain} and #${plain} given`);
    if (!isRef(v)) throw new MethodError('invalidResultReference', `#${plain} is not a ResultReference`);
    const prev = responses.find((r) => r[2] === v.resultOf);
    if (!prev || prev[0] !== v.name) throw new MethodError('invalidResultReference', `no ${v.name} response with call id ${v.resultOf}`);
    out[plain] = evaluatePointer(prev[1], v.path);
  }
  for (const [k, v] of Object.entries(args)) if (!k.startsWith('#')) out[k] = v;
  return out;
}
