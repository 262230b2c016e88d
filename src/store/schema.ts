/** Kysely table types: one schema for SQLite and PostgreSQL. Times are epoch milliseconds. */
import type { Generated } from 'kysely';

export interface DomainsTable {
  id: Generated<number>;
  name: string;
  default_quota: number;
  created_at: number;
}

export interface AccountsTable {
  id: Generated<number>;
  domain_id: number;
  /** Primary local part (prenom.nom). */
  local_part: string;
  first_name: string;
  last_name: string;
  display_name: string;
  /** fonction / établissement, shown in the directory. */
  title: string;
  role: string; // 'user' | 'helpdesk' | 'admin'
  password_hash: string | null;
  must_change_password: number;
  password_changed_at: number | null;
  quota_bytes: number;
  used_bytes: number;
  /** Per-account modseq: JMAP state strings, IMAP HIGHESTMODSEQ (ARCHITECTURE.md "Data model"). */
  modseq: number;
  status: string; // 'active' | 'disabled'
  created_at: number;
}

export interface AddressesTable {
  /** Lower-cased full address: lookups are case-insensitive. */
  address: string;
  account_id: number;
  domain_id: number;
  kind: string; // 'primary' | 'alias'
  created_at: number;
}

export interface MailboxesTable {
  id: Generated<number>;
  account_id: number;
  /** Full hierarchical name, "/" separated, UTF-8 (e.g. "Élèves 2nde B/Réunions"). */
  name: string;
  role: string | null; // inbox | drafts | sent | archive | junk | trash
  uid_validity: number;
  uid_next: number;
  highest_modseq: number;
  subscribed: number;
  created_modseq: number;
  updated_modseq: number;
  sort_order: number;
}

/** One row per distinct message content (blob): everything parsed once from the bytes.
 *  A bulletin to 50 000 staff has one body row, one blob, and 50 000 `messages` rows. */
export interface BodiesTable {
  id: Generated<number>;
  blob_id: string;
  size: number;
  sent_at: number | null;
  message_id: string | null;
  in_reply_to: string | null;
  references: string | null;
  subject: string;
  from_addr: string; // JSON EmailAddress[]
  sender: string;
  to_addr: string;
  cc_addr: string;
  bcc_addr: string;
  reply_to: string;
  preview: string;
  has_attachment: number;
  /** JSON: ParsedMessage minus text/html/headers (root MimePart with offsets, envelope, attachments ...). */
  structure: string;
  created_at: number;
}

/** One row per message in an account (JMAP Email). Placed in mailboxes by mailbox_messages. */
export interface MessagesTable {
  id: Generated<number>;
  account_id: number;
  body_id: number;
  blob_id: string;
  thread_id: number;
  size: number;
  received_at: number;
  /** JSON: security verdict (tags, scores, authentication results), null when none. */
  verdict: string | null;
  created_modseq: number;
  updated_modseq: number;
}

export interface MailboxMessagesTable {
  account_id: number;
  mailbox_id: number;
  uid: number;
  message_id: number;
  /** Space-separated flags and keywords, e.g. "\\Seen $Junk". */
  flags: string;
  modseq: number;
  /** Non-null: expunged at this modseq, kept as a tombstone for QRESYNC / JMAP changes. */
  expunged_modseq: number | null;
  internal_date: number;
}

export interface BlobsTable {
  id: string; // sha256 hex
  size: number;
  refcount: number;
  created_at: number;
  /** Set when refcount reaches 0; the sweeper deletes the file after a grace period. */
  unreferenced_at: number | null;
}

export interface ChangesTable {
  id: Generated<number>;
  account_id: number;
  modseq: number;
  type: string; // DataType
  object_id: number;
  op: string; // 'created' | 'updated' | 'destroyed'
  mailbox_id: number | null;
}

export interface ThreadsTable {
  id: Generated<number>;
  account_id: number;
  /** Normalised base subject, for subject threading. */
  base_subject: string;
  updated_at: number;
}

export interface ThreadRefsTable {
  account_id: number;
  message_id_header: string;
  thread_id: number;
}

export interface GroupsTable {
  id: Generated<number>;
  domain_id: number;
  name: string;
  address: string | null;
  description: string;
  created_at: number;
}

export interface GroupMembersTable {
  group_id: number;
  account_id: number;
}

export interface KvTable {
  key: string;
  value: string;
}

export interface DB {
  domains: DomainsTable;
  accounts: AccountsTable;
  addresses: AddressesTable;
  mailboxes: MailboxesTable;
  bodies: BodiesTable;
  messages: MessagesTable;
  mailbox_messages: MailboxMessagesTable;
  blobs: BlobsTable;
  changes: ChangesTable;
  threads: ThreadsTable;
  thread_refs: ThreadRefsTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  kv: KvTable;
}
