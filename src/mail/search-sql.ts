/** SQL for the search filter tree: one condition builder for SQLite (FTS5) and PostgreSQL (tsvector). RFC 9051 §6.4.4, RFC 8621 §4.4.1. */
import { sql, type RawBuilder } from 'kysely';
import type { Dialect } from '../store/migrations/types.ts';
import type { AccountId, EmailId, MailboxId, ThreadId } from '../store/ids.ts';
import { foldForSearch } from './fold.ts';
import { MailError } from './errors.ts';
import { keywordToFlag } from './flags.ts';
import type { UidRange } from './placements.ts';
import { normaliseRanges } from './placements.ts';

/** A node of the filter tree. Text values are matched diacritic- and case-insensitively. */
export type SearchFilter =
  | { type: 'and'; filters: SearchFilter[] }
  | { type: 'or'; filters: SearchFilter[] }
  | { type: 'not'; filter: SearchFilter }
  | { type: 'all' }
  | { type: 'inMailbox'; mailbox: MailboxId }
  | { type: 'inMailboxOtherThan'; mailboxes: MailboxId[] }
  /** UIDs of the search scope mailbox (IMAP only: needs `mailbox` in the query). */
  | { type: 'uid'; ranges: UidRange[] }
  | { type: 'emailId'; ids: EmailId[] }
  | { type: 'threadId'; ids: ThreadId[] }
  /** Has this IMAP flag or keyword (`\Seen`, `$Junk`; JMAP hasKeyword via keywordToFlag). */
  | { type: 'flag'; flag: string }
  /** Substring of a decoded header field (words matched from their start). */
  | { type: 'field'; field: 'from' | 'to' | 'cc' | 'bcc' | 'subject'; value: string }
  /** Any header field by name (IMAP HEADER, JMAP header); resolved by the search service. */
  | { type: 'header'; name: string; value: string }
  /** Full text: headers and body (IMAP TEXT, JMAP text). */
  | { type: 'text'; value: string }
  /** Body only (IMAP BODY, JMAP body). */
  | { type: 'body'; value: string }
  /** receivedAt / INTERNALDATE < ms, or >= ms. */
  | { type: 'receivedBefore' | 'receivedSince'; ms: number }
  /** Date header (internal date when absent) < ms, or >= ms. */
  | { type: 'sentBefore' | 'sentSince'; ms: number }
  /** size >= min (IMAP LARGER n: min n+1; JMAP minSize) / size < max (SMALLER, JMAP maxSize). */
  | { type: 'minSize' | 'maxSize'; size: number }
  /** Placement modseq >= n (IMAP MODSEQ, RFC 7162 §3.1.5). */
  | { type: 'modseqSince'; modseq: number }
  | { type: 'hasAttachment'; value: boolean }
  /** Internal: emails of a precomputed set (header scans). */
  | { type: 'idSet'; ids: number[] };

export interface BuildCtx {
  dialect: Dialect;
  account: AccountId;
  /** Scope mailbox: placements `mm` are in the query; null: emails `m` only. */
  scoped: boolean;
  /** Set when a condition needs the `bodies b` join. */
  needBody: boolean;
}

// Limit: at most 16 words of at most 64 characters are taken from a search text (bounded FTS queries).
const MAX_TOKENS = 16;
const MAX_TOKEN = 64;

/** Folded words of a search text, as the full-text index tokenises them. */
export function searchTokens(text: string): string[] {
  return foldForSearch(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, MAX_TOKENS)
    .map((t) => t.slice(0, MAX_TOKEN));
}

/**
 * FTS5 query: each word quoted (user input never reaches the FTS syntax), the last one a prefix,
 * optionally restricted to one column. Tokens hold only letters and digits, so quoting is total.
 */
export function fts5Query(tokens: string[], column?: 'subject' | 'addrs' | 'body'): string {
  const q = tokens.map((t, i) => `"${t}"${i === tokens.length - 1 ? '*' : ''}`).join(' AND ');
  return column ? `${column} : (${q})` : q;
}

/** PostgreSQL to_tsquery text: words ANDed, the last a prefix. */
export function tsQuery(tokens: string[]): string {
  return tokens.map((t, i) => `${t}${i === tokens.length - 1 ? ':*' : ''}`).join(' & ');
}

// Accented letters folded in SQL for substring checks (SQLite's lower() folds ASCII only).
const ACCENTED = 'ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖòóôõöÙÚÛÜùúûüÝýÿŸ';
const PLAIN = 'aaaaaaaaaaaacceeeeeeeeiiiiiiiinnoooooooooouuuuuuuuyyyy';

