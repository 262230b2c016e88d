/** Users' allow and block lists of senders (addresses or whole domains). */
import type { Generated } from 'kysely';
import { runCompiled } from '../store/compiled-query.ts';
import type { Store } from '../store/store.ts';
import type { AccountId } from '../store/ids.ts';
import type { ParsedMessage } from '../mime/types.ts';
import type { AuthResults } from './auth.ts';
import type { SecurityPolicy } from './policy.ts';
import { tag, type Tag } from './types.ts';
import { domainOf, isUnder } from './text.ts';

export interface SenderListsTable {
  id: Generated<number>;
  account_id: number;
  kind: string; // 'allow' | 'block'
  pattern: string;
  created_at: number;
}
declare module '../store/schema.ts' {
  interface DB {
    sender_lists: SenderListsTable;
  }
}

export type ListKind = 'allow' | 'block';
export interface SenderLists {
  allow: string[];
  block: string[];
}

export class SenderListError extends Error {
  code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** "Marie.Dupont@Gmail.com" -> "marie.dupont@gmail.com"; "@gmail.com" or "gmail.com" -> "@gmail.com". */
export function normalizePattern(p: string): string {
  const s = p.trim().toLowerCase();
  if (/^[^@\s]+@[a-z0-9.-]+\.[a-z0-9-]+$/.test(s)) return s;
  const d = s.startsWith('@') ? s.slice(1) : s;
  if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(d)) return '@' + d;
  throw new SenderListError('SECURITY_BAD_PATTERN', 'pattern must be an address or a domain');
}

async function add(store: Store, accountId: AccountId, kind: ListKind, pattern: string): Promise<void> {
  const p = normalizePattern(pattern);
  await store.write(accountId, async (tx) => {
    // A sender is on one list at a time: allowing removes a block and vice versa.
    await tx.db.deleteFrom('sender_lists').where('account_id', '=', accountId).where('pattern', '=', p).execute();
    await tx.db.insertInto('sender_lists').values({ account_id: accountId, kind, pattern: p, created_at: tx.now }).execute();
  });
}

export const allowSender = (store: Store, accountId: AccountId, pattern: string) => add(store, accountId, 'allow', pattern);
export const blockSender = (store: Store, accountId: AccountId, pattern: string) => add(store, accountId, 'block', pattern);

export async function removeSender(store: Store, accountId: AccountId, pattern: string): Promise<void> {
  const p = normalizePattern(pattern);
  await store.write(accountId, async (tx) => {
    await tx.db.deleteFrom('sender_lists').where('account_id', '=', accountId).where('pattern', '=', p).execute();
  });
}

export async function listSenders(store: Store, accountId: AccountId): Promise<SenderLists> {
  const rows = await runCompiled(store, 'lists.senders', { id: accountId }, (v) => store.db.selectFrom('sender_lists').select(['kind', 'pattern']).where('account_id', '=', v.id).orderBy('pattern'));
  return { allow: rows.filter((r) => r.kind === 'allow').map((r) => r.pattern), block: rows.filter((r) => r.kind === 'block').map((r) => r.pattern) };
}

function matches(email: string, pattern: string): boolean {
  return pattern.startsWith('@') ? isUnder(domainOf(email), pattern.slice(1)) : email === pattern;
}

/**
 * ALLOWLISTED_SENDER / BLOCKLISTED_SENDER. An allow entry is honoured only when the From domain is
 * not failing DMARC: otherwise anyone could forge an allowed address.
 */
export function listTags(parsed: ParsedMessage, auth: AuthResults, lists: SenderLists | undefined, policy: SecurityPolicy): Tag[] {
  if (!lists) return [];
  const email = (parsed.from[0]?.email ?? '').toLowerCase();
  if (!email) return [];
  const b = lists.block.find((p) => matches(email, p));
  if (b) return [tag(policy, 'BLOCKLISTED_SENDER', `${email} matches ${b}`, b)];
  const a = lists.allow.find((p) => matches(email, p));
  if (a && auth.dmarc.result !== 'fail' && auth.spf.result !== 'fail') return [tag(policy, 'ALLOWLISTED_SENDER', `${email} matches ${a}`, a)];
  return [];
}
