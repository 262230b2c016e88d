/** TOTP second factor. RFC 6238 (otplib), enrolment by QR code, each code and time step accepted once. */
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import type { AuthDeps } from './deps.ts';

// RFC 6238 §5.2: accept one step of clock drift either side (30 s each).
const TOLERANCE_S = 30;

/** Start (or restart) enrolment: a new pending secret, its otpauth URI and a QR code data: URL. */
export async function setupTotp(deps: AuthDeps, accountId: number, label: string): Promise<{ secret: string; otpauthUrl: string; qrDataUrl: string }> {
  if (await totpEnabled(deps, accountId)) throw new TotpStateError('totp-already-enabled');
  const secret = generateSecret({ length: 20 });
  const now = deps.now();
  await deps.store.write(accountId as never, async (tx) => {
    await tx.db.deleteFrom('auth_totp').where('account_id', '=', accountId).where('confirmed', '=', 0).execute();
    await tx.db.insertInto('auth_totp').values({ account_id: accountId, secret, confirmed: 0, last_time_step: -1, created_at: now }).execute();
  });
  const otpauthUrl = generateURI({ issuer: deps.config.orgName, label, secret });
  const qrDataUrl = await QRCode.toDataURL(otpauthUrl, { errorCorrectionLevel: 'M', margin: 2, width: 240 });
  return { secret, otpauthUrl, qrDataUrl };
}

export class TotpStateError extends Error {
  code: string;
  constructor(code: string) {
    super(code);
    this.code = code;
  }
}

export async function totpEnabled(deps: AuthDeps, accountId: number): Promise<boolean> {
  const r = await deps.store.db.selectFrom('auth_totp').select('confirmed').where('account_id', '=', accountId).executeTakeFirst();
  return !!r && Number(r.confirmed) === 1;
}

/**
 * Check a code and consume its time step in one transaction: a code, and any code of an earlier
 * or equal time step, is accepted once only (RFC 6238 §5.2, "MUST NOT accept the second attempt
 * of the same OTP after the successful validation").
 */
async function consume(deps: AuthDeps, accountId: number, code: string, pending: boolean): Promise<boolean> {
  if (!/^\d{6}$/.test(code)) return false;
  const row = await deps.store.db.selectFrom('auth_totp').selectAll().where('account_id', '=', accountId).executeTakeFirst();
  if (!row || (Number(row.confirmed) === 1) === pending) return false;
  const last = Number(row.last_time_step);
  let r;
  try {
    r = await verify({ secret: row.secret, token: code, epoch: Math.floor(deps.now() / 1000), epochTolerance: TOLERANCE_S, ...(last >= 0 ? { afterTimeStep: last } : {}) });
  } catch (e) {
    // otplib refuses unusable secrets (guardrails): treat as a wrong code, but say so.
    deps.log?.warn({ account: accountId, err: (e as Error).message }, 'auth.totp.verify-error');
    return false;
  }
  if (!r.valid) return false;
  const step = (r as { timeStep?: number }).timeStep ?? Math.floor(deps.now() / 30_000);
  const { result } = await deps.store.write(accountId as never, async (tx) => {
    // Compare-and-set: two concurrent uses of one code cannot both win.
    const u = await tx.db
      .updateTable('auth_totp')
      .set({ last_time_step: step, ...(pending ? { confirmed: 1 } : {}) })
      .where('account_id', '=', accountId)
      .where('last_time_step', '=', last)
      .executeTakeFirst();
    return Number(u.numUpdatedRows ?? 0) === 1;
  });
  return result;
}

/** Confirm enrolment with the first code. */
export function confirmTotp(deps: AuthDeps, accountId: number, code: string): Promise<boolean> {
  return consume(deps, accountId, code, true);
}

/** Second-factor check at sign-in. */
export function verifyTotp(deps: AuthDeps, accountId: number, code: string): Promise<boolean> {
  return consume(deps, accountId, code, false);
}

export async function disableTotp(deps: AuthDeps, accountId: number): Promise<void> {
  await deps.store.write(accountId as never, (tx) => tx.db.deleteFrom('auth_totp').where('account_id', '=', accountId).execute());
}

/** Is an enrolment waiting for its first code? */
export async function totpPending(deps: AuthDeps, accountId: number): Promise<boolean> {
  const r = await deps.store.db.selectFrom('auth_totp').select('confirmed').where('account_id', '=', accountId).executeTakeFirst();
  return !!r && Number(r.confirmed) === 0;
}
