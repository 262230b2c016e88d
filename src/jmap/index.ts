/** JMAP adapter: session resource, API endpoint, upload/download, EventSource push. RFC 8620 §2, §3, §6, §7.3; RFC 8621. */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DEFAULT_LIMITS, sessionObject, type JmapLimits } from './capabilities.ts';
import { RequestProblem } from './errors.ts';
import { authenticate, JmapAuthError } from './auth.ts';
import { parseRequest, processRequest } from './request.ts';
import { registerBlobRoutes } from './blob-routes.ts';
import { servePush } from './push.ts';
import { purgeExpiredUploads } from '../mail/uploads.ts';
import { METHODS } from './methods/index.ts';
import type { JmapDeps, JmapPrincipal } from './types.ts';
import type { HttpPlugin } from '../http/context.ts';
import { getMailboxByRole } from '../mail/mailboxes.ts';
import { mailboxObject } from './methods/mailbox-get.ts';

export type { JmapDeps } from './types.ts';
export { METHODS } from './methods/index.ts';

function baseUrl(req: FastifyRequest): string {
  // The session's URLs follow the host the client used, so a client behind any name reaches us back.
  return `${req.protocol}://${req.headers.host ?? 'localhost'}`;
}

function problem(reply: FastifyReply, status: number, body: Record<string, unknown>): FastifyReply {
  return reply.code(status).type('application/problem+json').send({ status, ...body });
}

/** Authenticate or answer 401/403 (RFC 9457 problem details) and return null. */
async function authOrReply(deps: JmapDeps, req: FastifyRequest, reply: FastifyReply): Promise<JmapPrincipal | null> {
  try {
    return await authenticate(deps, req);
  } catch (e) {
    if (!(e instanceof JmapAuthError)) throw e;
    // RFC 9110 §11.6.1 asks for a challenge; the webmail's own requests (X-Requested-With) are
    // spared it, or the browser would open its password dialog over the sign-in page.
    if (e.status === 401 && req.headers['x-requested-with'] !== 'XMLHttpRequest') reply.header('WWW-Authenticate', 'Basic realm="Préau", charset="UTF-8"');
    problem(reply, e.status, { type: `urn:preau:problem:${e.code}`, title: e.message, code: e.code });
    return null;
  }
}

/** What the web client needs right after sign-in: the Session object (RFC 8620 §2) and the inbox id. */
export interface WebBootstrap {
  session: Record<string, unknown>;
  inboxId: string | null;
}

/** The limits of the JMAP endpoint registered over each store (the sign-in API shares the store). */
const registered = new WeakMap<object, JmapLimits>();

/**
 * For the sign-in API (src/http/routes-auth.ts): the Session object the web client would ask
 * /.well-known/jmap for, and its inbox id, so the first list request needs no round trip before
 * it. Null when no JMAP endpoint is served with this context.
 */
export async function webBootstrap(ctx: { store: JmapDeps['store'] }, req: FastifyRequest, principal: JmapPrincipal): Promise<WebBootstrap | null> {
  const limits = registered.get(ctx.store);
  if (!limits) return null;
  const inbox = await getMailboxByRole(ctx.store, principal.account, 'inbox', { counts: false });
  return { session: sessionObject({ account: principal.account, username: principal.username, name: principal.name, baseUrl: baseUrl(req), limits }), inboxId: inbox ? (mailboxObject(inbox).id as string) : null };
}

/** W3C Server-Timing: the time of each method call, for the browser's Resource Timing (bench/web). */
function serverTiming(timings: { name: string; ms: number }[]): string {
  const total = timings.reduce((a, t) => a + t.ms, 0);
  return [`jmap;dur=${total.toFixed(1)}`, ...timings.map((t, i) => `m${i};dur=${t.ms.toFixed(1)};desc="${t.name.replace(/[^A-Za-z/]/g, '')}"`)].join(', ');
}

