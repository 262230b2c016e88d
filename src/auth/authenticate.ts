/** The one password check every door calls (HTTP, IMAP, SMTP AUTH, DAV, JMAP Basic): shared rate
 *  limiter, same answer and timing for unknown identifiers, app passwords when two-factor is on. */
import { type AuthDeps, type Protocol, notify } from './deps.ts';
import { type AuthAccount, resolveIdentifier } from './accounts.ts';
import { dummyHash, sha256Hex, verifyPassword } from './crypto.ts';
import { VerifyCache } from './verify-cache.ts';
import { RateLimiter } from './rate-limit.ts';
import { recordSignIn } from './history.ts';
import { matchAppPassword, markAppPasswordUsed } from './app-passwords.ts';
import { twoFactorState } from './two-factor.ts';
import { newDeviceNotice } from './notices.ts';
import { describeUserAgent } from './user-agent.ts';

export interface PasswordAttempt {
  identifier: string;
  password: string;
  protocol: Protocol;
  ip: string;
  userAgent?: string;
  /** HTTP: a long-lived random device id from a cookie, to tell a new device from a known one. */
  deviceId?: string;
}

export type AuthResult =
  | { ok: true; accountId: number; account: AuthAccount; via: 'password' | 'app-password'; appPasswordId?: number; secondFactorRequired: boolean; mustChangePassword: boolean }
  | { ok: false; reason: 'invalid-credentials' | 'rate-limited'; retryAfterMs?: number };

// Limit: longer passwords are refused before hashing (argon2 cost, zxcvbn cost).
const MAX_PASSWORD = 1024;

/** Limiter keys: the IP, and the account (or the identifier itself when unknown, so both behave alike). */
export function limiterKeys(ip: string, account: AuthAccount | null, identifier: string): string[] {
  return [RateLimiter.ipKey(ip), account ? `acct:${account.id}` : `id:${identifier.trim().toLowerCase().slice(0, 320)}`];
}

/**
 * Check an identifier and password for a protocol. With two-factor on, IMAP, SMTP, DAV and JMAP
 * Basic accept only app passwords allowed for that protocol; HTTP never accepts app passwords
 * (the web sign-in then asks for the second factor: `secondFactorRequired`).
 */
const caches = new WeakMap<AuthDeps, VerifyCache>();
function cacheOf(deps: AuthDeps): VerifyCache {
  let c = caches.get(deps);
  if (!c) caches.set(deps, (c = new VerifyCache()));
  return c;
}

export async function authenticatePassword(deps: AuthDeps, a: PasswordAttempt): Promise<AuthResult> {
  const account = await resolveIdentifier(deps.store, deps.config.domain, a.identifier);
  const keys = limiterKeys(a.ip, account, a.identifier);
  const wait = deps.limiter.retryAfter(keys);
  const base = { accountId: account?.id ?? null, ip: a.ip, userAgent: a.userAgent, protocol: a.protocol };
  if (wait > 0) {
    await recordSignIn(deps, { ...base, result: 'throttled', reason: 'rate-limited' });
    return { ok: false, reason: 'rate-limited', retryAfterMs: wait };
  }
  const fail = async (reason: string): Promise<AuthResult> => {
    deps.limiter.fail(keys);
    await recordSignIn(deps, { ...base, result: 'failure', reason });
    return { ok: false, reason: 'invalid-credentials' };
  };
  // Same work whatever happens next: one argon2 verification, against a dummy hash if need be.
  const hash = account?.passwordHash ?? (await dummyHash());
  const password = a.password.length > MAX_PASSWORD ? '' : a.password;
  const cache = a.protocol === 'http' ? null : cacheOf(deps);
  const now = deps.now();
  const cached = !!account?.passwordHash && password !== '' && !!cache?.has(account.id, account.passwordHash, password, now);
  const mainOk = cached || ((await verifyPassword(hash, password)) && !!account?.passwordHash && password !== '');
  if (mainOk && cache && !cached) cache.add(account!.id, account!.passwordHash!, password, now);
  if (!account) return fail('unknown-identifier');
  if (account.status !== 'active') return fail('account-disabled');
  const tf = await twoFactorState(deps, account.id);
  if (a.protocol !== 'http') {
    const app = await matchAppPassword(deps, account.id, password);
    if (app) {
      if (!(app.protocols as string[]).includes(a.protocol)) return fail('app-password-protocol');
      await markAppPasswordUsed(deps, account.id, app.id, a.ip);
      // The device of an app password is the app password itself (mobile clients roam between IPs).
      return succeed(deps, { ...a, deviceId: `app:${app.id}` }, keys, account, 'app-password', app.id, false);
    }
    if (mainOk && tf.enabled) return fail('app-password-required');
    if (mainOk && account.mustChangePassword) return fail('password-change-required');
  }
  if (!mainOk) return fail('wrong-password');
  return succeed(deps, a, keys, account, 'password', undefined, tf.enabled && a.protocol === 'http');
}

async function succeed(deps: AuthDeps, a: PasswordAttempt, keys: string[], account: AuthAccount, via: 'password' | 'app-password', appPasswordId: number | undefined, secondFactorRequired: boolean): Promise<AuthResult> {
  deps.limiter.succeed(keys);
  await recordSignIn(deps, { accountId: account.id, ip: a.ip, userAgent: a.userAgent, protocol: a.protocol, result: 'success', reason: secondFactorRequired ? 'password-ok-second-factor-pending' : via });
  await noteDevice(deps, account, a);
  return { ok: true, accountId: account.id, account, via, appPasswordId, secondFactorRequired, mustChangePassword: account.mustChangePassword };
}

/** Remember the device; the first sign-in from an unknown one sends a notice to the account. */
export async function noteDevice(deps: AuthDeps, account: AuthAccount, a: { protocol: Protocol; ip: string; userAgent?: string; deviceId?: string }): Promise<void> {
  const ua = describeUserAgent(a.userAgent ?? '');
  // HTTP: the device cookie; app passwords: their id; otherwise protocol and network (IPv4 /24,
  // IPv6 /64), so a client moving inside its network is not "new".
  const device = sha256Hex(a.deviceId ? `device:${a.deviceId}` : `${a.protocol}:${network(a.ip)}`);
  const now = deps.now();
  const { result: isNew } = await deps.store.write(account.id as never, async (tx) => {
    const known = await tx.db.selectFrom('auth_devices').select('account_id').where('account_id', '=', account.id).where('device_hash', '=', device).executeTakeFirst();
    if (known) {
      await tx.db.updateTable('auth_devices').set({ last_seen_at: now }).where('account_id', '=', account.id).where('device_hash', '=', device).execute();
      return false;
    }
    const any = await tx.db.selectFrom('auth_devices').select('account_id').where('account_id', '=', account.id).limit(1).executeTakeFirst();
    await tx.db.insertInto('auth_devices').values({ account_id: account.id, device_hash: device, first_seen_at: now, last_seen_at: now }).execute();
    // The very first device of an account is not "new": nothing to compare with.
    return !!any;
  });
  if (isNew) notify(deps, newDeviceNotice(account, { at: now, ip: a.ip, device: ua.device, browser: ua.browser, protocol: a.protocol }, deps.config.orgName));
}

function network(ip: string): string {
  const key = RateLimiter.ipKey(ip).slice(3);
  const v4 = /^(\d+\.\d+\.\d+)\.\d+$/.exec(key);
  return v4 ? `${v4[1]}.0/24` : key;
}