/** SQL expression: `col` lower-cased with diacritics removed (close to foldForSearch). */
function foldSql(dialect: Dialect, col: RawBuilder<unknown>): RawBuilder<string> {
  if (dialect === 'postgres') return sql<string>`replace(replace(replace(translate(lower(${col}), ${ACCENTED}, ${PLAIN}), 'œ', 'oe'), 'æ', 'ae'), 'ß', 'ss')`;
  let e: RawBuilder<unknown> = sql`lower(${col})`;
  for (let i = 0; i < ACCENTED.length; i++) e = sql`replace(${e}, ${sql.lit(ACCENTED[i])}, ${sql.lit(PLAIN[i])})`;
  for (const [a, b] of [['œ', 'oe'], ['Œ', 'oe'], ['æ', 'ae'], ['Æ', 'ae'], ['ß', 'ss']]) e = sql`replace(${e}, ${sql.lit(a)}, ${sql.lit(b)})`;
  return e as RawBuilder<string>;
}

function contains(dialect: Dialect, hay: RawBuilder<unknown>, needle: string): RawBuilder<boolean> {
  return dialect === 'postgres' ? sql<boolean>`strpos(${hay}, ${needle}) > 0` : sql<boolean>`instr(${hay}, ${needle}) > 0`;
}

/** `expr` in a set of ids of any size (one parameter: a JSON array on SQLite, an array on PostgreSQL). */
export function inIds(dialect: Dialect, expr: RawBuilder<unknown>, ids: readonly number[]): RawBuilder<boolean> {
  if (!ids.length) return sql<boolean>`1 = 0`;
  if (dialect === 'postgres') return sql<boolean>`${expr} = ANY(${[...ids]}::bigint[])`;
  return sql<boolean>`${expr} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`;
}

const FIELD_COLUMN = { from: 'b.from_addr', to: 'b.to_addr', cc: 'b.cc_addr', bcc: 'b.bcc_addr', subject: 'b.subject' } as const;

/** ILIKE pattern matching at least every text whose folded form contains `needle` (œ, æ, ß aside). */
export function likeSuperset(needle: string): string {
  return `%${[...needle].map((c) => (/[aeiouycn]/.test(c) ? '_' : /[%_\\]/.test(c) ? `\\${c}` : c)).join('')}%`;
}

function ftsIn(ctx: BuildCtx, tokens: string[], column?: 'subject' | 'addrs' | 'body'): RawBuilder<boolean> {
  if (ctx.dialect === 'postgres') return sql<boolean>`m.body_id IN (SELECT body_id FROM message_fts WHERE tsv @@ to_tsquery('simple', ${tsQuery(tokens)}))`;
  return sql<boolean>`m.body_id IN (SELECT rowid FROM message_fts WHERE message_fts MATCH ${fts5Query(tokens, column)})`;
}

function fieldCond(ctx: BuildCtx, field: keyof typeof FIELD_COLUMN, value: string): RawBuilder<boolean> {
  ctx.needBody = true;
  const needle = foldForSearch(value).slice(0, 1000);
  if (!needle) return sql<boolean>`1 = 1`;
  const exact = contains(ctx.dialect, foldSql(ctx.dialect, sql.ref(FIELD_COLUMN[field])), needle);
  const tokens = searchTokens(value);
  // SQLite: the FTS5 column narrows the candidates first (words from their start), then the
  // exact folded substring is checked on those only (From vs To); CASE keeps SQLite from folding every row.
  // PostgreSQL's parser keeps e-mail addresses as one token, so the FTS is not used there.
  if (ctx.dialect === 'postgres') {
    // PostgreSQL's translate() is slow on multibyte text: a cheap ILIKE whose letters that may
    // carry an accent are wildcards selects the candidates, the folded test runs on those only.
    return sql<boolean>`(CASE WHEN ${sql.ref(FIELD_COLUMN[field])} ILIKE ${likeSuperset(needle)} THEN ${exact} ELSE false END)`;
  }
  if (!tokens.length) return exact;
  // Deviation (RFC 9051 §6.4.4 substring): on SQLite a subject matches when it holds every word
  // (the last as a prefix), in any order; the FTS5 subject column answers it alone.
  if (field === 'subject') return ftsIn(ctx, tokens, 'subject');
  return sql<boolean>`(CASE WHEN ${ftsIn(ctx, tokens, 'addrs')} THEN ${exact} ELSE 0 END)`;
}

function flagsExpr(ctx: BuildCtx): RawBuilder<string> {
  if (ctx.scoped) return sql<string>`mm.flags`;
  // Keywords are the same on every placement of an email (messages.ts mirrors them).
  return sql<string>`(SELECT k.flags FROM mailbox_messages k WHERE k.message_id = m.id AND k.account_id = m.account_id AND k.expunged_modseq IS NULL LIMIT 1)`;
}

