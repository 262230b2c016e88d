/** One search service for IMAP SEARCH/SORT and JMAP Email/query: filter tree, sorts, threads collapse, windows. RFC 9051 §6.4.4, RFC 5256, RFC 8620 §5.5, RFC 8621 §4.4. */
import { sql, type RawBuilder } from 'kysely';
import type { Store } from '../store/store.ts';
import type { BlobStore } from '../blobs/blob-store.ts';
import type { AccountId, BlobId, EmailId, MailboxId, ThreadId, Uid } from '../store/ids.ts';
import { baseSubject, decodeWords } from '../mime/index.ts';
import { foldForSearch } from './fold.ts';
import { MailError } from './errors.ts';
import { loadMailbox } from './placements.ts';
import { buildCondition, type BuildCtx, type SearchFilter } from './search-sql.ts';

export type { SearchFilter } from './search-sql.ts';
export { searchTokens, fts5Query, tsQuery } from './search-sql.ts';

/**
 * Sort properties. `from`/`to`/`cc`: display name or else address of the first address (RFC 8621
 * §4.4.2, RFC 5957 DISPLAYFROM); `fromMailbox`/`toMailbox`/`ccMailbox`: its local part (RFC 5256
 * SORT FROM); `subject`: base subject (RFC 5256 §2.1); `sentAt`: Date header, else internal date.
 */
export type SortProperty = 'receivedAt' | 'size' | 'sentAt' | 'uid' | 'id' | 'from' | 'to' | 'cc' | 'fromMailbox' | 'toMailbox' | 'ccMailbox' | 'subject';

export interface SortKey {
  property: SortProperty;
  descending?: boolean;
}

export interface SearchQuery {
  account: AccountId;
  /** IMAP: the selected mailbox. Results are its placements (UIDs given, per-placement flags). */
  mailbox?: MailboxId;
  filter?: SearchFilter;
  /** Default: UID ascending with a mailbox, else receivedAt descending. Ties: UID, else id ascending. */
  sort?: SortKey[];
  /** Keep only the first email of each thread in sort order (RFC 8621 §4.4). */
  collapseThreads?: boolean;
  /** Index of the first result; negative counts from the end (RFC 8620 §5.5). */
  position?: number;
  /** Email id the window starts from (with anchorOffset); ANCHOR_NOT_FOUND when absent. */
  anchor?: EmailId;
  anchorOffset?: number;
  limit?: number;
  calculateTotal?: boolean;
}

export interface SearchResult {
  ids: EmailId[];
  /** UIDs in the scope mailbox, parallel to `ids` (empty without a mailbox). */
  uids: Uid[];
  threadIds: ThreadId[];
  /** Position of the first returned id in the full result. */
  position: number;
  /** Number of results (threads when collapsed): when asked, or when it had to be computed. */
  total?: number;
}

const JS_KEYS = new Set<SortProperty>(['from', 'to', 'cc', 'fromMailbox', 'toMailbox', 'ccMailbox', 'subject']);

/** A top-level inMailbox conjunct becomes the scope: the (mailbox_id, internal_date) index serves it. */
function promoteScope(filter: SearchFilter | undefined): { mailbox?: MailboxId; filter?: SearchFilter } {
  if (!filter) return { filter };
  if (filter.type === 'inMailbox') return { mailbox: filter.mailbox, filter: undefined };
  if (filter.type === 'and') {
    const i = filter.filters.findIndex((f) => f.type === 'inMailbox');
    if (i >= 0) return { mailbox: (filter.filters[i] as { mailbox: MailboxId }).mailbox, filter: { type: 'and', filters: filter.filters.filter((_, j) => j !== i) } };
  }
  return { filter };
}

/**
 * Run a search. Every condition filters by `account`: another account's mailbox is
 * MAILBOX_NOT_FOUND as scope, and matches nothing inside a filter.
 */
