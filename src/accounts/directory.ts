/** Staff directory: accent-insensitive search of a domain's active accounts and groups (recipient autocompletion). */
import { sql } from 'kysely';
import type { Store } from '../store/store.ts';
import type { DomainId } from '../store/ids.ts';
import { foldForSearch } from '../mail/fold.ts';

export interface DirectoryPerson {
  kind: 'person';
  name: string;
  email: string;
  /** Function and school, e.g. "Professeure de lettres, collège Jean-Moulin" (accounts.title). */
  title: string;
}

export interface DirectoryGroup {
  kind: 'group';
  id: number;
  name: string;
  /** The group's own address, or null: then mail goes to each member's address. */
  email: string | null;
  /** Active members. */
  members: number;
  description: string;
}

export type DirectoryEntry = DirectoryPerson | DirectoryGroup;

// Limit: the query is cut to 100 characters and 5 words; each word to 64 characters.
const MAX_QUERY = 100;
const MAX_TOKENS = 5;
const MAX_TOKEN = 64;
// Limit: rows read from the database per search before the exact (folded) filter in JS. The SQL
// filter is a superset of the exact one, so only a query matching more than this many rows can
// miss some (the ones after it in alphabetical order).
const MAX_CANDIDATES = 1000;
const MAX_GROUP_CANDIDATES = 200;
// Limit: members listed for one group.
export const MAX_GROUP_MEMBERS = 2000;

/** The folded words of a query ("Élodie  LEF" → ["elodie", "lef"]). */
export function queryTokens(q: string): string[] {
  return foldForSearch(q.slice(0, MAX_QUERY))
    .split(/[\s,;]+/)
    .filter(Boolean)
    .slice(0, MAX_TOKENS)
    .map((t) => t.slice(0, MAX_TOKEN));
}

const ACCENTABLE = new Set('aceinouy');

/**
 * A LIKE pattern (escape `\`) that every stored spelling of a folded word matches, whatever its
 * accents or case, on SQLite (whose lower() folds ASCII only) and PostgreSQL alike: letters that
 * have accented forms become `_`, the ligature spellings oe/ae/ss (œ æ ß) become `_%`, and
 * anything not ASCII becomes `_`. It may match more than the word; the caller filters exactly.
 */
export function likePattern(token: string): string {
  let out = '%';
  for (let i = 0; i < token.length; i++) {
    const c = token[i];
    const two = token.slice(i, i + 2);
    if (two === 'oe' || two === 'ae' || two === 'ss') {
      out += '_%';
      i++;
    } else if (ACCENTABLE.has(c)) out += '_';
    else if (c === '%' || c === '_' || c === '\\') out += '\\' + c;
    else if (c.charCodeAt(0) < 0x80) out += c;
    else out += '_';
  }
  return out + '%';
}

/** 0: a word of the name starts with every token; 1: some token only starts a word elsewhere; 2: substring. */
function rank(tokens: string[], nameText: string, otherText: string): number {
  let worst = 0;
  const nameWords = nameText.split(/[^\p{L}\p{N}]+/u);
  const otherWords = otherText.split(/[^\p{L}\p{N}]+/u);
  for (const t of tokens) {
    const first = t.split(/[^\p{L}\p{N}]+/u)[0] ?? t;
    if (nameWords.some((w) => w.startsWith(first))) continue;
    worst = Math.max(worst, otherWords.some((w) => w.startsWith(first)) ? 1 : 2);
  }
  return worst;
}

const matchesAll = (tokens: string[], text: string) => tokens.every((t) => text.includes(t));
const collator = new Intl.Collator('fr', { sensitivity: 'base' });

/**
 * Search the active accounts and the groups of one domain by name, address, function and school
 * (accounts.title), ignoring case and accents ("lefevre" finds "Lefèvre"). People and groups
 * are ranked together (name prefix first, then alphabetical) and cut to `limit`.
 */
