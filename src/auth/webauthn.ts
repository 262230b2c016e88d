/** WebAuthn passkeys as a second factor (W3C WebAuthn Level 3, @simplewebauthn/server). */
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { AuthDeps } from './deps.ts';

export interface PasskeyView {
  id: number;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/** Relying party: the host and origin of the configured public URL (never the Host header). */
export function relyingParty(deps: AuthDeps): { rpID: string; origins: string[]; rpName: string } {
  const u = new URL(deps.config.publicUrl);
  const extra = deps.config.httpAllowedOrigins.split(',').map((s) => s.trim()).filter(Boolean);
  return { rpID: u.hostname, origins: [u.origin, ...extra], rpName: deps.config.orgName };
}

async function credentials(deps: AuthDeps, accountId: number) {
  return deps.store.db.selectFrom('auth_passkeys').selectAll().where('account_id', '=', accountId).execute();
}

export async function registrationOptions(deps: AuthDeps, account: { id: number; address: string; displayName: string }) {
  const rp = relyingParty(deps);
  const existing = await credentials(deps, account.id);
  return generateRegistrationOptions({
    rpName: rp.rpName,
    rpID: rp.rpID,
    userName: account.address,
    userDisplayName: account.displayName,
    userID: new TextEncoder().encode(`preau:${account.id}`),
    attestationType: 'none',
    excludeCredentials: existing.map((c) => ({ id: c.credential_id, transports: c.transports ? c.transports.split(',') : undefined })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
  });
}

export async function registerPasskey(deps: AuthDeps, accountId: number, name: string, response: RegistrationResponseJSON, challenge: string): Promise<PasskeyView | null> {
  const rp = relyingParty(deps);
  let v;
  try {
    v = await verifyRegistrationResponse({ response, expectedChallenge: challenge, expectedOrigin: rp.origins, expectedRPID: rp.rpID, requireUserVerification: false });
  } catch {
    return null;
  }
  if (!v.verified) return null;
  const c = v.registrationInfo.credential;
  const row = {
    account_id: accountId,
    credential_id: c.id,
    public_key: Buffer.from(c.publicKey).toString('base64url'),
    counter: c.counter,
    transports: (c.transports ?? []).join(','),
    name,
    created_at: deps.now(),
    last_used_at: null,
  };
  const { result } = await deps.store.write(accountId as never, async (tx) => {
    const taken = await tx.db.selectFrom('auth_passkeys').select('id').where('credential_id', '=', c.id).executeTakeFirst();
    if (taken) return null;
    const r = await tx.db.insertInto('auth_passkeys').values(row).returning('id').executeTakeFirstOrThrow();
    return Number(r.id);
  });
  return result === null ? null : { id: result, name, createdAt: row.created_at, lastUsedAt: null };
}

export async function authenticationOptions(deps: AuthDeps, accountId: number) {
  const rp = relyingParty(deps);
  const existing = await credentials(deps, accountId);
  return generateAuthenticationOptions({
    rpID: rp.rpID,
    allowCredentials: existing.map((c) => ({ id: c.credential_id, transports: c.transports ? c.transports.split(',') : undefined })),
    userVerification: 'preferred',
  });
}

/** Verify an assertion for this account (the credential must be one of its own). */
export async function verifyPasskey(deps: AuthDeps, accountId: number, response: AuthenticationResponseJSON, challenge: string): Promise<boolean> {
  const rp = relyingParty(deps);
  const row = await deps.store.db.selectFrom('auth_passkeys').selectAll().where('account_id', '=', accountId).where('credential_id', '=', String(response?.id ?? '')).executeTakeFirst();
  if (!row) return false;
  let v;
  try {
    v = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origins,
      expectedRPID: rp.rpID,
      credential: { id: row.credential_id, publicKey: new Uint8Array(Buffer.from(row.public_key, 'base64url')), counter: Number(row.counter), transports: row.transports ? row.transports.split(',') : undefined },
      requireUserVerification: false,
    });
  } catch {
    return false;
  }
  if (!v.verified) return false;
  await deps.store.write(accountId as never, (tx) =>
    tx.db.updateTable('auth_passkeys').set({ counter: v.authenticationInfo.newCounter, last_used_at: deps.now() }).where('id', '=', row.id).where('account_id', '=', accountId).execute(),
  );
  return true;
}

export async function listPasskeys(deps: AuthDeps, accountId: number): Promise<PasskeyView[]> {
  const rows = await credentials(deps, accountId);
  return rows.map((r) => ({ id: Number(r.id), name: r.name, createdAt: Number(r.created_at), lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at) }));
}

export async function deletePasskey(deps: AuthDeps, accountId: number, id: number): Promise<boolean> {
  const { result } = await deps.store.write(accountId as never, async (tx) => {
    const r = await tx.db.deleteFrom('auth_passkeys').where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
    return Number(r.numDeletedRows ?? 0) > 0;
  });
  return result;
}
