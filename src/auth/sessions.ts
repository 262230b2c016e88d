/** Web sessions: opaque random tokens stored as SHA-256 hashes, idle and absolute timeouts. */
import type { AuthDeps } from './deps.ts';
import { hmacHex, randomToken, sha256Hex } from './crypto.ts';
import { describeUserAgent } from './user-agent.ts';

export type SessionStage = 'ok' | 'second-factor' | 'password-change' | 'second-factor-enrolment';

export interface Session {
  id: number;
  accountId: number;
  stage: SessionStage;
  shared: boolean;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  idleMs: number;
  ip: string;
  userAgent: string;
  challenge: string | null;
}

export interface NewSession {
  token: string;
  session: Session;
}

/** A pending (not yet fully signed-in) session lives at most this long. */
const PENDING_MS = 10 * 60_000;
/** last_seen_at is written at most this often (one write per minute, not per request). */
const TOUCH_EVERY_MS = 30_000;

function lifetimes(deps: AuthDeps, shared: boolean): { idleMs: number; absoluteMs: number } {
  const c = deps.config;
  return shared
    ? { idleMs: c.sharedSessionIdleMinutes * 60_000, absoluteMs: c.sharedSessionAbsoluteHours * 3600_000 }
    : { idleMs: c.sessionIdleMinutes * 60_000, absoluteMs: c.sessionAbsoluteHours * 3600_000 };
}

/** The CSRF token of a session: derived from its secret token, so nothing more is stored. */
export function csrfTokenFor(token: string): string {
  return hmacHex(token, 'preau-csrf-v1');
}

function toSession(r: { id: number; account_id: number; stage: string; shared: number; created_at: number; last_seen_at: number; expires_at: number; idle_ms: number; ip: string; user_agent: string; challenge: string | null }): Session {
  return {
    id: Number(r.id),
    accountId: Number(r.account_id),
    stage: r.stage as SessionStage,
    shared: Number(r.shared) === 1,
    createdAt: Number(r.created_at),
    lastSeenAt: Number(r.last_seen_at),
    expiresAt: Number(r.expires_at),
    idleMs: Number(r.idle_ms),
    ip: r.ip,
    userAgent: r.user_agent,
    challenge: r.challenge,
  };
}

export async function createSession(deps: AuthDeps, o: { accountId: number; stage: SessionStage; shared: boolean; ip: string; userAgent: string; createdAt?: number }): Promise<NewSession> {
  const now = deps.now();
  const { idleMs, absoluteMs } = lifetimes(deps, o.shared);
  const token = randomToken(32);
  const createdAt = o.createdAt ?? now;
  const expiresAt = o.stage === 'ok' ? createdAt + absoluteMs : Math.min(createdAt + absoluteMs, now + PENDING_MS);
  const row = { account_id: o.accountId, token_hash: sha256Hex(token), stage: o.stage, shared: o.shared ? 1 : 0, created_at: createdAt, last_seen_at: now, idle_ms: idleMs, expires_at: expiresAt, ip: o.ip, user_agent: o.userAgent.slice(0, 512), challenge: null };
  const { result } = await deps.store.write(o.accountId as never, async (tx) => {
    const r = await tx.db.insertInto('auth_sessions').values(row).returning('id').executeTakeFirstOrThrow();
    return Number(r.id);
  });
  return { token, session: toSession({ ...row, id: result }) };
}

/** Find a live session by its cookie token; expired ones are deleted. Refreshes last-seen. */
export async function findSession(deps: AuthDeps, token: string): Promise<Session | null> {
  // Limit: tokens are 43 base64url characters; anything else is not ours.
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const r = await deps.store.db.selectFrom('auth_sessions').selectAll().where('token_hash', '=', sha256Hex(token)).executeTakeFirst();
  if (!r) return null;
  const s = toSession(r);
  const now = deps.now();
  if (now >= s.expiresAt || now - s.lastSeenAt >= s.idleMs) {
    await deps.store.write(s.accountId as never, (tx) => tx.db.deleteFrom('auth_sessions').where('id', '=', s.id).execute());
    return null;
  }
  if (now - s.lastSeenAt >= TOUCH_EVERY_MS) {
    await deps.store.write(s.accountId as never, (tx) => tx.db.updateTable('auth_sessions').set({ last_seen_at: now }).where('id', '=', s.id).execute());
    s.lastSeenAt = now;
  }
  return s;
}

/**
 * Move a session to a new stage under a NEW token (the old one stops working): a token seen
 * before a sign-in step must not be worth more after it (session fixation).
 */
export async function advanceSession(deps: AuthDeps, s: Session, stage: SessionStage): Promise<NewSession> {
  await deleteSession(deps, s.accountId, s.id);
  return createSession(deps, { accountId: s.accountId, stage, shared: s.shared, ip: s.ip, userAgent: s.userAgent, createdAt: stage === 'ok' && s.stage !== 'ok' ? undefined : s.createdAt });
}

export async function setChallenge(deps: AuthDeps, s: Session, challenge: string | null): Promise<void> {
  await deps.store.write(s.accountId as never, (tx) => tx.db.updateTable('auth_sessions').set({ challenge }).where('id', '=', s.id).where('account_id', '=', s.accountId).execute());
}

/** Take the pending WebAuthn challenge (single use). */
export async function takeChallenge(deps: AuthDeps, s: Session): Promise<string | null> {
  const { result } = await deps.store.write(s.accountId as never, async (tx) => {
    const r = await tx.db.selectFrom('auth_sessions').select('challenge').where('id', '=', s.id).where('account_id', '=', s.accountId).executeTakeFirst();
    await tx.db.updateTable('auth_sessions').set({ challenge: null }).where('id', '=', s.id).execute();
    return r?.challenge ?? null;
  });
  return result;
}

/** Delete one session of this account; false when the id is not one of its sessions. */
export async function deleteSession(deps: AuthDeps, accountId: number, sessionId: number): Promise<boolean> {
  const { result } = await deps.store.write(accountId as never, async (tx) => {
    const r = await tx.db.deleteFrom('auth_sessions').where('id', '=', sessionId).where('account_id', '=', accountId).executeTakeFirst();
    return Number(r.numDeletedRows ?? 0) > 0;
  });
  return result;
}

/** End every session of the account, except `keep` when given. Returns how many ended. */
export async function deleteAllSessions(deps: AuthDeps, accountId: number, keep?: number): Promise<number> {
  const { result } = await deps.store.write(accountId as never, async (tx) => {
    let q = tx.db.deleteFrom('auth_sessions').where('account_id', '=', accountId);
    if (keep !== undefined) q = q.where('id', '!=', keep);
    const r = await q.executeTakeFirst();
    return Number(r.numDeletedRows ?? 0);
  });
  return result;
}

export async function listSessions(deps: AuthDeps, accountId: number, currentId?: number) {
  const now = deps.now();
  const rows = await deps.store.db.selectFrom('auth_sessions').selectAll().where('account_id', '=', accountId).where('stage', '=', 'ok').orderBy('last_seen_at', 'desc').execute();
  return rows
    .map(toSession)
    .filter((s) => now < s.expiresAt && now - s.lastSeenAt < s.idleMs)
    .map((s) => ({ id: s.id, current: s.id === currentId, ...describeUserAgent(s.userAgent), ip: s.ip, createdAt: s.createdAt, lastSeenAt: s.lastSeenAt, expiresAt: Math.min(s.expiresAt, s.lastSeenAt + s.idleMs), sharedComputer: s.shared }));
}
