/** Recipient autocompletion: addresses already used (sent mail and recent senders) and the staff directory. */
import type { Jmap } from '../api/jmap.ts';
import { HttpError } from '../api/http.ts';
import { groupMembers, searchDirectory, type DirectoryEntry, type DirectoryGroup, type DirectoryPerson } from '../api/directory.ts';
import type { Address } from '../mail/data.ts';

let cache: Promise<Address[]> | null = null;

export function recentAddresses(jmap: Jmap): Promise<Address[]> {
  cache ??= (async () => {
    const r = await jmap.call([
      ['Email/query', { accountId: jmap.accountId, sort: [{ property: 'receivedAt', isAscending: false }], limit: 300 }, 'q'],
      ['Email/get', { accountId: jmap.accountId, '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' }, properties: ['from', 'to', 'cc'] }, 'g'],
    ]);
    const g = r.get('g');
    const seen = new Map<string, Address>();
    for (const e of (g?.list ?? []) as { from: Address[] | null; to: Address[] | null; cc: Address[] | null }[]) {
      for (const a of [...(e.from ?? []), ...(e.to ?? []), ...(e.cc ?? [])]) {
        const k = a.email.toLowerCase();
        if (!seen.has(k) || (!seen.get(k)!.name && a.name)) seen.set(k, a);
      }
    }
    return [...seen.values()];
  })().catch(() => []);
  return cache;
}

// ---- Staff directory, merged with the addresses already used ----

/** What the recipient field offers: an address already used, a colleague, or a group. */
export type Suggestion =
  | { kind: 'recent'; name: string | null; email: string }
  | DirectoryPerson
  | DirectoryGroup;

/** Case and accent folding, the same as the server's (src/mail/fold.ts foldForSearch). */
export function fold(s: string): string {
  const special: Record<string, string> = { œ: 'oe', æ: 'ae', ß: 'ss', ø: 'o' };
  return s.toLowerCase().replace(/[œæßø]/g, (c) => special[c] ?? c).normalize('NFD').replace(/\p{M}+/gu, '');
}

/** Addresses already used whose name or address contains every word of `q` (accents ignored). */
export function matchRecent(recent: Address[], q: string, max = 8): Suggestion[] {
  const words = fold(q).split(/\s+/).filter(Boolean);
  if (!words.length) return [];
  const out: Suggestion[] = [];
  for (const a of recent) {
    const hay = fold(`${a.name ?? ''} ${a.email}`);
    if (words.every((w) => hay.includes(w))) out.push({ kind: 'recent', name: a.name ?? null, email: a.email });
    if (out.length >= max) break;
  }
  return out;
}

/** Does a directory entry (an answer for a shorter query, still on screen) match every word of `q`? */
export function entryMatches(e: DirectoryEntry, q: string): boolean {
  const hay = fold(e.kind === 'group' ? `${e.name} ${e.email ?? ''} ${e.description}` : `${e.name} ${e.email} ${e.title}`);
  return fold(q).split(/\s+/).filter(Boolean).every((w) => hay.includes(w));
}

/**
 * One list: colleagues already written to first, then the other directory entries in the
 * server's order, then addresses already used that the directory does not know (external ones);
 * addresses already chosen (`taken`, lower case) are left out, each address appears once.
 */
export function mergeSuggestions(directory: DirectoryEntry[], recent: Suggestion[], taken: Set<string>, max = 10): Suggestion[] {
  const used = new Set(recent.map((r) => r.email?.toLowerCase()));
  const seen = new Set<string>();
  const keep = (s: Suggestion) => {
    const k = s.kind === 'group' ? `group:${s.id}` : s.email.toLowerCase();
    if (seen.has(k) || (s.email && taken.has(s.email.toLowerCase()))) return false;
    seen.add(k);
    return true;
  };
  const people = directory.filter((d) => d.kind === 'person' && used.has(d.email.toLowerCase()));
  const rest = directory.filter((d) => !people.includes(d));
  return [...people, ...rest, ...recent].filter(keep).slice(0, max);
}

// Answers kept for a few minutes, per institution (a shared computer may see another person sign in).
const DIR_TTL_MS = 5 * 60_000;
const dirCache = new Map<string, { at: number; p: Promise<DirectoryEntry[]> }>();
let dirUnavailable = false;

/** Directory entries for a query in the directory of `scope` (the user's domain); [] when the server has none. */
export function directorySuggestions(q: string, scope: string): Promise<DirectoryEntry[]> {
  const query = fold(q).trim().replace(/\s+/g, ' ');
  if (!query || dirUnavailable) return Promise.resolve([]);
  const key = `${scope}\n${query}`;
  const hit = dirCache.get(key);
  if (hit && Date.now() - hit.at < DIR_TTL_MS) return hit.p;
  const p = searchDirectory(query, 20).catch((e: unknown) => {
    dirCache.delete(key);
    // An older server without the directory: stop asking.
    if (e instanceof HttpError && (e.status === 404 || e.status === 405)) dirUnavailable = true;
    return [];
  });
  dirCache.delete(key);
  dirCache.set(key, { at: Date.now(), p });
  // Limit: 200 answers kept (oldest dropped first).
  if (dirCache.size > 200) dirCache.delete(dirCache.keys().next().value!);
  return p;
}

/** The addresses a chosen suggestion stands for: a group without an address expands to its members. */
export async function expandSuggestion(s: Suggestion): Promise<Address[]> {
  if (s.kind !== 'group') return [{ name: s.name || null, email: s.email }];
  if (s.email) return [{ name: s.name, email: s.email }];
  return (await groupMembers(s.id)).map((m) => ({ name: m.name, email: m.email }));
}
