/** Sign-in history: every attempt (time, IP, user agent, protocol, result, reason), kept 90 days. */
import type { AuthDeps, Protocol } from './deps.ts';
import { describeUserAgent } from './user-agent.ts';

export const HISTORY_RETENTION_MS = 90 * 24 * 3600_000;

export interface SignInRecord {
  accountId: number | null;
  ip: string;
  userAgent?: string;
  protocol: Protocol;
  result: 'success' | 'failure' | 'throttled';
  reason: string;
}

export async function recordSignIn(deps: AuthDeps, r: SignInRecord): Promise<void> {
  const accounts = r.accountId === null ? [] : [r.accountId];
  const now = deps.now();
  await deps.store.write(accounts as never[], async (tx) => {
    await tx.db
      .insertInto('auth_sign_ins')
      .values({ account_id: r.accountId, at: now, ip: r.ip, user_agent: (r.userAgent ?? '').slice(0, 512), protocol: r.protocol, result: r.result, reason: r.reason })
      .execute();
  });
  deps.log?.info({ account: r.accountId, protocol: r.protocol, result: r.result, reason: r.reason }, 'auth.signin');
}

export async function listSignIns(deps: AuthDeps, accountId: number, opts: { limit?: number; before?: number } = {}) {
  let q = deps.store.db
    .selectFrom('auth_sign_ins')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('at', '>=', deps.now() - HISTORY_RETENTION_MS)
    .orderBy('id', 'desc')
    .limit(Math.min(opts.limit ?? 50, 500));
  if (opts.before) q = q.where('id', '<', opts.before);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: Number(r.id),
    at: Number(r.at),
    ip: r.ip,
    userAgent: r.user_agent,
    ...describeUserAgent(r.user_agent),
    protocol: r.protocol,
    result: r.result,
    reason: r.reason,
  }));
}

/** Delete what is older than the retention period; call it from a periodic job. */
export async function purgeSignIns(deps: AuthDeps): Promise<number> {
  const { result } = await deps.store.write([], async (tx) => {
    const r = await tx.db.deleteFrom('auth_sign_ins').where('at', '<', deps.now() - HISTORY_RETENTION_MS).executeTakeFirst();
    return Number(r.numDeletedRows ?? 0);
  });
  return result;
}
