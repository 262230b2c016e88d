/** Per-type JMAP state strings (modseq of the type's last change-log row) and /changes over src/mail/changes.ts. RFC 8620 §1.2, §5.1, §5.2. */
import { sql } from 'kysely';
import type { Store } from '../store/store.ts';
import type { AccountId } from '../store/ids.ts';
import { stateString } from './standard.ts';

/** Types whose state is the modseq of their last change-log row. */
export type LoggedType = 'Mailbox' | 'Email' | 'Thread' | 'Identity' | 'EmailSubmission' | 'VacationResponse';

/**
 * The state of `type`: the highest modseq among its change-log rows (index changes_account_type_modseq),
 * so that a change to another type leaves this state (and clients' caches) alone.
 */
export async function typeState(store: Store, account: AccountId, type: LoggedType): Promise<string> {
  const r = await store.db
    .selectFrom('changes')
    .select(sql<number | null>`max(modseq)`.as('m'))
    .where('account_id', '=', account)
    .where('type', '=', type)
    .executeTakeFirst();
  return stateString(Number(r?.m ?? 0));
}

/** Quota state: changes whenever usage or the limit change (RFC 9425 §4.1). */
export async function quotaState(store: Store, account: AccountId): Promise<string> {
  const a = await store.db.selectFrom('accounts').select(['used_bytes', 'quota_bytes']).where('id', '=', account).executeTakeFirst();
  return `${Number(a?.used_bytes ?? 0)}-${Number(a?.quota_bytes ?? 0)}`;
}