export async function searchDirectory(store: Store, domainId: DomainId, q: string, limit: number): Promise<DirectoryEntry[]> {
  const tokens = queryTokens(q);
  if (!tokens.length || limit <= 0) return [];
  const patterns = tokens.map(likePattern);
  const hay = sql<string>`lower(accounts.display_name || ' ' || accounts.local_part || '@' || domains.name || ' ' || accounts.title)`;
  const rows = await store.db
    .selectFrom('accounts')
    .innerJoin('domains', 'domains.id', 'accounts.domain_id')
    .select(['accounts.display_name', 'accounts.first_name', 'accounts.last_name', 'accounts.local_part', 'accounts.title', 'domains.name as domain'])
    .where('accounts.domain_id', '=', domainId)
    .where('accounts.status', '=', 'active')
    .where((eb) => eb.and(patterns.map((p) => eb(hay, 'like', sql<string>`${p} escape '\\'`))))
    .orderBy('accounts.last_name')
    .orderBy('accounts.first_name')
    .orderBy('accounts.id')
    .limit(MAX_CANDIDATES)
    .execute();
  const scored: { entry: DirectoryEntry; score: number; sort: string }[] = [];
  for (const r of rows) {
    const email = `${r.local_part}@${r.domain}`;
    const name = foldForSearch(`${r.display_name} ${r.first_name} ${r.last_name}`);
    const other = foldForSearch(`${email} ${r.title}`);
    if (!matchesAll(tokens, `${name} ${other}`)) continue;
    scored.push({ entry: { kind: 'person', name: r.display_name || email, email, title: r.title }, score: rank(tokens, name, other), sort: `${r.last_name} ${r.first_name}` });
  }
  for (const g of await searchGroups(store, domainId, tokens, patterns)) {
    const name = foldForSearch(g.name);
    scored.push({ entry: g, score: rank(tokens, name, foldForSearch(`${g.email ?? ''} ${g.description}`)), sort: g.name });
  }
  scored.sort((a, b) => a.score - b.score || collator.compare(a.sort, b.sort));
  return scored.slice(0, limit).map((s) => s.entry);
}

async function searchGroups(store: Store, domainId: DomainId, tokens: string[], patterns: string[]): Promise<DirectoryGroup[]> {
  const hay = sql<string>`lower(groups.name || ' ' || coalesce(groups.address, '') || ' ' || groups.description)`;
  const rows = await store.db
    .selectFrom('groups')
    .select(['id', 'name', 'address', 'description'])
    .where('domain_id', '=', domainId)
    .where((eb) => eb.and(patterns.map((p) => eb(hay, 'like', sql<string>`${p} escape '\\'`))))
    .orderBy('name')
    .limit(MAX_GROUP_CANDIDATES)
    .execute();
  const hits = rows.filter((g) => matchesAll(tokens, foldForSearch(`${g.name} ${g.address ?? ''} ${g.description}`)));
  if (!hits.length) return [];
  const counts = await store.db
    .selectFrom('group_members')
    .innerJoin('accounts', 'accounts.id', 'group_members.account_id')
    .select((eb) => ['group_members.group_id', eb.fn.countAll<number>().as('n')])
    .where('group_members.group_id', 'in', hits.map((g) => Number(g.id)))
    .where('accounts.status', '=', 'active')
    .groupBy('group_members.group_id')
    .execute();
  const n = new Map(counts.map((c) => [Number(c.group_id), Number(c.n)]));
  return hits.map((g) => ({ kind: 'group', id: Number(g.id), name: g.name, email: g.address, members: n.get(Number(g.id)) ?? 0, description: g.description }));
}

/** A group of this domain with its active members (for a group without an address), or null. */
export async function directoryGroup(store: Store, domainId: DomainId, groupId: number): Promise<{ group: DirectoryGroup; members: DirectoryPerson[] } | null> {
  const g = await store.db.selectFrom('groups').select(['id', 'name', 'address', 'description']).where('id', '=', groupId).where('domain_id', '=', domainId).executeTakeFirst();
  if (!g) return null;
  const rows = await store.db
    .selectFrom('group_members')
    .innerJoin('accounts', 'accounts.id', 'group_members.account_id')
    .innerJoin('domains', 'domains.id', 'accounts.domain_id')
    .select(['accounts.display_name', 'accounts.local_part', 'accounts.title', 'domains.name as domain'])
    .where('group_members.group_id', '=', groupId)
    .where('accounts.status', '=', 'active')
    .orderBy('accounts.last_name')
    .orderBy('accounts.first_name')
    .limit(MAX_GROUP_MEMBERS)
    .execute();
  const members: DirectoryPerson[] = rows.map((r) => {
    const email = `${r.local_part}@${r.domain}`;
    return { kind: 'person', name: r.display_name || email, email, title: r.title };
  });
  return { group: { kind: 'group', id: Number(g.id), name: g.name, email: g.address, members: members.length, description: g.description }, members };
}

/** The domain an account belongs to (its institution's directory), or null for an unknown account. */
export async function accountDomainId(store: Store, accountId: number): Promise<DomainId | null> {
  const r = await store.db.selectFrom('accounts').select('domain_id').where('id', '=', accountId).executeTakeFirst();
  return r ? (Number(r.domain_id) as DomainId) : null;
}
