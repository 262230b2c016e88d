/** Password change, "mot de passe perdu" (single-use link, 30 min) and helpdesk one-time reset codes. */
import { type AuthDeps, AuthError, notify } from './deps.ts';
import { type AuthAccount, getAccount, resolveIdentifier } from './accounts.ts';
import { hashPassword, normaliseCode, randomCode, randomToken, sha256Hex, verifyPassword } from './crypto.ts';
import { checkPassword } from './policy.ts';
import { appendAudit } from './audit.ts';
import { passwordChangedNotice, resetLinkNotice } from './notices.ts';
import { RateLimiter } from './rate-limit.ts';

export const RESET_LINK_MS = 30 * 60_000;
export const HELPDESK_CODE_MS = 24 * 3600_000;

function refuse(reasons: ReturnType<typeof checkPassword>['reasons']): never {
  throw new AuthError('password-refused', 400, 'password refused by policy', { reasons });
}

function policyFor(a: AuthAccount, password: string) {
  return checkPassword(password, { firstName: a.firstName, lastName: a.lastName, localPart: a.localPart });
}

/** Store a new password hash; ends every session but `keepSession`. Runs inside one transaction. */
async function storePassword(deps: AuthDeps, a: AuthAccount, password: string, action: string, opts: { keepSession?: number; actorId?: number | null; ip: string; weak: boolean }) {
  const hash = await hashPassword(password);
  const now = deps.now();
  await deps.store.write(a.id as never, async (tx) => {
    await tx.db.updateTable('accounts').set({ password_hash: hash, must_change_password: 0, password_changed_at: now }).where('id', '=', a.id).execute();
    let del = tx.db.deleteFrom('auth_sessions').where('account_id', '=', a.id);
    if (opts.keepSession !== undefined) del = del.where('id', '!=', opts.keepSession);
    await del.execute();
    await tx.db.updateTable('auth_reset_tokens').set({ used_at: now }).where('account_id', '=', a.id).where('used_at', 'is', null).execute();
    const prof = await tx.db.selectFrom('auth_profile').select('account_id').where('account_id', '=', a.id).executeTakeFirst();
    if (prof) await tx.db.updateTable('auth_profile').set({ password_weak: opts.weak ? 1 : 0, updated_at: now }).where('account_id', '=', a.id).execute();
    else await tx.db.insertInto('auth_profile').values({ account_id: a.id, recovery_email: null, password_weak: opts.weak ? 1 : 0, updated_at: now }).execute();
    await appendAudit(tx, { actorId: opts.actorId ?? a.id, accountId: a.id, action, ip: opts.ip });
  });
}

/** Change with the current password; other sessions end (the caller then rotates its own). */
export async function changePassword(deps: AuthDeps, accountId: number, current: string, next: string, o: { sessionId?: number; ip: string }): Promise<void> {
  const a = await getAccount(deps.store, accountId);
  if (!a?.passwordHash) throw new AuthError('not-found', 404);
  const keys = [RateLimiter.ipKey(o.ip), `acct:${a.id}`];
  const wait = deps.limiter.retryAfter(keys);
  if (wait > 0) throw new AuthError('rate-limited', 429, 'rate limited', { retryAfterMs: wait });
  if (!(await verifyPassword(a.passwordHash, current))) {
    deps.limiter.fail(keys);
    throw new AuthError('wrong-password', 403);
  }
  const p = policyFor(a, next);
  if (next === current) p.reasons.push({ code: 'same-as-current', fr: "Le nouveau mot de passe doit être différent de l'actuel.", en: 'The new password must differ from the current one.' });
  if (p.reasons.length) refuse(p.reasons);
  await storePassword(deps, a, next, 'password.change', { keepSession: o.sessionId, ip: o.ip, weak: false });
  notify(deps, passwordChangedNotice(a, 'password-changed', deps.now(), o.ip));
}

/** Check a password against the sign-in policy, for an account when one is known. */
export async function checkPasswordFor(deps: AuthDeps, accountId: number | null, password: string) {
  const a = accountId === null ? null : await getAccount(deps.store, accountId);
  return a ? policyFor(a, password) : checkPassword(password);
}

