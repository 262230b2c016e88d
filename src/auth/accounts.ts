/** Account lookups for sign-in: identifier (address, alias or local part) to account row. */
import type { Store } from '../store/store.ts';
import type { Role } from './deps.ts';

export interface AuthAccount {
  id: number;
  address: string;
  localPart: string;
  firstName: string;
  lastName: string;
  displayName: string;
  role: Role;
  status: string;
  passwordHash: string | null;
  mustChangePassword: boolean;
  passwordChangedAt: number | null;
}

// Limit: identifiers longer than an address (RFC 5321 §4.5.3.1: 64 + 1 + 255) are unknown.
const MAX_IDENTIFIER = 320;

/**
 * Address lookup. Stand-in for src/accounts `findAccountByAddress` until that service lands:
 * queries the `addresses` table (lower-cased, primary or alias).
 */
export async function findAccountIdByAddress(store: Store, address: string): Promise<number | null> {
  const row = await store.db.selectFrom('addresses').select('account_id').where('address', '=', address.toLowerCase()).executeTakeFirst();
  return row ? Number(row.account_id) : null;
}

/** Resolve what a person typed: a full address, or a local part in the configured domain. */
export async function resolveIdentifier(store: Store, domain: string, identifier: string): Promise<AuthAccount | null> {
  const id = identifier.trim().normalize('NFC').toLowerCase();
  if (!id || id.length > MAX_IDENTIFIER) return null;
  const address = id.includes('@') ? id : `${id}@${domain.toLowerCase()}`;
  const accountId = await findAccountIdByAddress(store, address);
  return accountId === null ? null : getAccount(store, accountId);
}

export async function getAccount(store: Store, accountId: number): Promise<AuthAccount | null> {
  const a = await store.db.selectFrom('accounts').selectAll().where('id', '=', accountId).executeTakeFirst();
  if (!a) return null;
  const primary = await store.db
    .selectFrom('addresses')
    .select('address')
    .where('account_id', '=', accountId)
    .where('kind', '=', 'primary')
    .executeTakeFirst();
  let address = primary?.address;
  if (!address) {
    const d = await store.db.selectFrom('domains').select('name').where('id', '=', a.domain_id).executeTakeFirst();
    address = `${a.local_part}@${d?.name ?? ''}`;
  }
  return {
    id: Number(a.id),
    address,
    localPart: a.local_part,
    firstName: a.first_name,
    lastName: a.last_name,
    displayName: a.display_name,
    role: (['user', 'helpdesk', 'admin'].includes(a.role) ? a.role : 'user') as Role,
    status: a.status,
    passwordHash: a.password_hash,
    mustChangePassword: Number(a.must_change_password) === 1,
    passwordChangedAt: a.password_changed_at === null ? null : Number(a.password_changed_at),
  };
}

/** The public view of an account (API `Account`). */
export function publicAccount(a: AuthAccount) {
  return { id: a.id, address: a.address, firstName: a.firstName, lastName: a.lastName, displayName: a.displayName, role: a.role };
}
