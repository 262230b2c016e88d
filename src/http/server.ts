/** HTTP server skeleton (Fastify): security headers, problem details (RFC 9457), Origin and CSRF
 *  checks on state-changing requests, cookie sessions, and the plugin registration point. */
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import crypto from 'node:crypto';
import type { Config } from '../config/schema.ts';
import { createAuthDeps, csrfTokenFor, findSession, getAccount, type AuthAccount, type AuthDeps, type Session } from '../auth/index.ts';
import { AuthError } from '../auth/index.ts';
import { HttpProblem, sendProblem } from './problems.ts';
import { SESSION_COOKIE } from './session.ts';
import { authRoutes } from './routes-auth.ts';
import { securityRoutes } from './routes-security.ts';
import { adminRoutes } from './routes-admin.ts';
import { directoryRoutes } from './routes-directory.ts';
import type { HttpContext, ResolvedHttpContext } from './context.ts';

export type { HttpContext, HttpPlugin, ResolvedHttpContext } from './context.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `false`: this route takes no Origin/CSRF check (it must not rely on the session cookie). */
    csrf?: boolean;
  }
  interface FastifyRequest {
    /** The live session of the cookie, if any (any stage). */
    session: Session | null;
    /** Its account, set with `session`. */
    account: AuthAccount | null;
    /** The raw cookie token (to derive the CSRF token). */
    sessionToken: string | null;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function allowedOrigins(config: Config): Set<string> {
  const extra = config.httpAllowedOrigins.split(',').map((s) => s.trim()).filter(Boolean);
  return new Set([new URL(config.publicUrl).origin, ...extra.map((o) => new URL(o).origin)]);
}

function underTls(config: Config): boolean {
  return config.publicUrl.startsWith('https:') || !!(config.tlsCert && config.tlsKey);
}

export function createHttpServer(ctx: HttpContext): FastifyInstance {
  const auth = ctx.auth ?? createAuthDeps({ store: ctx.store, config: ctx.config, log: ctx.log });
  const rctx: ResolvedHttpContext = { ...ctx, auth };
  // Limit: 1 MiB JSON bodies by default (plugins set their own per route).
  const proxies = ctx.config.httpTrustProxy.split(',').map((x) => x.trim()).filter(Boolean);
  // Behind a reverse proxy the client address (rate limits, history) comes from X-Forwarded-For,
  // believed only from the configured proxies.
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024, trustProxy: proxies.length ? proxies : false, return503OnClosing: true });
  const origins = allowedOrigins(ctx.config);
  const tls = underTls(ctx.config);

  app.register(fastifyCookie);
  // JSON with prototype-poisoning protection (Fastify's own parser); an empty body with a JSON
  // content type (some clients send it on DELETE) is read as "no body" instead of an error.
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (body === '' || (typeof body === 'string' && body.trim() === '')) return done(null, undefined);
    json(req, body as string, done);
  });
  app.decorateRequest('session', null);
  app.decorateRequest('account', null);
  app.decorateRequest('sessionToken', null);

  app.addHook('onRequest', async (req, reply) => {
    // Baseline headers on every answer (errors included).
    reply.header('content-security-policy', "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    if (tls) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains'); // RFC 6797 §6.1
    if (req.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
  });

  app.addHook('preHandler', async (req, reply) => {
    await loadSession(auth, req);
    if (!UNSAFE.has(req.method) || req.routeOptions.config?.csrf === false) return;
    // Origin check (RFC 6454 §7): browsers send Origin on every non-GET request.
    const origin = req.headers.origin;
    const bearerOnly = !req.headers.cookie && !!req.headers.authorization;
    if (origin !== undefined ? !origins.has(origin) : !bearerOnly) return sendProblem(reply, 'origin-refused');
    // CSRF token: needed when a live session cookie gives the request its authority.
    if (req.session && req.sessionToken) {
      const got = req.headers['x-csrf-token'];
      if (typeof got !== 'string' || !safeEq(got, csrfTokenFor(req.sessionToken))) return sendProblem(reply, 'csrf-refused');
    }
  });

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof HttpProblem) return sendProblem(reply, err.code, err.extra, err.status);
    if (err instanceof AuthError) return sendProblem(reply, err.code, err.extra, err.status);
    const e = err as { statusCode?: number; code?: string; message?: string };
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendProblem(reply, 'payload-too-large');
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return sendProblem(reply, e.statusCode === 404 ? 'not-found' : e.statusCode === 405 ? 'method-not-allowed' : 'bad-request', {}, e.statusCode);
    ctx.log?.error({ err: e.message, url: req.routeOptions?.url }, 'http.error');
    return sendProblem(reply, 'internal');
  });
  app.setNotFoundHandler((_req, reply) => sendProblem(reply, 'not-found'));

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.register(async (api) => {
    await authRoutes(api, rctx);
    await securityRoutes(api, rctx);
    await adminRoutes(api, rctx);
    await directoryRoutes(api, rctx);
  });
  for (const p of ctx.plugins ?? []) app.register(async (sub) => p(sub, rctx));
  return app;
}

function safeEq(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}


async function loadSession(auth: AuthDeps, req: FastifyRequest): Promise<void> {
  const token = req.cookies?.[SESSION_COOKIE];
  if (!token) return;
  const s = await findSession(auth, token);
  if (!s) return;
  const a = await getAccount(auth.store, s.accountId);
  if (!a || a.status !== 'active') return;
  req.session = s;
  req.account = a;
  req.sessionToken = token;
}
