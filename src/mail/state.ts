/** Per-type state of an account: the modseq of the type's last change-log row. RFC 8620 §1.2 (JMAP state strings). */
import { sql } from 'kysely';
import type { Store } from '../store/store.ts';
import type { AccountId, DataType } from '../store/ids.ts';

/**
 * The highest modseq among the change-log rows of `type` (index changes_account_type_modseq), 0
 * when none: a change to another type leaves this value (and clients' caches) alone.
 */
export async function typeModseq(store: Store, account: AccountId, type: DataType): Promise<number> {
  const r = await store.db
    .selectFrom('changes')
    .select(sql<number | null>`max(modseq)`.as('m'))
    .where('account_id', '=', account)
    .where('type', '=', type)
    .executeTakeFirst();
  return Number(r?.m ?? 0);
}
