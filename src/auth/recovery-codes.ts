/** Ten single-use recovery codes, stored as SHA-256 hashes (60 random bits each). */
import type { AuthDeps } from './deps.ts';
import { normaliseCode, randomCode, sha256Hex } from './crypto.ts';

export const RECOVERY_CODE_COUNT = 10;

/** Replace every recovery code of the account; returns the new codes (shown once). */
export async function regenerateRecoveryCodes(deps: AuthDeps, accountId: number): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => randomCode(3, 4));
  const now = deps.now();
  await deps.store.write(accountId as never, async (tx) => {
    await tx.db.deleteFrom('auth_recovery_codes').where('account_id', '=', accountId).execute();
    await tx.db.insertInto('auth_recovery_codes').values(codes.map((c) => ({ account_id: accountId, code_hash: sha256Hex(normaliseCode(c)), used_at: null, created_at: now }))).execute();
  });
  return codes;
}

/** Use a code: true once, false ever after (the update is the check, so two uses cannot both win). */
export async function useRecoveryCode(deps: AuthDeps, accountId: number, code: string): Promise<boolean> {
  const norm = normaliseCode(code);
  // Limit: codes are 12 characters; anything longer is not one.
  if (norm.length === 0 || norm.length > 32) return false;
  const now = deps.now();
  const { result } = await deps.store.write(accountId as never, async (tx) => {
    const r = await tx.db
      .updateTable('auth_recovery_codes')
      .set({ used_at: now })
      .where('account_id', '=', accountId)
      .where('code_hash', '=', sha256Hex(norm))
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows ?? 0) === 1;
  });
  return result;
}

export async function recoveryCodesLeft(deps: AuthDeps, accountId: number): Promise<number> {
  const r = await deps.store.db
    .selectFrom('auth_recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function deleteRecoveryCodes(deps: AuthDeps, accountId: number): Promise<void> {
  await deps.store.write(accountId as never, (tx) => tx.db.deleteFrom('auth_recovery_codes').where('account_id', '=', accountId).execute());
}
