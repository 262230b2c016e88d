/** LOGIN. RFC 9051 §6.2.3, RFC 5530 (AUTHENTICATIONFAILED, PRIVACYREQUIRED, UNAVAILABLE, LIMIT). */
import { imapAuthenticate, loginAllowed } from '../auth.ts';
import type { Session } from '../session.ts';
import { no, NOT_AUTH, ok, type Command, type Done } from './common.ts';

/** Shared by LOGIN and AUTHENTICATE PLAIN. */
export async function signIn(s: Session, username: string, password: string): Promise<Done> {
  // RFC 9051 §6.2.3: LOGINDISABLED → the server refuses credentials in clear.
  if (!loginAllowed(s.ctx, s.secure, s.ip)) return no('use STARTTLS first', 'PRIVACYREQUIRED');
  const r = await imapAuthenticate(s.ctx, { username, password, ip: s.ip });
  if (!r.ok) {
    s.ctx.log.info({ cid: s.id, ip: s.ip, reason: r.code }, 'imap.auth.failed');
    return no(r.code === 'UNAVAILABLE' ? 'too many failed attempts, try again later' : 'invalid credentials', r.code);
  }
  // RFC 5530 §3 LIMIT: the account already has its share of connections; stay unauthenticated.
  if (s.opts.caps && !s.opts.caps.acquireAccount(s.id, r.account)) {
    s.ctx.log.info({ cid: s.id, account: r.account, max: s.opts.caps.maxPerAccount }, 'imap.auth.limit');
    return no('Too many connections for this account / Trop de connexions pour ce compte', 'LIMIT');
  }
  s.authenticated(r.account, r.address);
  s.ctx.log.info({ cid: s.id, account: r.account }, 'imap.auth.ok');
  // RFC 9051 §6.2.3: the tagged OK may carry the capabilities after sign-in.
  return ok('LOGIN completed', `CAPABILITY ${s.capabilities().join(' ')}`);
}

export const login: Command<'LOGIN'> = {
  states: NOT_AUTH,
  run: (s, req) => signIn(s, req.args.username, req.args.password),
};
