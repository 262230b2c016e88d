/** Cookie sessions for HTTP routes: the cookie, and the `requireSession` preHandler others reuse. */
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Config } from '../config/schema.ts';
import type { Session, SessionStage } from '../auth/index.ts';
import { HttpProblem } from './problems.ts';

export const SESSION_COOKIE = 'preau_session';
export const DEVICE_COOKIE = 'preau_device';

const STAGE_PROBLEM: Record<Exclude<SessionStage, 'ok'>, string> = {
  'second-factor': 'second-factor-required',
  'password-change': 'password-change-required',
  'second-factor-enrolment': 'second-factor-enrolment-required',
};

/** preHandler: a fully signed-in session is required (404-free: 401 `unauthenticated` otherwise). */
export const requireSession: preHandlerAsyncHookHandler = async (req) => {
  if (!req.session || !req.account) throw new HttpProblem('unauthenticated');
  if (req.session.stage !== 'ok') throw new HttpProblem(STAGE_PROBLEM[req.session.stage]);
};

/** preHandler: a session at one of these stages (sign-in steps). */
export function requireStage(...stages: SessionStage[]): preHandlerAsyncHookHandler {
  return async (req) => {
    if (!req.session || !req.account) throw new HttpProblem('unauthenticated');
    if (!stages.includes(req.session.stage)) throw new HttpProblem(req.session.stage === 'ok' ? 'forbidden' : STAGE_PROBLEM[req.session.stage]);
  };
}

/** preHandler: signed in with one of these roles. */
export function requireRole(...roles: string[]): preHandlerAsyncHookHandler {
  return async (req, reply) => {
    await requireSession.call(req.server, req, reply);
    if (!roles.includes(req.account!.role)) throw new HttpProblem('forbidden');
  };
}

export function setSessionCookie(reply: FastifyReply, config: Config, token: string, s: Session): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    secure: config.publicUrl.startsWith('https:'),
    sameSite: 'strict',
    path: '/',
    // "Shared computer": no Max-Age, the cookie dies with the browser session.
    ...(s.shared ? {} : { maxAge: Math.max(1, Math.floor((s.expiresAt - s.createdAt) / 1000)) }),
  });
}

export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, secure: config.publicUrl.startsWith('https:'), sameSite: 'strict', path: '/' });
}

export function clientInfo(req: FastifyRequest): { ip: string; userAgent: string } {
  return { ip: req.ip, userAgent: String(req.headers['user-agent'] ?? '').slice(0, 512) };
}