/**
 * Self-service reset request. The rate limit is checked synchronously (throws AuthError
 * `rate-limited`); everything else runs in the returned promise, which the HTTP route does not
 * wait for: the answer (202) and its timing are the same whether the account exists or not.
 * A link is sent only when the account exists and has a recovery address; it is built from the
 * configured public URL, never from the request's Host header.
 */
export function startPasswordReset(deps: AuthDeps, identifier: string, ip: string): Promise<void> {
  // Counted per address and identifier like guesses, but under their own address key: a school
  // whose staff share one public address must not lose its sign-ins to reset requests.
  const keys = ['reset-' + RateLimiter.ipKey(ip), `reset:${identifier.trim().toLowerCase().slice(0, 320)}`];
  const wait = deps.limiter.retryAfter(keys);
  if (wait > 0) throw new AuthError('rate-limited', 429, 'rate limited', { retryAfterMs: wait });
  // Each request counts against the limiter.
  deps.limiter.fail(keys);
  return sendResetLink(deps, identifier, ip);
}

async function sendResetLink(deps: AuthDeps, identifier: string, ip: string): Promise<void> {
  const a = await resolveIdentifier(deps.store, deps.config.domain, identifier);
  if (!a || a.status !== 'active') return;
  const prof = await deps.store.db.selectFrom('auth_profile').select('recovery_email').where('account_id', '=', a.id).executeTakeFirst();
  const to = prof?.recovery_email;
  if (!to) {
    deps.log?.info({ account: a.id }, 'auth.reset.no-recovery-address');
    return;
  }
  const token = randomToken(32);
  const now = deps.now();
  const expiresAt = now + RESET_LINK_MS;
  await deps.store.write(a.id as never, async (tx) => {
    await tx.db.insertInto('auth_reset_tokens').values({ account_id: a.id, token_hash: sha256Hex(token), kind: 'link', created_by: null, created_at: now, expires_at: expiresAt, used_at: null }).execute();
    await appendAudit(tx, { actorId: null, accountId: a.id, action: 'password.reset.requested', ip });
  });
  const link = new URL('/reset-password', deps.config.publicUrl).toString() + '#token=' + token;
  notify(deps, resetLinkNotice(a, to, link, expiresAt));
}

/** Helpdesk: issue a one-time code after checking the person's identity. Audited. */
export async function issueHelpdeskCode(deps: AuthDeps, actorId: number, address: string, ip: string): Promise<{ code: string; expiresAt: number } | null> {
  const a = await resolveIdentifier(deps.store, deps.config.domain, address);
  if (!a) return null;
  const code = randomCode(3, 4).toUpperCase();
  const now = deps.now();
  const expiresAt = now + HELPDESK_CODE_MS;
  await deps.store.write([a.id, actorId] as never, async (tx) => {
    await tx.db.updateTable('auth_reset_tokens').set({ used_at: now }).where('account_id', '=', a.id).where('kind', '=', 'helpdesk').where('used_at', 'is', null).execute();
    await tx.db.insertInto('auth_reset_tokens').values({ account_id: a.id, token_hash: sha256Hex('helpdesk:' + normaliseCode(code)), kind: 'helpdesk', created_by: actorId, created_at: now, expires_at: expiresAt, used_at: null }).execute();
    await appendAudit(tx, { actorId, accountId: a.id, action: 'helpdesk.reset-code.issued', ip, details: { expiresAt } });
  });
  return { code, expiresAt };
}