export async function search(deps: { store: Store; blobs?: BlobStore }, q: SearchQuery): Promise<SearchResult> {
  const { store } = deps;
  let mailbox = q.mailbox;
  let filter = q.filter;
  if (mailbox === undefined) {
    const p = promoteScope(filter);
    if (p.mailbox !== undefined) {
      const own = await store.db.selectFrom('mailboxes').select('id').where('id', '=', p.mailbox).where('account_id', '=', q.account).executeTakeFirst();
      if (!own) return { ids: [], uids: [], threadIds: [], position: 0, total: q.calculateTotal ? 0 : undefined };
      mailbox = p.mailbox;
      filter = p.filter;
    }
  } else await loadMailbox(store.db, q.account, mailbox);
  const scoped = mailbox !== undefined;
  if (filter) filter = await resolveHeaders(deps, q.account, mailbox, filter);
  const ctx: BuildCtx = { dialect: store.dialect, account: q.account, scoped, needBody: false };
  const cond = filter ? buildCondition(ctx, filter) : sql<boolean>`1 = 1`;
  const sort: SortKey[] = q.sort?.length ? q.sort : scoped ? [{ property: 'uid' }] : [{ property: 'receivedAt', descending: true }];
  if (!scoped && sort.some((k) => k.property === 'uid')) throw new MailError('INVALID_ARGUMENT', 'UID sort needs a mailbox');
  const jsSort = sort.some((k) => JS_KEYS.has(k.property));
  if (jsSort || sort.some((k) => k.property === 'sentAt')) ctx.needBody = true;
  const from = scoped
    ? sql`mailbox_messages mm JOIN messages m ON m.id = mm.message_id ${ctx.needBody ? sql`JOIN bodies b ON b.id = m.body_id` : sql``}`
    : sql`messages m ${ctx.needBody ? sql`JOIN bodies b ON b.id = m.body_id` : sql``}`;
  const where = scoped ? sql`mm.mailbox_id = ${mailbox} AND mm.account_id = ${q.account} AND mm.expunged_modseq IS NULL AND ${cond}` : sql`m.account_id = ${q.account} AND ${cond}`;
  const cols = sql`m.id, m.thread_id${scoped ? sql`, mm.uid` : sql``}${jsSort ? sql`, b.from_addr, b.to_addr, b.cc_addr, b.subject` : sql``}`;
  const orderBy = sql.join([...sort.filter((k) => !JS_KEYS.has(k.property)).map((k) => sql`${sortExpr(k.property, scoped)} ${sql.raw(k.descending ? 'DESC' : 'ASC')}`), scoped ? sql`mm.uid ASC` : sql`m.id ASC`]);
  // A whole mailbox counts its live placements alone (each has its message row: no join needed),
  // from the placements index: the webmail asks this total with every first list page.
  const count = async () =>
    Number(
      ((await (scoped && !filter
        ? sql<{ n: number }>`SELECT count(*) AS n FROM mailbox_messages mm WHERE mm.mailbox_id = ${mailbox} AND mm.account_id = ${q.account} AND mm.expunged_modseq IS NULL`
        : sql<{ n: number }>`SELECT count(*) AS n FROM ${from} WHERE ${where}`
      ).execute(store.db)).rows[0] as any).n,
    );

  if (!jsSort && !q.collapseThreads && q.anchor === undefined) {
    let position = q.position ?? 0;
    let total: number | undefined;
    if (q.calculateTotal || position < 0) total = await count();
    if (position < 0) position = Math.max(0, total! + position);
    const window = q.limit !== undefined ? sql`LIMIT ${Math.max(0, q.limit)} OFFSET ${position}` : position ? sql`LIMIT -1 OFFSET ${position}` : sql``;
    const pgWindow = q.limit === undefined && position ? sql`OFFSET ${position}` : window;
    const rows = (await sql`SELECT ${cols} FROM ${from} WHERE ${where} ORDER BY ${orderBy} ${store.dialect === 'postgres' ? pgWindow : window}`.execute(store.db)).rows as any[];
    return { ...columns(rows, scoped), position, total };
  }
  if (!jsSort && q.collapseThreads && q.anchor === undefined && q.limit !== undefined) {
    // Collapsed window without anchor: count threads in SQL, read rows page by page until the window is full.
    let position = q.position ?? 0;
    let total: number | undefined;
    if (q.calculateTotal || position < 0) total = Number(((await sql<{ n: number }>`SELECT count(DISTINCT m.thread_id) AS n FROM ${from} WHERE ${where}`.execute(store.db)).rows[0] as any).n);
    if (position < 0) position = Math.max(0, total! + position);
    const want = position + Math.max(0, q.limit);
    const seen = new Set<number>();
    const picked: any[] = [];
    const page = Math.max(200, want * 2);
    for (let offset = 0; picked.length < want; offset += page) {
      const rows = (await sql`SELECT ${cols} FROM ${from} WHERE ${where} ORDER BY ${orderBy} LIMIT ${page} OFFSET ${offset}`.execute(store.db)).rows as any[];
      for (const r of rows) if (!seen.has(Number(r.thread_id)) && (seen.add(Number(r.thread_id)), picked.push(r)) >= want) break;
      if (rows.length < page) break;
    }
    return { ...columns(picked.slice(position, want), scoped), position, total };
  }
  let rows = (await sql`SELECT ${cols}${jsSort ? sql`, ${sortColumns(scoped)}` : sql``} FROM ${from} WHERE ${where} ORDER BY ${orderBy}`.execute(store.db)).rows as any[];
  if (jsSort) rows = sortInJs(rows, sort, scoped);
  if (q.collapseThreads) {
    const seen = new Set<number>();
    rows = rows.filter((r) => !seen.has(Number(r.thread_id)) && (seen.add(Number(r.thread_id)), true));
  }
  let position = q.position ?? 0;
  if (q.anchor !== undefined) {
    const i = rows.findIndex((r) => Number(r.id) === q.anchor);
    if (i < 0) throw new MailError('ANCHOR_NOT_FOUND', 'anchor not found');
    position = Math.max(0, i + (q.anchorOffset ?? 0));
  } else if (position < 0) position = Math.max(0, rows.length + position);
  const slice = rows.slice(position, q.limit !== undefined ? position + Math.max(0, q.limit) : undefined);
  return { ...columns(slice, scoped), position, total: rows.length };
}

