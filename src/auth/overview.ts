/** Security overview for the security page: two-factor, recovery address, sessions, sign-ins,
 *  app passwords, and advice with its status. Later features add theirs under `extensions`. */
import type { AuthDeps } from './deps.ts';
import { getAccount } from './accounts.ts';
import { twoFactorState, twoFactorRequired } from './two-factor.ts';
import { listSessions } from './sessions.ts';
import { listSignIns } from './history.ts';
import { listAppPasswords } from './app-passwords.ts';

/** ANSSI does not ask for periodic changes; a very old password is only worth a gentle advice. */
const OLD_PASSWORD_DAYS = 365;

export type OverviewExtension = (deps: AuthDeps, accountId: number) => Promise<unknown>;
/** Later issues (forwarding, filter rules) register here: `overviewExtensions.set('forwarding', fn)`. */
export const overviewExtensions = new Map<string, OverviewExtension>();

function advice(code: string, ok: boolean, fr: string, en: string) {
  return { code, status: ok ? 'ok' : 'warning', fr, en };
}

export async function securityOverview(deps: AuthDeps, accountId: number, currentSessionId?: number) {
  const a = await getAccount(deps.store, accountId);
  if (!a) return null;
  const tf = await twoFactorState(deps, accountId);
  const prof = await deps.store.db.selectFrom('auth_profile').selectAll().where('account_id', '=', accountId).executeTakeFirst();
  const now = deps.now();
  const ageDays = a.passwordChangedAt === null ? null : Math.floor((now - a.passwordChangedAt) / 86_400_000);
  const extensions: Record<string, unknown> = {};
  for (const [k, fn] of overviewExtensions) extensions[k] = await fn(deps, accountId);
  return {
    twoFactor: { ...tf, required: await twoFactorRequired(deps, a.role) },
    recoveryEmail: prof?.recovery_email ?? null,
    password: { changedAt: a.passwordChangedAt, ageDays },
    sessions: await listSessions(deps, accountId, currentSessionId),
    recentSignIns: await listSignIns(deps, accountId, { limit: 10 }),
    appPasswords: await listAppPasswords(deps, accountId),
    advice: [
      advice('no-two-factor', tf.enabled, 'Activez la double authentification.', 'Turn on two-factor authentication.'),
      advice('no-recovery-email', !!prof?.recovery_email, 'Indiquez une adresse de secours pour retrouver l’accès en cas d’oubli.', 'Set a recovery address to get back in if you forget your password.'),
      advice('weak-password', !(prof && Number(prof.password_weak) === 1), 'Votre mot de passe est faible : changez-le.', 'Your password is weak: change it.'),
      advice('old-password', ageDays === null || ageDays < OLD_PASSWORD_DAYS, 'Votre mot de passe a plus d’un an.', 'Your password is more than a year old.'),
      advice('must-change-password', !a.mustChangePassword, 'Votre mot de passe est provisoire : changez-le.', 'Your password is a temporary one: change it.'),
    ],
    extensions,
  };
}
