/** The mailboxes every account starts with, with their special-use roles (RFC 6154 §2, RFC 8621 §2). */
import type { WriteTx } from '../store/store.ts';
import type { AccountId, MailboxId } from '../store/ids.ts';

export const DEFAULT_MAILBOXES: { name: string; role: string; sortOrder: number }[] = [
  { name: 'INBOX', role: 'inbox', sortOrder: 1 },
  { name: 'Drafts', role: 'drafts', sortOrder: 2 },
  { name: 'Sent', role: 'sent', sortOrder: 3 },
  { name: 'Archive', role: 'archive', sortOrder: 4 },
  { name: 'Junk', role: 'junk', sortOrder: 5 },
  { name: 'Trash', role: 'trash', sortOrder: 6 },
];

/** A UIDVALIDITY that changes whenever a name is re-created (RFC 9051 §2.3.1.1). */
export function newUidValidity(now: number): number {
  return (Math.floor(now / 1000) & 0x7fffffff) || 1;
}

export async function createDefaultMailboxes(tx: WriteTx, account: AccountId): Promise<Map<string, MailboxId>> {
  const modseq = await tx.modseq(account);
  const ids = new Map<string, MailboxId>();
  for (const m of DEFAULT_MAILBOXES) {
    const row = await tx.db
      .insertInto('mailboxes')
      .values({
        account_id: account,
        name: m.name,
        role: m.role,
        uid_validity: newUidValidity(tx.now),
        uid_next: 1,
        highest_modseq: modseq,
        subscribed: 1,
        created_modseq: modseq,
        updated_modseq: modseq,
        sort_order: m.sortOrder,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const id = Number(row.id) as MailboxId;
    ids.set(m.role, id);
    await tx.change(account, 'Mailbox', id, 'created', id);
  }
  return ids;
}
