/** Argument helpers shared by the standard /get, /changes, /query, /set methods. RFC 8620 §5.1–§5.5. */
import { MethodError } from './errors.ts';
import type { Args, CallCtx } from './types.ts';

/** Resolve "#creationId" references to ids created earlier in the request (RFC 8620 §5.3). */
export function resolveId(id: string, c: CallCtx): string {
  if (id.startsWith('#')) return c.createdIds.get(id.slice(1)) ?? id;
  return id;
}

/** `ids` of a /get call: null (all) or at most maxObjectsInGet ids (RFC 8620 §5.1). */
export function getIds(args: Args, c: CallCtx): string[] | null {
  const ids = args.ids;
  if (ids === undefined || ids === null) return null;
  if (!Array.isArray(ids) || !ids.every((x) => typeof x === 'string')) throw new MethodError('invalidArguments', 'ids must be an array of Id');
  if (ids.length > c.limits.maxObjectsInGet) throw new MethodError('requestTooLarge', `more than ${c.limits.maxObjectsInGet} ids`);
  return [...new Set(ids.map((i) => resolveId(i, c)))];
}

/** `properties`: null → defaults; unknown names → invalidArguments; "id" always returned (RFC 8620 §5.1). */
export function getProperties(args: Args, known: readonly string[], defaults: readonly string[], allow?: (p: string) => boolean): string[] {
  const p = args.properties;
  if (p === undefined || p === null) return [...new Set(['id', ...defaults])];
  if (!Array.isArray(p) || !p.every((x) => typeof x === 'string')) throw new MethodError('invalidArguments', 'properties must be an array of strings');
  for (const name of p) if (!known.includes(name) && !allow?.(name)) throw new MethodError('invalidArguments', `unknown property ${name}`);
  return [...new Set(['id', ...p])];
}

export function pick(obj: Args, props: readonly string[]): Args {
  const out: Args = {};
  for (const p of props) if (p in obj) out[p] = obj[p];
  return out;
}

/** Parse a numeric id with a one-letter prefix ("e12" → 12), null when malformed. */
export function numId(prefix: string, id: unknown): number | null {
  if (typeof id !== 'string' || id.length < 2 || id[0] !== prefix || !/^[1-9][0-9]{0,15}$/.test(id.slice(1))) return null;
  return Number(id.slice(1));
}

export function optString(args: Args, key: string): string | null {
  const v = args[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new MethodError('invalidArguments', `${key} must be a string`);
  return v;
}

export function optInt(args: Args, key: string, min = 0): number | null {
  const v = args[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw new MethodError('invalidArguments', `${key} must be an integer >= ${min}`);
  return v;
}

export function optBool(args: Args, key: string, dflt: boolean): boolean {
  const v = args[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'boolean') throw new MethodError('invalidArguments', `${key} must be a boolean`);
  return v;
}

/** A state string is the decimal modseq (RFC 8620 §1.2: opaque to the client). */
export function stateString(modseq: number): string {
  return String(modseq);
}

export function parseState(s: unknown): number | null {
  if (typeof s !== 'string' || !/^(0|[1-9][0-9]{0,15})$/.test(s)) return null;
  return Number(s);
}

/** Validate the standard /changes arguments (RFC 8620 §5.2). */
export function changesArgs(args: Args, c: CallCtx): { since: number; maxChanges: number } {
  if (typeof args.sinceState !== 'string') throw new MethodError('invalidArguments', 'sinceState is required');
  const maxChanges = optInt(args, 'maxChanges', 1) ?? c.limits.maxChanges;
  const since = parseState(args.sinceState);
  if (since === null) throw new MethodError('cannotCalculateChanges', 'unknown state');
  return { since, maxChanges: Math.min(maxChanges, c.limits.maxChanges) };
}

/** Validate the /set create/update/destroy sizes (RFC 8620 §5.3: maxObjectsInSet → requestTooLarge). */
export function setArgs(args: Args, c: CallCtx): { create: Record<string, Args>; update: Record<string, Args>; destroy: string[]; ifInState: string | null } {
  const create = args.create ?? {};
  const update = args.update ?? {};
  const destroy = args.destroy ?? [];
  if (typeof create !== 'object' || create === null || Array.isArray(create)) throw new MethodError('invalidArguments', 'create must be an object');
  if (typeof update !== 'object' || update === null || Array.isArray(update)) throw new MethodError('invalidArguments', 'update must be an object');
  if (!Array.isArray(destroy) || !destroy.every((d) => typeof d === 'string')) throw new MethodError('invalidArguments', 'destroy must be an array of Id');
  for (const v of [...Object.values(create), ...Object.values(update)]) if (!v || typeof v !== 'object' || Array.isArray(v)) throw new MethodError('invalidArguments', 'objects must be JSON objects');
  const n = Object.keys(create).length + Object.keys(update).length + destroy.length;
  if (n > c.limits.maxObjectsInSet) throw new MethodError('requestTooLarge', `more than ${c.limits.maxObjectsInSet} objects`);
  return { create: create as Record<string, Args>, update: update as Record<string, Args>, destroy: destroy.map((d) => resolveId(d, c)), ifInState: optString(args, 'ifInState') };
}

/** Query paging arguments (RFC 8620 §5.5). */
export function queryPaging(args: Args): { position: number; anchor: string | null; anchorOffset: number; limit: number | null; calculateTotal: boolean } {
  const position = args.position === undefined || args.position === null ? 0 : args.position;
  if (typeof position !== 'number' || !Number.isSafeInteger(position)) throw new MethodError('invalidArguments', 'position must be an integer');
  const anchorOffset = args.anchorOffset ?? 0;
  if (typeof anchorOffset !== 'number' || !Number.isSafeInteger(anchorOffset)) throw new MethodError('invalidArguments', 'anchorOffset must be an integer');
  return { position, anchor: optString(args, 'anchor'), anchorOffset, limit: optInt(args, 'limit', 0), calculateTotal: optBool(args, 'calculateTotal', false) };
}

/** Window a full ordered id list by position / anchor / limit (RFC 8620 §5.5). */
export function windowIds(all: string[], p: ReturnType<typeof queryPaging>, maxLimit: number): { ids: string[]; position: number; limit?: number } {
  let start: number;
  if (p.anchor !== null) {
    const i = all.indexOf(p.anchor);
    if (i < 0) throw new MethodError('anchorNotFound');
    start = Math.max(0, i + p.anchorOffset);
  } else {
    start = p.position < 0 ? Math.max(0, all.length + p.position) : p.position;
  }
  const limit = Math.min(p.limit ?? maxLimit, maxLimit);
  const out: { ids: string[]; position: number; limit?: number } = { ids: all.slice(start, start + limit), position: Math.min(start, all.length) };
  if (p.limit !== null && p.limit > maxLimit) out.limit = maxLimit;
  return out;
}