/** Build the plugin with explicit dependencies (tests), or use `jmapPlugin` with the app ctx. */
export async function registerJmap(app: FastifyInstance, deps: JmapDeps): Promise<void> {
  const limits: JmapLimits = { ...DEFAULT_LIMITS, ...(deps.jmapLimits ?? {}) };
  registered.set(deps.store, limits);
  const active = new Map<number, number>();
  // Expired uploads stop counting against the quota at once; their rows are dropped hourly
  // (the blob sweeper deletes the unreferenced files).
  const purge = setInterval(() => void purgeExpiredUploads(deps.store, deps.store.clock()).catch((e) => deps.log.warn({ err: (e as Error).message }, 'jmap.uploads.purge.failed')), 3600_000);
  purge.unref();
  app.addHook('onClose', async () => clearInterval(purge));
  // Long-lived event streams would hold a graceful shutdown open: end them first.
  const streams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
  });
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.setErrorHandler((err: FastifyError, _req, reply) => {
      if (err instanceof RequestProblem) return problem(reply, err.status, err.toJSON());
      // RFC 8620 §3.6.1: a request over maxSizeRequest / maxSizeUpload is a "limit" problem.
      if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        const limit = _req.url.startsWith('/jmap/upload') ? 'maxSizeUpload' : 'maxSizeRequest';
        return problem(reply, 413, { type: 'urn:ietf:params:jmap:error:limit', limit, detail: 'request too large' });
      }
      deps.log.error({ err: err.message, stack: err.stack }, 'jmap.http.failed');
      return problem(reply, err.statusCode && err.statusCode < 500 ? err.statusCode : 500, { type: 'about:blank', title: err.statusCode && err.statusCode < 500 ? err.message : 'internal error' });
    });
    registerBlobRoutes(scope, deps, limits, (req, reply) => authOrReply(deps, req, reply));
    const session = async (req: FastifyRequest, reply: FastifyReply) => {
      const p = await authOrReply(deps, req, reply);
      if (!p) return reply;
      reply.header('Cache-Control', 'no-cache, no-store, must-revalidate');
      return sessionObject({ account: p.account, username: p.username, name: p.name, baseUrl: baseUrl(req), limits });
    };
    // RFC 8620 §2.2: the session resource at /.well-known/jmap (RFC 8615).
    scope.get('/.well-known/jmap', session);
    scope.get('/jmap/session', session);
    scope.post('/jmap/api', { bodyLimit: limits.maxSizeRequest }, async (req, reply) => {
      const p = await authOrReply(deps, req, reply);
      if (!p) return reply;
      const ct = String(req.headers['content-type'] ?? '');
      // RFC 8620 §3.6.1: notJSON when the content type is not application/json or the body is not I-JSON.
      if (!/^application\/json\s*(;|$)/i.test(ct)) throw new RequestProblem('notJSON', 'Content-Type must be application/json');
      let body: unknown;
      try {
        body = JSON.parse((req.body as Buffer).toString('utf8'));
      } catch {
        throw new RequestProblem('notJSON', 'the request body is not valid JSON');
      }
      const parsed = parseRequest(body, limits);
      const n = active.get(p.account) ?? 0;
      if (n >= limits.maxConcurrentRequests) throw new RequestProblem('limit', 'too many concurrent requests', { limit: 'maxConcurrentRequests', status: 429 });
      active.set(p.account, n + 1);
      try {
        const timings: { name: string; ms: number }[] = [];
        const out = await processRequest(deps, limits, p, { methods: METHODS }, parsed, timings);
        out.sessionState = sessionObject({ account: p.account, username: p.username, name: p.name, baseUrl: baseUrl(req), limits }).state;
        reply.header('Server-Timing', serverTiming(timings));
        return reply.type('application/json; charset=utf-8').send(out);
      } finally {
        const left = (active.get(p.account) ?? 1) - 1;
        if (left) active.set(p.account, left);
        else active.delete(p.account);
      }
    });
    scope.get('/jmap/eventsource', async (req, reply) => {
      const p = await authOrReply(deps, req, reply);
      if (!p) return reply;
      await servePush(deps, p, req, reply, streams);
      return reply;
    });
  });
}

/**
 * HttpPlugin for src/http/server.ts: `createHttpServer({ ...appCtx, plugins: [jmapPlugin] })`.
 * The context must carry `blobs` (the app context does) besides store, config, log and auth.
 */
export const jmapPlugin: HttpPlugin = async (app, ctx) => {
  const deps = ctx as unknown as JmapDeps;
  if (!deps.blobs || !deps.log) throw new Error('jmapPlugin needs ctx.blobs and ctx.log (pass the app context to createHttpServer)');
  await registerJmap(app, deps);
};
