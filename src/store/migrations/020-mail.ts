/** Indexes for the mail services: date-ordered mailbox listing and a covering index for per-mailbox reads. */
import { sql, type Kysely } from 'kysely';
import type { Dialect, Migration } from './types.ts';

export const m020Mail: Migration = {
  name: '020-mail',
  async up(db: Kysely<any>, _dialect: Dialect) {
    // Email/query inMailbox sorted by receivedAt walks this index and stops at the window (src/mail/search.ts).
    await sql`CREATE INDEX mm_date ON mailbox_messages (mailbox_id, internal_date)`.execute(db);
    // Covering index for the hot per-mailbox reads, all index-only on SQLite: UIDs in order
    // (SELECT), counts and unseen (STATUS, Mailbox/get), FLAGS/MODSEQ of 1:*, tombstones (VANISHED).
    // account_id is second so the authorisation filter is answered from the index too.
    await sql`CREATE INDEX mm_status ON mailbox_messages (mailbox_id, account_id, uid, expunged_modseq, flags, modseq)`.execute(db);
  },
};
