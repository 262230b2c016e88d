/** Periodic clean-up: expired sessions and reset tokens, sign-in history past its 90 days. */
import { sql } from 'kysely';
import type { AuthDeps } from './deps.ts';
import { purgeSignIns } from './history.ts';

/** Delete what has expired; returns counts. Safe to run on several nodes at once. */
export async function purgeExpired(deps: AuthDeps): Promise<{ sessions: number; resetTokens: number; signIns: number }> {
  const now = deps.now();
  const { result } = await deps.store.write([], async (tx) => {
    const s = await tx.db
      .deleteFrom('auth_sessions')
      .where((eb) => eb.or([eb('expires_at', '<=', now), eb(sql<number>`last_seen_at + idle_ms`, '<=', now)]))
      .executeTakeFirst();
    // Used or expired reset tokens are kept a day for the audit trail's sake, then dropped.
    const r = await tx.db.deleteFrom('auth_reset_tokens').where('expires_at', '<', now - 86_400_000).executeTakeFirst();
    return { sessions: Number(s.numDeletedRows ?? 0), resetTokens: Number(r.numDeletedRows ?? 0) };
  });
  return { ...result, signIns: await purgeSignIns(deps) };
}

/** Run `purgeExpired` now and then every `everyMs` (default hourly); the timer does not hold the process. */
export function startAuthMaintenance(deps: AuthDeps, everyMs = 3600_000): { stop(): void } {
  const run = () => purgeExpired(deps).catch((e) => deps.log?.warn({ err: (e as Error).message }, 'auth.maintenance.failed'));
  void run();
  const t = setInterval(run, everyMs);
  t.unref();
  return { stop: () => clearInterval(t) };
}
