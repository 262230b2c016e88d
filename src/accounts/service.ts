/** Domains, accounts, addresses and aliases, groups and quotas. */
import { sql } from 'kysely';
import type { Store } from '../store/store.ts';
import type { AccountId, DomainId } from '../store/ids.ts';
import type { AccountsTable } from '../store/schema.ts';
import { createDefaultMailboxes } from '../mail/default-mailboxes.ts';
import { baseLocalPart, isValidLocalPart, nextFreeLocalPart, normaliseAddress, splitAddress, AddressError } from './address.ts';
import { hashPassword, oneTimePassword } from './password-hash.ts';

export class AccountError extends Error {
  code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export type Role = 'user' | 'helpdesk' | 'admin';

export interface AccountRow {
  id: AccountId;
  domainId: DomainId;
  address: string;
  localPart: string;
  domain: string;
  firstName: string;
  lastName: string;
  displayName: string;
  title: string;
  role: Role;
  quotaBytes: number;
  usedBytes: number;
  mustChangePassword: boolean;
  status: string;
  passwordHash: string | null;
}

export async function createDomain(store: Store, name: string, defaultQuota: number): Promise<DomainId> {
  const domain = name.toLowerCase();
  const existing = await store.db.selectFrom('domains').select('id').where('name', '=', domain).executeTakeFirst();
  if (existing) return Number(existing.id) as DomainId;
  const row = await store.db.insertInto('domains').values({ name: domain, default_quota: defaultQuota, created_at: store.clock() }).returning('id').executeTakeFirstOrThrow();
  return Number(row.id) as DomainId;
}

export async function listDomains(store: Store): Promise<{ id: DomainId; name: string; defaultQuota: number }[]> {
  const rows = await store.db.selectFrom('domains').selectAll().orderBy('name').execute();
  return rows.map((r) => ({ id: Number(r.id) as DomainId, name: r.name, defaultQuota: Number(r.default_quota) }));
}

export async function setDomainQuota(store: Store, name: string, bytes: number): Promise<void> {
  const r = await store.db.updateTable('domains').set({ default_quota: bytes }).where('name', '=', name.toLowerCase()).executeTakeFirst();
  if (!Number(r.numUpdatedRows)) throw new AccountError('DOMAIN_NOT_FOUND', `unknown domain ${name}`);
}

async function domainByName(store: Store, name: string) {
  const d = await store.db.selectFrom('domains').selectAll().where('name', '=', name.toLowerCase()).executeTakeFirst();
  if (!d) throw new AccountError('DOMAIN_NOT_FOUND', `unknown domain ${name}`);
  return d;
}

export interface NewAccount {
  domain: string;
  firstName: string;
  lastName: string;
  title?: string;
  role?: Role;
  /** A password that works at once; without it a one-time password is generated. */
  password?: string;
  quotaBytes?: number;
  /** Explicit local part or address (CSV "optional address" column). */
  address?: string;
}

export interface CreatedAccount {
  id: AccountId;
  address: string;
  oneTimePassword: string | null;
  /** Why this address: "prenom.nom", "homonym: jean.martin taken", "explicit". */
  reason: string;
}

/** Create an account with its prenom.nom address and default mailboxes. */
export async function createAccount(store: Store, input: NewAccount): Promise<CreatedAccount> {
  const domain = await domainByName(store, input.domain);
  const firstName = input.firstName.trim();
  const lastName = input.lastName.trim();
  if (!firstName && !lastName) throw new AccountError('NAME_REQUIRED', 'a first or last name is required');
  let local: string;
  let reason: string;
  if (input.address) {
    const given = input.address.includes('@') ? splitAddress(input.address) : { local: normaliseAddress(input.address), domain: domain.name };
    if (!given || given.domain !== domain.name) throw new AccountError('ADDRESS_DOMAIN', `address ${input.address} is not in domain ${domain.name}`);
    if (!isValidLocalPart(given.local)) throw new AccountError('ADDRESS_INVALID', `invalid address ${input.address}`);
    local = given.local;
    reason = 'adresse imposée / explicit address';
  } else {
    let base: string;
    try {
      base = baseLocalPart(firstName, lastName);
    } catch (e) {
      throw new AccountError('ADDRESS_INVALID', (e as AddressError).message);
    }
    const like = await store.db.selectFrom('addresses').select('address').where('address', 'like', `${base}%@${domain.name}`).execute();
    const taken = new Set(like.map((r) => r.address.slice(0, r.address.lastIndexOf('@'))));
    local = nextFreeLocalPart(base, (c) => taken.has(c));
    reason = local === base ? 'prenom.nom' : `homonyme : ${base} déjà pris / homonym: ${base} taken`;
  }
  const address = `${local}@${domain.name}`;
  const otp = input.password ? null : oneTimePassword();
  const passwordHash = await hashPassword(input.password ?? otp!);
  const now = store.clock();
  const displayName = `${firstName} ${lastName}`.trim();
  const id = await insertAccount(store, {
    domain_id: Number(domain.id),
    local_part: local,
    first_name: firstName,
    last_name: lastName,
    display_name: displayName,
    title: input.title?.trim() ?? '',
    role: input.role ?? 'user',
    password_hash: passwordHash,
    must_change_password: otp ? 1 : 0,
    password_changed_at: otp ? null : now,
    quota_bytes: input.quotaBytes ?? Number(domain.default_quota),
    used_bytes: 0,
    modseq: 1,
    status: 'active',
    created_at: now,
  }, address);
  return { id, address, oneTimePassword: otp, reason };
}

async function insertAccount(store: Store, values: Omit<AccountsTable, 'id'>, address: string): Promise<AccountId> {
  const taken = await store.db.selectFrom('addresses').select('address').where('address', '=', address).executeTakeFirst();
  if (taken) throw new AccountError('ADDRESS_TAKEN', `address ${address} is already in use`);
  const row = await store.db.insertInto('accounts').values(values).returning('id').executeTakeFirstOrThrow();
  const id = Number(row.id) as AccountId;
  await store.write(id, async (tx) => {
    await tx.db.insertInto('addresses').values({ address, account_id: id, domain_id: values.domain_id, kind: 'primary', created_at: tx.now }).execute();
    await createDefaultMailboxes(tx, id);
  });
  return id;
}

function toRow(r: any): AccountRow {
  return {
    id: Number(r.id) as AccountId,
    domainId: Number(r.domain_id) as DomainId,
    address: `${r.local_part}@${r.domain}`,
    localPart: r.local_part,
    domain: r.domain,
    firstName: r.first_name,
    lastName: r.last_name,
    displayName: r.display_name,
    title: r.title,
    role: r.role as Role,
    quotaBytes: Number(r.quota_bytes),
    usedBytes: Number(r.used_bytes),
    mustChangePassword: !!Number(r.must_change_password),
    status: r.status,
    passwordHash: r.password_hash,
  };
}

function accountQuery(store: Store) {
  return store.db.selectFrom('accounts').innerJoin('domains', 'domains.id', 'accounts.domain_id').selectAll('accounts').select('domains.name as domain');
}

/** Look up by address or alias, case-insensitive. */
export async function findAccountByAddress(store: Store, address: string): Promise<AccountRow | null> {
  const a = await store.db.selectFrom('addresses').select('account_id').where('address', '=', normaliseAddress(address)).executeTakeFirst();
  if (!a) return null;
  return getAccount(store, Number(a.account_id) as AccountId);
}

export async function getAccount(store: Store, id: AccountId): Promise<AccountRow | null> {
  const r = await accountQuery(store).where('accounts.id', '=', id).executeTakeFirst();
  return r ? toRow(r) : null;
}

export async function listAccounts(store: Store, opts: { domain?: string; search?: string; limit?: number; offset?: number } = {}): Promise<AccountRow[]> {
  let q = accountQuery(store);
  if (opts.domain) q = q.where('domains.name', '=', opts.domain.toLowerCase());
  if (opts.search) {
    const s = `%${opts.search.toLowerCase()}%`;
    q = q.where((eb) => eb.or([eb(sql`lower(accounts.display_name)`, 'like', s), eb('accounts.local_part', 'like', s), eb(sql`lower(accounts.title)`, 'like', s)]));
  }
  const rows = await q.orderBy('accounts.last_name').orderBy('accounts.first_name').limit(opts.limit ?? 10_000).offset(opts.offset ?? 0).execute();
  return rows.map(toRow);
}

export async function listAddresses(store: Store, account: AccountId): Promise<{ address: string; kind: string }[]> {
  return store.db.selectFrom('addresses').select(['address', 'kind']).where('account_id', '=', account).orderBy('kind', 'desc').orderBy('address').execute();
}

/** An alias keeps an old address working after a change of name. */
export async function addAlias(store: Store, accountAddress: string, alias: string): Promise<string> {
  const acc = await findAccountByAddress(store, accountAddress);
  if (!acc) throw new AccountError('ACCOUNT_NOT_FOUND', `unknown account ${accountAddress}`);
  const full = alias.includes('@') ? normaliseAddress(alias) : `${normaliseAddress(alias)}@${acc.domain}`;
  const parts = splitAddress(full);
  if (!parts || !isValidLocalPart(parts.local)) throw new AccountError('ADDRESS_INVALID', `invalid alias ${alias}`);
  const d = await domainByName(store, parts.domain);
  const taken = await store.db.selectFrom('addresses').select('account_id').where('address', '=', full).executeTakeFirst();
  if (taken) throw new AccountError('ADDRESS_TAKEN', `address ${full} is already in use`);
  await store.write(acc.id, async (tx) => {
    await tx.db.insertInto('addresses').values({ address: full, account_id: acc.id, domain_id: Number(d.id), kind: 'alias', created_at: tx.now }).execute();
    await tx.change(acc.id, 'Identity', acc.id, 'updated');
  });
  return full;
}

export async function setAccountQuota(store: Store, address: string, bytes: number): Promise<void> {
  const acc = await findAccountByAddress(store, address);
  if (!acc) throw new AccountError('ACCOUNT_NOT_FOUND', `unknown account ${address}`);
  await store.write(acc.id, async (tx) => {
    await tx.db.updateTable('accounts').set({ quota_bytes: bytes }).where('id', '=', acc.id).execute();
    await tx.change(acc.id, 'Quota', acc.id, 'updated');
  });
}

export async function setPassword(store: Store, account: AccountId, password: string, mustChange = false): Promise<void> {
  const h = await hashPassword(password);
  await store.db.updateTable('accounts').set({ password_hash: h, must_change_password: mustChange ? 1 : 0, password_changed_at: store.clock() }).where('id', '=', account).execute();
}

export async function countAdmins(store: Store): Promise<number> {
  const r = await store.db.selectFrom('accounts').select((eb) => eb.fn.countAll<number>().as('n')).where('role', '=', 'admin').executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function createGroup(store: Store, domain: string, name: string, members: AccountId[], description = '', address: string | null = null): Promise<number> {
  const d = await domainByName(store, domain);
  const row = await store.db.insertInto('groups').values({ domain_id: Number(d.id), name, address, description, created_at: store.clock() }).returning('id').executeTakeFirstOrThrow();
  const gid = Number(row.id);
  if (members.length) await store.db.insertInto('group_members').values(members.map((m) => ({ group_id: gid, account_id: m }))).execute();
  return gid;
}
