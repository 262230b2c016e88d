/** IMAP sign-in through the shared password check (src/auth): LOGIN and AUTHENTICATE PLAIN.
 *  RFC 9051 §6.2.2–6.2.3, RFC 4616 (PLAIN), RFC 5530 (AUTHENTICATIONFAILED, UNAVAILABLE). */
import { authenticatePassword, createAuthDeps, type AuthDeps } from '../auth/index.ts';
import type { AppContext } from '../context.ts';
import type { AccountId } from '../store/ids.ts';

export type ImapAuthOutcome = { ok: true; account: AccountId; address: string } | { ok: false; code: 'AUTHENTICATIONFAILED' | 'UNAVAILABLE' };

/** The shared AuthDeps (one rate limiter for every door) when the composition root provides it. */
function authDeps(ctx: AppContext): AuthDeps {
  const given = (ctx.auth ?? ctx.authDeps) as AuthDeps | undefined;
  if (given && typeof given === 'object' && 'limiter' in given) return given;
  const slot = ctx as { __imapAuth?: AuthDeps };
  slot.__imapAuth ??= createAuthDeps({ store: ctx.store, config: ctx.config, log: ctx.log, now: () => ctx.store.clock() });
  return slot.__imapAuth;
}

export function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.');
}

/** May credentials be sent on this connection? TLS, or loopback when configured, or allowPlainAuth. */
export function loginAllowed(ctx: AppContext, secure: boolean, ip: string): boolean {
  return secure || ctx.config.allowPlainAuth || (ctx.config.allowPlainLoopback && isLoopback(ip));
}

export async function imapAuthenticate(ctx: AppContext, a: { username: string; password: string; ip: string }): Promise<ImapAuthOutcome> {
  const r = await authenticatePassword(authDeps(ctx), { identifier: a.username, password: a.password, protocol: 'imap', ip: a.ip });
  if (r.ok) return { ok: true, account: r.accountId as AccountId, address: r.account.address };
  return { ok: false, code: r.reason === 'rate-limited' ? 'UNAVAILABLE' : 'AUTHENTICATIONFAILED' };
}

/** RFC 4616 §2: message = [authzid] NUL authcid NUL passwd; null when malformed. */
export function decodePlain(b64: string): { authzid: string; username: string; password: string } | null {
  const raw = Buffer.from(b64, 'base64').toString('utf8');
  const parts = raw.split('\0');
  if (parts.length !== 3 || !parts[1] || parts[1].length > 320 || parts[2]!.length > 1024) return null;
  return { authzid: parts[0]!, username: parts[1], password: parts[2]! };
}
