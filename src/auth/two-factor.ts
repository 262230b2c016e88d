/** Two-factor state of an account and the admin policy that requires it per role (always for admins). */
import type { AuthDeps, Role } from './deps.ts';
import type { AuthAccount } from './accounts.ts';
import type { SessionStage } from './sessions.ts';
import { totpEnabled } from './totp.ts';
import { recoveryCodesLeft } from './recovery-codes.ts';

const POLICY_KEY = 'auth.require2faRoles';

export async function twoFactorState(deps: AuthDeps, accountId: number) {
  const totp = await totpEnabled(deps, accountId);
  const pk = await deps.store.db.selectFrom('auth_passkeys').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', accountId).executeTakeFirstOrThrow();
  const passkeys = Number(pk.n);
  return { enabled: totp || passkeys > 0, totp, passkeys, recoveryCodesLeft: await recoveryCodesLeft(deps, accountId) };
}

/** Roles that must use two-factor: the admin policy (kv), else configuration; admin always. */
export async function requiredRoles(deps: AuthDeps): Promise<Role[]> {
  const r = await deps.store.db.selectFrom('kv').select('value').where('key', '=', POLICY_KEY).executeTakeFirst();
  let roles: string[] = r ? (JSON.parse(r.value) as string[]) : deps.config.require2faRoles.split(',').map((s) => s.trim());
  roles = roles.filter((x) => x === 'user' || x === 'helpdesk' || x === 'admin');
  return [...new Set(['admin', ...roles])] as Role[];
}

export async function setRequiredRoles(deps: AuthDeps, roles: Role[]): Promise<Role[]> {
  const value = JSON.stringify([...new Set(['admin', ...roles])]);
  await deps.store.write([], async (tx) => {
    await tx.db.deleteFrom('kv').where('key', '=', POLICY_KEY).execute();
    await tx.db.insertInto('kv').values({ key: POLICY_KEY, value }).execute();
  });
  return requiredRoles(deps);
}

export async function twoFactorRequired(deps: AuthDeps, role: Role): Promise<boolean> {
  return (await requiredRoles(deps)).includes(role);
}

/** The next sign-in step once the password (and, if done, the second factor) is accepted. */
export async function nextStage(deps: AuthDeps, account: AuthAccount, secondFactorDone: boolean): Promise<SessionStage> {
  const tf = await twoFactorState(deps, account.id);
  if (tf.enabled && !secondFactorDone) return 'second-factor';
  if (account.mustChangePassword) return 'password-change';
  if (!tf.enabled && (await twoFactorRequired(deps, account.role))) return 'second-factor-enrolment';
  return 'ok';
}

export async function methodsOf(deps: AuthDeps, accountId: number): Promise<string[]> {
  const tf = await twoFactorState(deps, accountId);
  const m: string[] = [];
  if (tf.totp) m.push('totp');
  if (tf.passkeys > 0) m.push('webauthn');
  if (tf.recoveryCodesLeft > 0) m.push('recovery');
  return m;
}
