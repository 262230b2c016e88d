/** SMTP AUTH (PLAIN, LOGIN) for submission through the shared sign-in check. RFC 4954, RFC 4616; RFC 8314 §3 (TLS first). */
import { authenticatePassword, createAuthDeps, type AuthDeps } from '../auth/index.ts';
import type { AppContext } from '../context.ts';
import type { AccountId } from '../store/ids.ts';

export interface SubmissionUser {
  accountId: AccountId;
  address: string;
}

export type AuthOutcome = { ok: true; user: SubmissionUser } | { ok: false; code: number; message: string };

/** The shared AuthDeps (one rate limiter for every door) when the composition root provides it. */
function authDeps(ctx: AppContext): AuthDeps {
  const given = (ctx.auth ?? ctx.authDeps) as AuthDeps | undefined;
  if (given && typeof given === 'object' && 'limiter' in given) return given;
  let own = (ctx as { __submissionAuth?: AuthDeps }).__submissionAuth;
  if (!own) {
    own = createAuthDeps({ store: ctx.store, config: ctx.config, log: ctx.log, now: () => ctx.store.clock() });
    (ctx as { __submissionAuth?: AuthDeps }).__submissionAuth = own;
  }
  return own;
}

export function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.');
}

/** May credentials be sent on this connection? TLS, or loopback when configured, or allowPlainAuth. */
export function authAllowed(ctx: AppContext, secure: boolean, ip: string): boolean {
  return secure || ctx.config.allowPlainAuth || (ctx.config.allowPlainLoopback && isLoopback(ip));
}

export async function authenticateSubmission(ctx: AppContext, a: { username: string; password: string; ip: string; secure: boolean }): Promise<AuthOutcome> {
  // RFC 4954 §4 / RFC 5530 / RFC 3463: 538 5.7.11 encryption required for the mechanism.
  if (!authAllowed(ctx, a.secure, a.ip)) return { ok: false, code: 538, message: '5.7.11 Encryption required: use STARTTLS first / Chiffrement requis : utilisez STARTTLS' };
  const r = await authenticatePassword(authDeps(ctx), { identifier: a.username, password: a.password, protocol: 'smtp', ip: a.ip });
  if (r.ok) return { ok: true, user: { accountId: r.accountId as AccountId, address: r.account.address } };
  // RFC 4954 §6: 535 5.7.8 invalid credentials; a throttled client gets a temporary 454 4.7.0.
  if (r.reason === 'rate-limited') return { ok: false, code: 454, message: '4.7.0 Too many failed attempts, try again later / Trop d\'echecs, reessayez plus tard' };
  return { ok: false, code: 535, message: '5.7.8 Authentication credentials invalid / Identifiants invalides' };
}