function columns(rows: any[], scoped: boolean) {
  return {
    ids: rows.map((r) => Number(r.id) as EmailId),
    uids: scoped ? rows.map((r) => Number(r.uid) as Uid) : [],
    threadIds: rows.map((r) => Number(r.thread_id) as ThreadId),
  };
}

function sortExpr(p: SortProperty, scoped: boolean): RawBuilder<unknown> {
  switch (p) {
    case 'receivedAt':
      return scoped ? sql.ref('mm.internal_date') : sql.ref('m.received_at');
    case 'size':
      return sql.ref('m.size');
    case 'sentAt':
      // RFC 5256 §2.2 SORT DATE: the internal date when the Date header is missing.
      return sql`coalesce(b.sent_at, m.received_at)`;
    case 'uid':
      return sql.ref('mm.uid');
    default:
      return sql.ref('m.id');
  }
}

function sortColumns(scoped: boolean) {
  return sql`${scoped ? sql.ref('mm.internal_date') : sql.ref('m.received_at')} AS s_received, m.size AS s_size, coalesce(b.sent_at, m.received_at) AS s_sent`;
}

function firstAddress(json: string): { name: string | null; email: string } | null {
  try {
    const list = JSON.parse(json);
    return Array.isArray(list) && list.length ? list[0] : null;
  } catch {
    return null;
  }
}

function jsKey(r: any, p: SortProperty): string | number {
  switch (p) {
    case 'receivedAt':
      return Number(r.s_received);
    case 'size':
      return Number(r.s_size);
    case 'sentAt':
      return Number(r.s_sent);
    case 'uid':
      return Number(r.uid);
    case 'id':
      return Number(r.id);
    case 'subject':
      return subjectKey(r.subject ?? '');
    default: {
      const col = p.startsWith('from') ? r.from_addr : p.startsWith('to') ? r.to_addr : r.cc_addr;
      const a = firstAddress(col ?? '[]');
      if (!a) return '';
      if (p.endsWith('Mailbox')) return foldForSearch(a.email.split('@')[0] ?? '');
      return foldForSearch(a.name || a.email);
    }
  }
}

