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

// Local domains seen recently, per store: every RCPT of a delivery asks. Only positive answers are
// kept (a domain added a moment ago is never refused), for LOCAL_DOMAIN_TTL_MS.
const LOCAL_DOMAIN_TTL_MS = 10_000;
const localDomains = new WeakMap<object, Map<string, number>>();

/** Is `domain` one of ours? */
export async function isLocalDomain(ctx: AppContext, domain: string): Promise<boolean> {
  const name = domain.toLowerCase();
  let seen = localDomains.get(ctx.store);
  if (!seen) localDomains.set(ctx.store, (seen = new Map()));
  const until = seen.get(name);
  if (until !== undefined && until > Date.now()) return true;
  const [d] = await runCompiled(ctx.store, 'rcpt.domain', { name }, (v) => ctx.store.db.selectFrom('domains').select('id').where('name', '=', v.name));
  if (d) {
    // Limit: at most 1 000 domains remembered (cleared beyond).
    if (seen.size >= 1000) seen.clear();
    seen.set(name, Date.now() + LOCAL_DOMAIN_TTL_MS);
  }
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