function uidCond(ctx: BuildCtx, ranges: UidRange[]): RawBuilder<boolean> {
  if (!ctx.scoped) throw new MailError('INVALID_ARGUMENT', 'UID search needs a mailbox');
  const list = normaliseRanges(ranges);
  if (!list.length) return sql<boolean>`1 = 0`;
  if (list.length <= 50) return sql<boolean>`(${sql.join(list.map((r) => sql`mm.uid BETWEEN ${r.start} AND ${r.end}`), sql` OR `)})`;
  const json = JSON.stringify(list.map((r) => [r.start, r.end]));
  if (ctx.dialect === 'postgres') return sql<boolean>`EXISTS (SELECT 1 FROM jsonb_array_elements(${json}::jsonb) r WHERE mm.uid BETWEEN (r->>0)::bigint AND (r->>1)::bigint)`;
  return sql<boolean>`EXISTS (SELECT 1 FROM json_each(${json}) r WHERE mm.uid BETWEEN json_extract(r.value, '$[0]') AND json_extract(r.value, '$[1]'))`;
}

/** SQL condition for a filter node (over `m`, `b` and, when scoped, `mm`). */
export function buildCondition(ctx: BuildCtx, f: SearchFilter): RawBuilder<boolean> {
  const d = ctx.dialect;
  switch (f.type) {
    case 'and':
      return f.filters.length ? sql<boolean>`(${sql.join(f.filters.map((x) => buildCondition(ctx, x)), sql` AND `)})` : sql<boolean>`1 = 1`;
    case 'or':
      return f.filters.length ? sql<boolean>`(${sql.join(f.filters.map((x) => buildCondition(ctx, x)), sql` OR `)})` : sql<boolean>`1 = 0`;
    case 'not':
      return sql<boolean>`NOT (${buildCondition(ctx, f.filter)})`;
    case 'all':
      return sql<boolean>`1 = 1`;
    case 'inMailbox':
      return sql<boolean>`EXISTS (SELECT 1 FROM mailbox_messages x WHERE x.message_id = m.id AND x.account_id = ${ctx.account} AND x.mailbox_id = ${f.mailbox} AND x.expunged_modseq IS NULL)`;
    case 'inMailboxOtherThan':
      // RFC 8621 §4.4.1: in at least one mailbox not in the list.
      return sql<boolean>`EXISTS (SELECT 1 FROM mailbox_messages x WHERE x.message_id = m.id AND x.account_id = ${ctx.account} AND x.expunged_modseq IS NULL AND NOT (${inIds(d, sql`x.mailbox_id`, f.mailboxes)}))`;
    case 'uid':
      return uidCond(ctx, f.ranges);
    case 'emailId':
      return inIds(d, sql`m.id`, f.ids);
    case 'idSet':
      return inIds(d, sql`m.id`, f.ids);
    case 'threadId':
      return inIds(d, sql`m.thread_id`, f.ids);
    case 'flag':
      // JMAP system keywords ($seen ...) are stored as IMAP system flags (flags.ts).
      return contains(d, sql`lower(' ' || ${flagsExpr(ctx)} || ' ')`, ` ${(keywordToFlag(f.flag) ?? f.flag).toLowerCase()} `);
    case 'field':
      return fieldCond(ctx, f.field, f.value);
    case 'header':
      throw new MailError('INVALID_ARGUMENT', 'header filters are resolved by the search service');
    case 'text':
    case 'body': {
      const tokens = searchTokens(f.value);
      if (!tokens.length) return sql<boolean>`1 = 1`;
      // PostgreSQL keeps one tsvector per body: BODY searches headers too there (documented deviation).
      return ftsIn(ctx, tokens, f.type === 'body' ? 'body' : undefined);
    }
    case 'receivedBefore':
      return sql<boolean>`${ctx.scoped ? sql.ref('mm.internal_date') : sql.ref('m.received_at')} < ${f.ms}`;
    case 'receivedSince':
      return sql<boolean>`${ctx.scoped ? sql.ref('mm.internal_date') : sql.ref('m.received_at')} >= ${f.ms}`;
    case 'sentBefore':
      ctx.needBody = true;
      return sql<boolean>`coalesce(b.sent_at, m.received_at) < ${f.ms}`;
    case 'sentSince':
      ctx.needBody = true;
      return sql<boolean>`coalesce(b.sent_at, m.received_at) >= ${f.ms}`;
    case 'minSize':
      return sql<boolean>`m.size >= ${f.size}`;
    case 'maxSize':
      return sql<boolean>`m.size < ${f.size}`;
    case 'modseqSince':
      return sql<boolean>`${ctx.scoped ? sql.ref('mm.modseq') : sql.ref('m.updated_modseq')} >= ${f.modseq}`;
    case 'hasAttachment':
      ctx.needBody = true;
      return sql<boolean>`b.has_attachment = ${f.value ? 1 : 0}`;
  }
}
