/** Security page routes: overview, sessions, TOTP, recovery codes, passkeys, app passwords,
 *  sign-in history, recovery address (docs/api.md). Every object is looked up by account. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import * as A from '../auth/index.ts';
import { HttpProblem, parse } from './problems.ts';
import type { ResolvedHttpContext } from './context.ts';
import { requireSession, requireStage, setSessionCookie } from './session.ts';

const idParam = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const currentPassword = z.string().min(1).max(1024);

export async function securityRoutes(app: FastifyInstance, ctx: ResolvedHttpContext): Promise<void> {
  const auth = ctx.auth;
  const enrolOrOk = requireStage('ok', 'second-factor-enrolment');

  /** After a first second factor: recovery codes, and an enrolment session becomes a full one. */
  async function afterFirstFactor(req: Parameters<typeof requireSession>[0], reply: FastifyReply, wasEnabled: boolean) {
    const a = req.account!;
    const codes = wasEnabled ? null : await A.regenerateRecoveryCodes(auth, a.id);
    let csrfToken = A.csrfTokenFor(req.sessionToken!);
    if (req.session!.stage === 'second-factor-enrolment') {
      const ns = await A.advanceSession(auth, req.session!, 'ok');
      setSessionCookie(reply, ctx.config, ns.token, ns.session);
      csrfToken = A.csrfTokenFor(ns.token);
    }
    return { recoveryCodes: codes, csrfToken };
  }

  app.get('/api/security', { preHandler: requireSession }, async (req) => A.securityOverview(auth, req.account!.id, req.session!.id));

  app.put('/api/security/recovery-email', { preHandler: requireSession }, async (req) => {
    const b = parse(z.strictObject({ email: z.email().max(320).nullable(), currentPassword }), req.body);
    await A.setRecoveryEmail(auth, req.account!.id, b.email, b.currentPassword, req.ip);
    return { recoveryEmail: b.email };
  });

  app.get('/api/security/sessions', { preHandler: requireSession }, async (req) => ({ sessions: await A.listSessions(auth, req.account!.id, req.session!.id) }));

  app.delete('/api/security/sessions/:id', { preHandler: requireSession }, async (req, reply) => {
    const { id } = parse(idParam, req.params);
    if (!(await A.deleteSession(auth, req.account!.id, id))) throw new HttpProblem('not-found');
    return reply.code(204).send();
  });

  app.post('/api/security/sessions/revoke-all', { preHandler: requireSession }, async (req) => {
    const b = parse(z.strictObject({ keepCurrent: z.boolean().default(true) }), req.body);
    const revoked = await A.deleteAllSessions(auth, req.account!.id, b.keepCurrent ? req.session!.id : undefined);
    await A.audit(auth.store, { actorId: req.account!.id, accountId: req.account!.id, action: 'sessions.revoke-all', ip: req.ip, details: { revoked } });
    return { revoked };
  });

  // --- TOTP (RFC 6238) ---
  app.post('/api/security/totp/setup', { preHandler: enrolOrOk }, async (req) => {
    parse(z.strictObject({}), req.body);
    try {
      return await A.setupTotp(auth, req.account!.id, req.account!.address);
    } catch (e) {
      if (e instanceof A.TotpStateError) throw new HttpProblem(e.code);
      throw e;
    }
  });

  app.post('/api/security/totp/confirm', { preHandler: enrolOrOk }, async (req, reply) => {
    const b = parse(z.strictObject({ code: z.string().trim().regex(/^\d{6}$/) }), req.body);
    const a = req.account!;
    const before = await A.twoFactorState(auth, a.id);
    if (before.totp) throw new HttpProblem('totp-already-enabled');
    if (!(await A.totpPending(auth, a.id))) throw new HttpProblem('totp-not-pending');
    if (!(await A.confirmTotp(auth, a.id, b.code))) throw new HttpProblem('invalid-second-factor');
    await A.audit(auth.store, { actorId: a.id, accountId: a.id, action: 'two-factor.totp.enabled', ip: req.ip });
    return { enabled: true, ...(await afterFirstFactor(req, reply, before.enabled)) };
  });

  app.post('/api/security/totp/disable', { preHandler: requireSession }, async (req) => {
    const b = parse(z.strictObject({ currentPassword }), req.body);
    const a = req.account!;
    await A.requireCurrentPassword(auth, a.id, b.currentPassword, req.ip);
    const tf = await A.twoFactorState(auth, a.id);
    if (tf.passkeys === 0 && (await A.twoFactorRequired(auth, a.role))) throw new HttpProblem('forbidden');
    await A.disableTotp(auth, a.id);
    if (tf.passkeys === 0) await A.deleteRecoveryCodes(auth, a.id);
    await A.audit(auth.store, { actorId: a.id, accountId: a.id, action: 'two-factor.totp.disabled', ip: req.ip });
    return { enabled: false };
  });

  app.post('/api/security/recovery-codes', { preHandler: requireSession }, async (req) => {
    const b = parse(z.strictObject({ currentPassword }), req.body);
    const a = req.account!;
    await A.requireCurrentPassword(auth, a.id, b.currentPassword, req.ip);
    const codes = await A.regenerateRecoveryCodes(auth, a.id);
    await A.audit(auth.store, { actorId: a.id, accountId: a.id, action: 'two-factor.recovery-codes.regenerated', ip: req.ip });
    return { recoveryCodes: codes };
  });

  // --- Passkeys (WebAuthn) ---
  app.post('/api/security/passkeys/options', { preHandler: enrolOrOk }, async (req) => {
    const opts = await A.registrationOptions(auth, req.account!);
    await A.setChallenge(auth, req.session!, opts.challenge);
    return opts;
  });

  app.post('/api/security/passkeys', { preHandler: enrolOrOk }, async (req, reply) => {
    const b = parse(z.strictObject({ name: z.string().trim().min(1).max(100), response: z.looseObject({ id: z.string().max(1024), type: z.string() }) }), req.body);
    const a = req.account!;
    const challenge = await A.takeChallenge(auth, req.session!);
    const before = await A.twoFactorState(auth, a.id);
    const pk = challenge ? await A.registerPasskey(auth, a.id, b.name, b.response as never, challenge) : null;
    if (!pk) throw new HttpProblem('webauthn-failed');
    await A.audit(auth.store, { actorId: a.id, accountId: a.id, action: 'two-factor.passkey.added', ip: req.ip, details: { passkeyId: pk.id } });
    return reply.code(201).send({ passkey: pk, ...(await afterFirstFactor(req, reply, before.enabled)) });
  });

  app.get('/api/security/passkeys', { preHandler: requireSession }, async (req) => ({ passkeys: await A.listPasskeys(auth, req.account!.id) }));

  app.delete('/api/security/passkeys/:id', { preHandler: requireSession }, async (req, reply) => {
    const { id } = parse(idParam, req.params);
    const a = req.account!;
    const tf = await A.twoFactorState(auth, a.id);
    const mine = (await A.listPasskeys(auth, a.id)).some((p) => p.id === id);
    if (!mine) throw new HttpProblem('not-found');
    if (!tf.totp && tf.passkeys === 1 && (await A.twoFactorRequired(auth, a.role))) throw new HttpProblem('forbidden');
    await A.deletePasskey(auth, a.id, id);
    await A.audit(auth.store, { actorId: a.id, accountId: a.id, action: 'two-factor.passkey.removed', ip: req.ip, details: { passkeyId: id } });
    return reply.code(204).send();
  });

  // --- App passwords ---
  app.get('/api/security/app-passwords', { preHandler: requireSession }, async (req) => ({ appPasswords: await A.listAppPasswords(auth, req.account!.id) }));

  app.post('/api/security/app-passwords', { preHandler: requireSession }, async (req, reply) => {
    const b = parse(z.strictObject({ name: z.string().trim().min(1).max(100), protocols: z.array(z.enum(['imap', 'smtp', 'dav', 'jmap'])).min(1).max(4), currentPassword }), req.body);
    const a = req.account!;
    await A.requireCurrentPassword(auth, a.id, b.currentPassword, req.ip);
    const r = await A.createAppPassword(auth, a.id, b.name, b.protocols);
    await A.audit(auth.store, { actorId: a.id, accountId: a.id, action: 'app-password.created', ip: req.ip, details: { id: r.appPassword.id, protocols: b.protocols } });
    return reply.code(201).send(r);
  });

  app.delete('/api/security/app-passwords/:id', { preHandler: requireSession }, async (req, reply) => {
    const { id } = parse(idParam, req.params);
    if (!(await A.revokeAppPassword(auth, req.account!.id, id))) throw new HttpProblem('not-found');
    await A.audit(auth.store, { actorId: req.account!.id, accountId: req.account!.id, action: 'app-password.revoked', ip: req.ip, details: { id } });
    return reply.code(204).send();
  });

  app.get('/api/security/sign-ins', { preHandler: requireSession }, async (req) => {
    const q = parse(z.object({ limit: z.coerce.number().int().min(1).max(500).default(50), before: z.coerce.number().int().positive().optional() }), req.query);
    return { signIns: await A.listSignIns(auth, req.account!.id, q) };
  });
}
