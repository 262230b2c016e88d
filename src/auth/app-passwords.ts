/** App passwords: named, limited to chosen protocols, revocable; the only way into IMAP/SMTP/DAV
 *  once two-factor is on. */
import type { AuthDeps } from './deps.ts';
import { normaliseCode, randomCode, sha256Hex } from './crypto.ts';

export type AppProtocol = 'imap' | 'smtp' | 'dav' | 'jmap';
export const APP_PROTOCOLS: readonly AppProtocol[] = ['imap', 'smtp', 'dav', 'jmap'];

export interface AppPasswordView {
  id: number;
  name: string;
  protocols: AppProtocol[];
  createdAt: number;
  lastUsedAt: number | null;
  lastUsedIp: string | null;
}

function view(r: { id: number; name: string; protocols: string; created_at: number; last_used_at: number | null; last_used_ip: string | null }): AppPasswordView {
  return {
    id: Number(r.id),
    name: r.name,
    protocols: r.protocols.split(',').filter((p): p is AppProtocol => (APP_PROTOCOLS as string[]).includes(p)),
    createdAt: Number(r.created_at),
    lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
    lastUsedIp: r.last_used_ip,
  };
}

/** Create one; the password (4 groups of 4, ~80 bits) is returned once and stored hashed. */
export async function createAppPassword(deps: AuthDeps, accountId: number, name: string, protocols: AppProtocol[]): Promise<{ appPassword: AppPasswordView; password: string }> {
  const password = randomCode(4, 4).replace(/-/g, ' ');
  const row = { account_id: accountId, name, protocols: [...new Set(protocols)].join(','), secret_hash: sha256Hex(normaliseCode(password)), created_at: deps.now(), last_used_at: null, last_used_ip: null };
  const { result } = await deps.store.write(accountId as never, async (tx) => {
    const r = await tx.db.insertInto('auth_app_passwords').values(row).returning('id').executeTakeFirstOrThrow();
    return Number(r.id);
  });
  return { appPassword: view({ ...row, id: result }), password };
}

export async function listAppPasswords(deps: AuthDeps, accountId: number): Promise<AppPasswordView[]> {
  const rows = await deps.store.db.selectFrom('auth_app_passwords').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
  return rows.map(view);
}

export async function revokeAppPassword(deps: AuthDeps, accountId: number, id: number): Promise<boolean> {
  const { result } = await deps.store.write(accountId as never, async (tx) => {
    const r = await tx.db.deleteFrom('auth_app_passwords').where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
    return Number(r.numDeletedRows ?? 0) > 0;
  });
  return result;
}

/**
 * Find the account's app password matching `password`. Returns it whatever its protocols (the
 * caller decides), or null. The lookup is by hash: no comparison of secrets in JS.
 */
export async function matchAppPassword(deps: AuthDeps, accountId: number, password: string): Promise<AppPasswordView | null> {
  const norm = normaliseCode(password);
  if (norm.length !== 16) return null;
  const r = await deps.store.db.selectFrom('auth_app_passwords').selectAll().where('account_id', '=', accountId).where('secret_hash', '=', sha256Hex(norm)).executeTakeFirst();
  return r ? view(r) : null;
}

export async function markAppPasswordUsed(deps: AuthDeps, accountId: number, id: number, ip: string): Promise<void> {
  await deps.store.write(accountId as never, (tx) => tx.db.updateTable('auth_app_passwords').set({ last_used_at: deps.now(), last_used_ip: ip }).where('id', '=', id).where('account_id', '=', accountId).execute());
}
