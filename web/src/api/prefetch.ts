/**
 * Responses asked for ahead of the code that needs them (at sign-in, at page load, for the rows in
 * view), so that the first list and the first opened message need no round trip of their own.
 * Each entry is keyed by account and request; it expires, and sign-out empties the whole cache.
 */

interface Entry { at: number; ttl: number; value: Promise<unknown>; once: boolean; settled?: { value: unknown } }

const entries = new Map<string, Entry>();

/** Keep `value` under `key` for `ttl` ms; `once`: the first take() removes it. */
export function put(key: string, value: Promise<unknown>, ttl: number, once = true): void {
  const now = Date.now();
  for (const [k, e] of entries) if (now - e.at > e.ttl) entries.delete(k);
  // A failed prefetch is simply absent: the caller then asks the server itself.
  value.catch(() => { if (entries.get(key)?.value === value) entries.delete(key); });
  const entry: Entry = { at: now, ttl, value, once };
  value.then((v) => { entry.settled = { value: v }; }, () => {});
  entries.set(key, entry);
}

/** The prefetched response for `key`, or null when there is none (or it is too old). */
export function take<T>(key: string): Promise<T> | null {
  const e = entries.get(key);
  if (!e) return null;
  if (Date.now() - e.at > e.ttl) {
    entries.delete(key);
    return null;
  }
  if (e.once) entries.delete(key);
  return e.value as Promise<T>;
}

/**
 * The value of a fresh entry whose response has already arrived, without waiting (and without
 * taking a `once` entry): lets a screen render in the same frame as the click that asked for it.
 */
export function peek<T>(key: string): T | undefined {
  const e = entries.get(key);
  if (!e?.settled || e.once || Date.now() - e.at > e.ttl) return undefined;
  return e.settled.value as T;
}

/** True when `key` holds a fresh entry (without taking it). */
export function has(key: string): boolean {
  const e = entries.get(key);
  return !!e && Date.now() - e.at <= e.ttl;
}

/** Forget the entries whose key starts with `prefix` (everything without one). */
export function forget(prefix = ''): void {
  for (const k of [...entries.keys()]) if (k.startsWith(prefix)) entries.delete(k);
}