/** Complete a reset with a link token or a helpdesk code: single use, in time; all sessions end. */
export async function completePasswordReset(deps: AuthDeps, input: { token?: string; identifier?: string; code?: string; newPassword: string; ip: string }): Promise<void> {
  let hash: string;
  let kind: string;
  let keyId: string;
  let expected: AuthAccount | null = null;
  if (input.token) {
    hash = sha256Hex(input.token);
    kind = 'link';
    keyId = 'token';
  } else if (input.identifier && input.code) {
    expected = await resolveIdentifier(deps.store, deps.config.domain, input.identifier);
    hash = sha256Hex('helpdesk:' + normaliseCode(input.code));
    kind = 'helpdesk';
    keyId = expected ? `acct:${expected.id}` : `id:${input.identifier.toLowerCase().slice(0, 320)}`;
  } else throw new AuthError('invalid-token', 400);
  const keys = [RateLimiter.ipKey(input.ip), `resetuse:${keyId}`];
  const wait = deps.limiter.retryAfter(keys);
  if (wait > 0) throw new AuthError('rate-limited', 429, 'rate limited', { retryAfterMs: wait });
  const now = deps.now();
  const row = await deps.store.db.selectFrom('auth_reset_tokens').selectAll().where('token_hash', '=', hash).where('kind', '=', kind).executeTakeFirst();
  const valid = row && row.used_at === null && Number(row.expires_at) > now && (!expected || Number(row.account_id) === expected.id);
  const a = valid ? await getAccount(deps.store, Number(row.account_id)) : null;
  if (!row || !valid || !a) {
    deps.limiter.fail(keys);
    throw new AuthError('invalid-token', 400);
  }
  const p = policyFor(a, input.newPassword);
  if (!p.ok) refuse(p.reasons);
  // Single use: claim the token first; a concurrent second use finds it taken.
  const { result: claimed } = await deps.store.write(a.id as never, async (tx) => {
    const r = await tx.db.updateTable('auth_reset_tokens').set({ used_at: now }).where('id', '=', row.id).where('used_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows ?? 0) === 1;
  });
  if (!claimed) throw new AuthError('invalid-token', 400);
  await storePassword(deps, a, input.newPassword, kind === 'link' ? 'password.reset.link' : 'password.reset.helpdesk', { ip: input.ip, weak: false });
  notify(deps, passwordChangedNotice(a, 'password-reset', now, input.ip));
}

/** Set or clear the personal recovery address (after checking the current password). */
export async function setRecoveryEmail(deps: AuthDeps, accountId: number, email: string | null, currentPassword: string, ip: string): Promise<void> {
  await requireCurrentPassword(deps, accountId, currentPassword, ip);
  const now = deps.now();
  await deps.store.write(accountId as never, async (tx) => {
    const prof = await tx.db.selectFrom('auth_profile').select('account_id').where('account_id', '=', accountId).executeTakeFirst();
    if (prof) await tx.db.updateTable('auth_profile').set({ recovery_email: email, updated_at: now }).where('account_id', '=', accountId).execute();
    else await tx.db.insertInto('auth_profile').values({ account_id: accountId, recovery_email: email, password_weak: 0, updated_at: now }).execute();
    await appendAudit(tx, { actorId: accountId, accountId, action: 'recovery-email.set', ip, details: { set: email !== null } });
  });
}

/** Re-authentication for sensitive actions; rate-limited with the sign-in counter. */
export async function requireCurrentPassword(deps: AuthDeps, accountId: number, password: string, ip: string): Promise<void> {
  const a = await getAccount(deps.store, accountId);
  const keys = [RateLimiter.ipKey(ip), `acct:${accountId}`];
  const wait = deps.limiter.retryAfter(keys);
  if (wait > 0) throw new AuthError('rate-limited', 429, 'rate limited', { retryAfterMs: wait });
  if (!a?.passwordHash || !(await verifyPassword(a.passwordHash, password))) {
    deps.limiter.fail(keys);
    throw new AuthError('wrong-password', 403);
  }
}

/**
 * At a web sign-in the password is at hand: remember whether the policy would refuse it today
 * (passwords set by an administrator or before a policy change), for the security advice.
 */
export async function notePasswordStrength(deps: AuthDeps, a: AuthAccount, password: string): Promise<void> {
  const weak = policyFor(a, password).ok ? 0 : 1;
  const now = deps.now();
  await deps.store.write(a.id as never, async (tx) => {
    const prof = await tx.db.selectFrom('auth_profile').select('password_weak').where('account_id', '=', a.id).executeTakeFirst();
    if (!prof) await tx.db.insertInto('auth_profile').values({ account_id: a.id, recovery_email: null, password_weak: weak, updated_at: now }).execute();
    else if (Number(prof.password_weak) !== weak) await tx.db.updateTable('auth_profile').set({ password_weak: weak, updated_at: now }).where('account_id', '=', a.id).execute();
  });
}