// Subjects that may carry a reply/forward leader, blob or trailer (RFC 5256 §2.1); others only fold.
const MAY_HAVE_LEADER = /^\s*(?:\[|[a-z]{1,4}\s*(?:\[\d*\])?\s*:)|\(fwd\)\s*$/i;
const subjectKeys = new Map<string, string>();

/** Sort key of a subject: folded base subject (RFC 5256 §2.1), memoised (thread members share subjects). */
function subjectKey(subject: string): string {
  let k = subjectKeys.get(subject);
  if (k !== undefined) return k;
  k = foldForSearch(MAY_HAVE_LEADER.test(subject) ? baseSubject(subject) : subject.replace(/\s+/g, ' ').trim());
  if (subjectKeys.size > 10_000) subjectKeys.clear();
  subjectKeys.set(subject, k);
  return k;
}

function sortInJs(rows: any[], sort: SortKey[], scoped: boolean): any[] {
  const keyed = rows.map((r) => ({ r, k: sort.map((s) => jsKey(r, s.property)), t: Number(scoped ? r.uid : r.id) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < sort.length; i++) {
      const x = a.k[i];
      const y = b.k[i];
      if (x !== y) return (x < y ? -1 : 1) * (sort[i].descending ? -1 : 1);
    }
    return a.t - b.t;
  });
  return keyed.map((x) => x.r);
}

// Limit: a header search reads at most the first 64 KiB of each message (the header block).
const HEADER_SCAN_BYTES = 64 * 1024;

/** Header filters on fields the index does not hold are resolved by reading the header blocks in scope. */
async function resolveHeaders(deps: { store: Store; blobs?: BlobStore }, account: AccountId, mailbox: MailboxId | undefined, f: SearchFilter): Promise<SearchFilter> {
  switch (f.type) {
    case 'and':
    case 'or':
      return { type: f.type, filters: await Promise.all(f.filters.map((x) => resolveHeaders(deps, account, mailbox, x))) };
    case 'not':
      return { type: 'not', filter: await resolveHeaders(deps, account, mailbox, f.filter) };
    case 'header': {
      const name = f.name.toLowerCase();
      if (name === 'from' || name === 'to' || name === 'cc' || name === 'bcc' || name === 'subject') return { type: 'field', field: name, value: f.value };
      return { type: 'idSet', ids: await scanHeaders(deps, account, mailbox, name, f.value) };
    }
    default:
      return f;
  }
}

async function scanHeaders(deps: { store: Store; blobs?: BlobStore }, account: AccountId, mailbox: MailboxId | undefined, name: string, value: string): Promise<number[]> {
  if (!deps.blobs) throw new MailError('INVALID_ARGUMENT', 'header search needs the blob store');
  let q = deps.store.db.selectFrom('messages as m').select(['m.id', 'm.blob_id']).where('m.account_id', '=', account);
  if (mailbox !== undefined) q = q.where(({ exists, selectFrom }) => exists(selectFrom('mailbox_messages as x').select('x.uid').whereRef('x.message_id', '=', 'm.id').where('x.mailbox_id', '=', mailbox).where('x.expunged_modseq', 'is', null)));
  const needle = foldForSearch(value);
  const out: number[] = [];
  for (const r of await q.execute()) {
    const head = await deps.blobs.get(r.blob_id as BlobId, { start: 0, end: HEADER_SCAN_BYTES }).catch(() => null);
    if (!head) continue;
    if (headerValues(head, name).some((v) => foldForSearch(decodeWords(v)).includes(needle))) out.push(Number(r.id));
  }
  return out;
}

/** Unfolded values of header `name` (lower-case) in a header block (RFC 5322 §2.2.3). */
export function headerValues(buf: Buffer, name: string): string[] {
  let text = buf.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  if (end >= 0) text = text.slice(0, end);
  const out: string[] = [];
  for (const line of text.replace(/\r?\n[ \t]/g, ' ').split(/\r?\n/)) {
    const c = line.indexOf(':');
    if (c > 0 && line.slice(0, c).trim().toLowerCase() === name) out.push(Buffer.from(line.slice(c + 1).trim(), 'latin1').toString('utf8'));
  }
  return out;
}
