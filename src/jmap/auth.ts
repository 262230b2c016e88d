/** JMAP authentication: web session cookie (+ CSRF header on POST), or Authorization Basic / Bearer. RFC 8620 §1.3 (HTTP auth), RFC 7617. */
import type { FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import type { AccountId } from '../store/ids.ts';
import type { AuthDeps } from '../auth/deps.ts';
import { authenticatePassword, csrfTokenFor, findSession, getAccount } from '../auth/index.ts';
import type { JmapDeps, JmapPrincipal } from './types.ts';

/** Checks an identifier + password (account password, or app password with 2FA on) for protocol 'jmap'. */
export type PasswordCheck = (identifier: string, password: string, info: { ip: string; protocol: 'jmap' }) => Promise<{ accountId: number } | null>;

export class JmapAuthError extends Error {
  status: number;
  code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const COOKIE = 'preau_session';

/** The sign-in helper's shared password check (rate limiter, app passwords when 2FA is on). */
function passwordCheckOf(authDeps: AuthDeps): PasswordCheck {
  return async (identifier, password, info) => {
    const r = await authenticatePassword(authDeps, { identifier, password, protocol: 'jmap', ip: info.ip });
    return r.ok && !r.secondFactorRequired ? { accountId: r.accountId } : null;
  };
}

function cookieToken(req: FastifyRequest): string | null {
  const fromPlugin = (req as unknown as { cookies?: Record<string, string | undefined> }).cookies?.[COOKIE];
  if (fromPlugin) return fromPlugin;
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === COOKIE) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return null;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function principalOf(deps: JmapDeps, accountId: number): Promise<JmapPrincipal | null> {
  const a = await getAccount(deps.store, accountId);
  if (!a || a.status !== 'active') return null;
  return { account: a.id as AccountId, username: a.address, name: a.displayName };
}

/**
 * Authenticate one request. Order: Authorization header (Basic → password check; Bearer → web
 * session token), else the session cookie; a state-changing request with the cookie must carry
 * X-CSRF-Token (docs/api.md "CSRF token and Origin check").
 */
export async function authenticate(deps: JmapDeps, req: FastifyRequest): Promise<JmapPrincipal> {
  const authDeps = deps.auth as AuthDeps | undefined;
  const header = req.headers.authorization;
  if (header) {
    const [scheme, value = ''] = header.split(/\s+/, 2);
    if (/^basic$/i.test(scheme)) {
      // Limit: credentials over 1 KiB are refused unparsed.
      if (value.length > 1024) throw new JmapAuthError(401, 'invalid-credentials', 'credentials too long');
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i < 0) throw new JmapAuthError(401, 'invalid-credentials', 'malformed Basic credentials');
      const check = (deps.passwordCheck as PasswordCheck | undefined) ?? (authDeps ? passwordCheckOf(authDeps) : undefined);
      if (!check) throw new JmapAuthError(401, 'unauthenticated', 'password authentication unavailable');
      const r = await check(decoded.slice(0, i), decoded.slice(i + 1), { ip: req.ip, protocol: 'jmap' });
      const p = r && (await principalOf(deps, r.accountId));
      if (!p) throw new JmapAuthError(401, 'invalid-credentials', 'wrong identifier or password');
      return p;
    }
    if (/^bearer$/i.test(scheme) && authDeps) {
      const s = await findSession(authDeps, value);
      const p = s && s.stage === 'ok' ? await principalOf(deps, s.accountId) : null;
      if (!p) throw new JmapAuthError(401, 'unauthenticated', 'invalid or expired token');
      return p;
    }
    throw new JmapAuthError(401, 'unauthenticated', 'unsupported authorization scheme');
  }
  const token = cookieToken(req);
  if (!token || !authDeps) throw new JmapAuthError(401, 'unauthenticated', 'authentication required');
  const s = await findSession(authDeps, token);
  if (!s || s.stage !== 'ok') throw new JmapAuthError(401, 'unauthenticated', 'no valid session');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    const csrf = req.headers['x-csrf-token'];
    if (typeof csrf !== 'string' || !sameSecret(csrf, csrfTokenFor(token))) throw new JmapAuthError(403, 'csrf-refused', 'missing or wrong X-CSRF-Token');
  }
  const p = await principalOf(deps, s.accountId);
  if (!p) throw new JmapAuthError(401, 'unauthenticated', 'account disabled');
  return p;
}
