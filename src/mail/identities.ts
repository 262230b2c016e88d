/** Identities (RFC 8621 §6) of an account: the jmap_identities rows of migration 060, with change-log entries of type Identity. */
import type { Generated } from 'kysely';
import type { Store } from '../store/store.ts';
import type { AccountId } from '../store/ids.ts';

export interface JmapIdentitiesTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  email: string;
  /** JSON EmailAddress[] or null. */
  reply_to: string | null;
  bcc: string | null;
  text_signature: string;
  html_signature: string;
  may_delete: number;
  updated_modseq: number;
}

declare module '../store/schema.ts' {
  interface DB {
    jmap_identities: JmapIdentitiesTable;
  }
}

export interface IdentityInput {
  name?: string;
  email?: string;
  replyTo?: unknown;
  bcc?: unknown;
  textSignature?: string;
  htmlSignature?: string;
}

export type IdentityRow = Omit<JmapIdentitiesTable, 'id'> & { id: number };

/** The account's identities, oldest first. */
export async function listIdentities(store: Store, account: AccountId): Promise<IdentityRow[]> {
  const rows = await store.db.selectFrom('jmap_identities').selectAll().where('account_id', '=', account).orderBy('id').execute();
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

/** The default identity (primary address, display name, not deletable) on first use. */
export async function ensureDefaultIdentity(store: Store, account: AccountId, email: string, name: string): Promise<void> {
  const any = await store.db.selectFrom('jmap_identities').select('id').where('account_id', '=', account).limit(1).executeTakeFirst();
  if (any) return;
  await store.write(account, async (tx) => {
    const again = await tx.db.selectFrom('jmap_identities').select('id').where('account_id', '=', account).limit(1).executeTakeFirst();
    if (again) return;
    const modseq = await tx.modseq(account);
    const r = await tx.db.insertInto('jmap_identities').values({ account_id: account, name, email, reply_to: null, bcc: null, text_signature: '', html_signature: '', may_delete: 0, updated_modseq: modseq }).returning('id').executeTakeFirstOrThrow();
    await tx.change(account, 'Identity', Number(r.id), 'created');
  });
}

/** Create a (deletable) identity; the caller checked that the account may use `email`. */
export async function createIdentity(store: Store, account: AccountId, i: Required<Pick<IdentityInput, 'email'>> & IdentityInput, origin?: string): Promise<number> {
  const { result } = await store.write(account, async (tx) => {
    const modseq = await tx.modseq(account);
    const r = await tx.db
      .insertInto('jmap_identities')
      .values({ account_id: account, name: i.name ?? '', email: i.email, reply_to: i.replyTo ? JSON.stringify(i.replyTo) : null, bcc: i.bcc ? JSON.stringify(i.bcc) : null, text_signature: i.textSignature ?? '', html_signature: i.htmlSignature ?? '', may_delete: 1, updated_modseq: modseq })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx.change(account, 'Identity', Number(r.id), 'created');
    return Number(r.id);
  }, { origin: origin as never });
  return result;
}

/** Update the given properties (email is immutable); false when the identity is not the account's. */
export async function updateIdentity(store: Store, account: AccountId, id: number, i: IdentityInput, origin?: string): Promise<boolean> {
  const { result } = await store.write(account, async (tx) => {
    const set: Record<string, unknown> = {};
    if (i.name !== undefined) set.name = i.name;
    if (i.replyTo !== undefined) set.reply_to = i.replyTo ? JSON.stringify(i.replyTo) : null;
    if (i.bcc !== undefined) set.bcc = i.bcc ? JSON.stringify(i.bcc) : null;
    if (i.textSignature !== undefined) set.text_signature = i.textSignature;
    if (i.htmlSignature !== undefined) set.html_signature = i.htmlSignature;
    const modseq = await tx.modseq(account);
    const r = await tx.db.updateTable('jmap_identities').set({ ...set, updated_modseq: modseq }).where('account_id', '=', account).where('id', '=', id).executeTakeFirst();
    if (!Number(r.numUpdatedRows)) throw new Error('NOT_FOUND');
    await tx.change(account, 'Identity', id, 'updated');
    return true;
  }, { origin: origin as never }).catch((e) => {
    if ((e as Error).message === 'NOT_FOUND') return { result: false };
    throw e;
  });
  return result;
}

/** Destroy a deletable identity of the account. */
export async function destroyIdentity(store: Store, account: AccountId, id: number): Promise<'ok' | 'notFound' | 'forbidden'> {
  const row = await store.db.selectFrom('jmap_identities').select('may_delete').where('account_id', '=', account).where('id', '=', id).executeTakeFirst();
  if (!row) return 'notFound';
  if (!Number(row.may_delete)) return 'forbidden';
  await store.write(account, async (tx) => {
    await tx.db.deleteFrom('jmap_identities').where('account_id', '=', account).where('id', '=', id).execute();
    await tx.change(account, 'Identity', id, 'destroyed');
  });
  return 'ok';
}
