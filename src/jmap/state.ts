/** Per-type JMAP state strings (modseq of the type's last change-log row, from src/mail/state.ts) and the quota state. RFC 8620 §1.2, §5.1, §5.2; RFC 9425 §4.1. */
import type { Store } from '../store/store.ts';
import type { AccountId } from '../store/ids.ts';
import { typeModseq } from '../mail/state.ts';
import { getQuota } from '../mail/quota.ts';
import { stateString } from './standard.ts';

/** Types whose state is the modseq of their last change-log row. */
export type LoggedType = 'Mailbox' | 'Email' | 'Thread' | 'Identity' | 'EmailSubmission' | 'VacationResponse';

/** The state of `type`: a change to another type leaves this state (and clients' caches) alone. */
export async function typeState(store: Store, account: AccountId, type: LoggedType): Promise<string> {
  return stateString(await typeModseq(store, account, type));
}

/** Quota state: changes whenever usage or the limit change (RFC 9425 §4.1). */
export async function quotaState(store: Store, account: AccountId): Promise<string> {
  const q = await getQuota(store, account);
  return `${q?.used ?? 0}-${q?.limit ?? 0}`;
}
