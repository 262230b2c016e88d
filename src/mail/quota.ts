/** Account quota: usage, limit, warning levels, verification. RFC 9208 (IMAP QUOTA, STORAGE), RFC 9425 (JMAP Quota). */
import { sql } from 'kysely';
import type { Store } from '../store/store.ts';
import type { AccountId } from '../store/ids.ts';
import { MailError } from './errors.ts';

/** Warning thresholds in percent (ARCHITECTURE: users are warned at 80, 90 and 100 %). */
export const QUOTA_LEVELS = [80, 90, 100] as const;
export type QuotaLevel = 0 | 80 | 90 | 100;

export interface QuotaInfo {
  /** Bytes used: sum of the sizes of the account's emails, each counted once (RFC 9208 §5.1 STORAGE). */
  used: number;
  /** Limit in bytes. */
  limit: number;
  /** Highest threshold reached (0 when under 80 %). */
  level: QuotaLevel;
}

/** The highest of 80/90/100 % reached by `used` of `limit`, else 0. */
export function quotaLevel(used: number, limit: number): QuotaLevel {
  if (limit <= 0) return used > 0 ? 100 : 0;
  const pct = (used * 100) / limit;
  for (let i = QUOTA_LEVELS.length - 1; i >= 0; i--) if (pct >= QUOTA_LEVELS[i]) return QUOTA_LEVELS[i];
  return 0;
}

/** Usage and limit of an account, null for an unknown account. */
export async function getQuota(store: Store, account: AccountId): Promise<QuotaInfo | null> {
  const r = await store.db.selectFrom('accounts').select(['used_bytes', 'quota_bytes']).where('id', '=', account).executeTakeFirst();
  if (!r) return null;
  const used = Number(r.used_bytes);
  const limit = Number(r.quota_bytes);
  return { used, limit, level: quotaLevel(used, limit) };
}

/** Would adding `bytes` stay within the quota? Throws OVERQUOTA otherwise (IMAP `NO [OVERQUOTA]`, JMAP overQuota). */
export async function checkQuota(store: Store, account: AccountId, bytes: number): Promise<void> {
  const q = await getQuota(store, account);
  if (!q || q.used + bytes > q.limit) throw new MailError('OVERQUOTA', 'quota exceeded');
}

/**
 * Recompute usage from the emails (sum of messages.size) for verification; with `fix`, store it
 * when it differs. Returns both values.
 */
export async function recomputeUsage(store: Store, account: AccountId, opts: { fix?: boolean } = {}): Promise<{ stored: number; computed: number }> {
  const { result } = await store.write(account, async (tx) => {
    const a = await tx.db.selectFrom('accounts').select('used_bytes').where('id', '=', account).executeTakeFirst();
    const s = await tx.db.selectFrom('messages').select(sql<number>`coalesce(sum(size), 0)`.as('n')).where('account_id', '=', account).executeTakeFirstOrThrow();
    const stored = Number(a?.used_bytes ?? 0);
    const computed = Number(s.n);
    if (opts.fix && a && stored !== computed) {
      await tx.db.updateTable('accounts').set({ used_bytes: computed }).where('id', '=', account).execute();
      await tx.change(account, 'Quota', account, 'updated');
    }
    return { stored, computed };
  });
  return result;
}
