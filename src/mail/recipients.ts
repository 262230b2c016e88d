/** Recipient resolution for inbound mail: local domain? known address or alias? room left? */
import type { AppContext } from '../context.ts';
import type { AccountId } from '../store/ids.ts';
import { normaliseAddress, splitAddress } from '../accounts/address.ts';
import { runCompiled } from '../store/compiled-query.ts';

export type RecipientLookup =
  | { kind: 'ok'; account: AccountId }
  | { kind: 'foreign-domain' }
  | { kind: 'unknown' }
  | { kind: 'disabled' }
  | { kind: 'over-quota'; account: AccountId };

/** Is `domain` one of ours? */
export async function isLocalDomain(ctx: AppContext, domain: string): Promise<boolean> {
  const [d] = await runCompiled(ctx.store, 'rcpt.domain', { name: domain.toLowerCase() }, (v) => ctx.store.db.selectFrom('domains').select('id').where('name', '=', v.name));
  return !!d;
}

export async function lookupRecipient(ctx: AppContext, address: string): Promise<RecipientLookup> {
  const parts = splitAddress(address);
  if (!parts) return { kind: 'unknown' };
  if (!(await isLocalDomain(ctx, parts.domain))) return { kind: 'foreign-domain' };
  const [row] = await runCompiled(ctx.store, 'rcpt.address', { address: normaliseAddress(address) }, (v) =>
    ctx.store.db
      .selectFrom('addresses')
      .innerJoin('accounts', 'accounts.id', 'addresses.account_id')
      .select(['accounts.id', 'accounts.status', 'accounts.quota_bytes', 'accounts.used_bytes'])
      .where('addresses.address', '=', v.address),
  );
  if (!row) return { kind: 'unknown' };
  const account = Number(row.id) as AccountId;
  if (row.status !== 'active') return { kind: 'disabled' };
  // RFC 3463 X.2.2: a recipient already at or over quota is refused at RCPT with a temporary code.
  if (Number(row.used_bytes) >= Number(row.quota_bytes)) return { kind: 'over-quota', account };
  return { kind: 'ok', account };
}
