/** Sign-in routes: login, second factor, logout, me, password change, lost password (docs/api.md). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import * as A from '../auth/index.ts';
import { randomBytes } from 'node:crypto';
import { HttpProblem, parse } from './problems.ts';
import type { ResolvedHttpContext } from './context.ts';
import { DEVICE_COOKIE, clearSessionCookie, clientInfo, requireStage, setSessionCookie } from './session.ts';
import { webBootstrap } from '../jmap/index.ts';
import type { AccountId } from '../store/ids.ts';

// Limit: identifiers and passwords are bounded before any work.
const identifier = z.string().trim().min(1).max(320);
const password = z.string().min(1).max(1024);

const loginBody = z.strictObject({ identifier, password, sharedComputer: z.boolean().default(false) });
const secondFactorBody = z.discriminatedUnion('method', [
  z.strictObject({ method: z.literal('totp'), code: z.string().trim().regex(/^\d{6}$/) }),
  z.strictObject({ method: z.literal('recovery'), code: z.string().trim().min(1).max(40) }),
  z.strictObject({ method: z.literal('webauthn'), response: z.looseObject({ id: z.string().max(1024), type: z.string() }) }),
]);

let policyWarmed = false;

export async function authRoutes(app: FastifyInstance, ctx: ResolvedHttpContext): Promise<void> {
  const auth = ctx.auth;
  // Accounts whose password strength was already noted for their current hash (the policy check,
  // zxcvbn, costs about as much as argon2id): a new password means a new hash, noted again.
  const strengthNoted = new Map<number, string>();
  // The policy's dictionaries load on first use (a few hundred ms): once per process, at start
  // rather than in the first sign-in.
  if (!policyWarmed) {
    policyWarmed = true;
    setTimeout(() => void A.checkPasswordFor(auth, null, 'Pr3au-warm-up').catch(() => {}), 0).unref();
  }

  /**
   * Once fully signed in, the web client also gets the JMAP Session object (RFC 8620 §2) and its
   * inbox id, so that its first list request goes out at once (docs/architecture.md, web client).
   */
  async function jmapFor(req: FastifyRequest, account: A.AuthAccount, stage: string) {
    if (stage !== 'ok') return undefined;
    return (await webBootstrap(ctx, req, { account: account.id as AccountId, username: account.address, name: account.displayName })) ?? undefined;
  }

  /** Start a session at `stage`, set its cookie, answer with the client's view. */
  async function answer(req: FastifyRequest, reply: FastifyReply, account: A.AuthAccount, ns: A.NewSession) {
    setSessionCookie(reply, ctx.config, ns.token, ns.session);
    return {
      status: ns.session.stage,
      csrfToken: A.csrfTokenFor(ns.token),
      account: A.publicAccount(account),
      methods: ns.session.stage === 'second-factor' ? await A.methodsOf(auth, account.id) : [],
      expiresAt: Math.min(ns.session.expiresAt, ns.session.lastSeenAt + ns.session.idleMs),
      jmap: await jmapFor(req, account, ns.session.stage),
    };
  }

  app.post('/api/auth/login', async (req, reply) => {
    const b = parse(loginBody, req.body);
    const { ip, userAgent } = clientInfo(req);
    let device = req.cookies[DEVICE_COOKIE];
    if (!device || !/^[A-Za-z0-9_-]{22}$/.test(device)) {
      device = randomBytes(16).toString('base64url');
      reply.setCookie(DEVICE_COOKIE, device, { httpOnly: true, secure: ctx.config.publicUrl.startsWith('https:'), sameSite: 'strict', path: '/', maxAge: 400 * 86400 });
    }
    const r = await A.authenticatePassword(auth, { identifier: b.identifier, password: b.password, protocol: 'http', ip, userAgent, deviceId: device });
    if (!r.ok) throw new HttpProblem(r.reason, r.retryAfterMs ? { retryAfterMs: r.retryAfterMs } : {});
    if (req.session) await A.deleteSession(auth, req.session.accountId, req.session.id);
    if (r.account.passwordHash && strengthNoted.get(r.account.id) !== r.account.passwordHash) {
      await A.notePasswordStrength(auth, r.account, b.password);
      if (strengthNoted.size >= 10_000) strengthNoted.delete(strengthNoted.keys().next().value!);
      strengthNoted.set(r.account.id, r.account.passwordHash);
    } else if (!r.account.passwordHash) await A.notePasswordStrength(auth, r.account, b.password);
    const stage = await A.nextStage(auth, r.account, false);
    const ns = await A.createSession(auth, { accountId: r.accountId, stage, shared: b.sharedComputer, ip, userAgent });
    if (stage === 'ok') await A.audit(auth.store, { actorId: r.accountId, accountId: r.accountId, action: 'signin', ip });
    return answer(req, reply, r.account, ns);
  });

  app.post('/api/auth/webauthn/options', { preHandler: requireStage('second-factor') }, async (req) => {
    const opts = await A.authenticationOptions(auth, req.account!.id);
    await A.setChallenge(auth, req.session!, opts.challenge);
    return opts;
  });

  app.post('/api/auth/second-factor', { preHandler: requireStage('second-factor') }, async (req, reply) => {
    const b = parse(secondFactorBody, req.body);
    const s = req.session!;
    const a = req.account!;
    const { ip, userAgent } = clientInfo(req);
    const keys = [A.RateLimiter.ipKey(ip), `2fa:${a.id}`];
    const wait = auth.limiter.retryAfter(keys);
    if (wait > 0) throw new HttpProblem('rate-limited', { retryAfterMs: wait });
    let ok = false;
    if (b.method === 'totp') ok = await A.verifyTotp(auth, a.id, b.code);
    else if (b.method === 'recovery') ok = await A.useRecoveryCode(auth, a.id, b.code);
    else {
      const challenge = await A.takeChallenge(auth, s);
      ok = !!challenge && (await A.verifyPasskey(auth, a.id, b.response as never, challenge));
    }
    await A.recordSignIn(auth, { accountId: a.id, ip, userAgent, protocol: 'http', result: ok ? 'success' : 'failure', reason: `second-factor-${b.method}${ok ? '' : '-wrong'}` });
    if (!ok) {
      auth.limiter.fail(keys);
      throw new HttpProblem('invalid-second-factor');
    }
    auth.limiter.succeed(keys);
    const stage = await A.nextStage(auth, a, true);
    const ns = await A.advanceSession(auth, s, stage);
    await A.audit(auth.store, { actorId: a.id, accountId: a.id, action: 'signin', ip, details: { secondFactor: b.method } });
    return answer(req, reply, a, ns);
  });

  app.post('/api/auth/logout', async (req, reply) => {
    if (req.session) await A.deleteSession(auth, req.session.accountId, req.session.id);
    clearSessionCookie(reply, ctx.config);
    return reply.code(204).send();
  });

  app.get('/api/me', async (req) => {
    if (!req.session || !req.account || !req.sessionToken) throw new HttpProblem('unauthenticated');
    const s = req.session;
    return { account: A.publicAccount(req.account), csrfToken: A.csrfTokenFor(req.sessionToken), status: s.stage, sharedComputer: s.shared, expiresAt: Math.min(s.expiresAt, s.lastSeenAt + s.idleMs), jmap: await jmapFor(req, req.account, s.stage) };
  });

  app.post('/api/password/check', async (req) => {
    const b = parse(z.strictObject({ password: z.string().max(1024) }), req.body);
    return A.checkPasswordFor(auth, req.account?.id ?? null, b.password);
  });

  app.post('/api/password/change', { preHandler: requireStage('ok', 'password-change') }, async (req, reply) => {
    const b = parse(z.strictObject({ currentPassword: password, newPassword: z.string().max(1024) }), req.body);
    const s = req.session!;
    await A.changePassword(auth, s.accountId, b.currentPassword, b.newPassword, { sessionId: s.id, ip: req.ip });
    const a = (await A.getAccount(auth.store, s.accountId))!;
    const ns = await A.advanceSession(auth, s, s.stage === 'ok' ? 'ok' : await A.nextStage(auth, a, true));
    setSessionCookie(reply, ctx.config, ns.token, ns.session);
    return { status: ns.session.stage, csrfToken: A.csrfTokenFor(ns.token) };
  });

  app.post('/api/password/forgot', async (req, reply) => {
    const b = parse(z.strictObject({ identifier }), req.body);
    // Answer before the work is done: same answer, same timing for every identifier.
    A.startPasswordReset(auth, b.identifier, req.ip).catch((e) => ctx.log?.warn({ err: (e as Error).message }, 'auth.reset.failed'));
    return reply.code(202).send({ status: 'sent' });
  });

  app.post('/api/password/reset', async (req: FastifyRequest) => {
    const b = parse(
      z.union([
        // Limit: 100 characters. A token of the wrong shape (a link cut by the mail reader) is only
        // an unknown token: `invalid-token`, as docs/api.md promises, not `validation-failed`.
        z.strictObject({ token: z.string().max(100), newPassword: z.string().max(1024) }),
        z.strictObject({ identifier, code: z.string().min(4).max(40), newPassword: z.string().max(1024) }),
      ]),
      req.body,
    );
    await A.completePasswordReset(auth, { ...b, ip: req.ip });
    return { status: 'ok' };
  });
}
