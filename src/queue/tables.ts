/** Kysely types of the queue tables (migration 040-queue), added to the DB interface by augmentation. */
import type { Generated } from 'kysely';

export interface QueueMessagesTable {
  id: Generated<number>;
  account_id: number;
  blob_id: string;
  size: number;
  mail_from: string;
  header_from: string;
  dsn_envid: string | null;
  /** RFC 3461 §4.3 RET: 'FULL' | 'HDRS' | null. */
  dsn_ret: string | null;
  created_at: number;
  send_at: number;
  save_sent: number;
  sent_saved: number;
  delay_warned: number;
  /** Set when every recipient is delivered or failed; the blob reference is released then. */
  done_at: number | null;
}

export type RecipientState = 'queued' | 'sending' | 'delivered' | 'deferred' | 'failed';

export interface QueueRecipientsTable {
  id: Generated<number>;
  queue_id: number;
  /** The sender's account (every user row carries account_id). */
  account_id: number;
  rcpt: string;
  domain: string;
  /** 1: a recipient of our own domains, delivered by ingest at send time (scheduled sends). */
  local: number;
  state: RecipientState;
  attempts: number;
  next_attempt_at: number;
  last_attempt_at: number | null;
  last_error: string | null;
  remote_mta: string | null;
  /** RFC 3461 §4.1 NOTIFY, comma-separated, upper-case; null = default (FAILURE,DELAY). */
  dsn_notify: string | null;
  dsn_orcpt: string | null;
  claimed_by: string | null;
  claimed_until: number;
  updated_at: number;
}

export interface DkimKeysTable {
  id: Generated<number>;
  domain_id: number;
  selector: string;
  algorithm: string; // 'rsa' | 'ed25519'
  private_key: string; // PKCS#8 PEM
  public_key: string; // base64 for the DNS p= tag
  created_at: number;
}

export interface SubmissionCountersTable {
  account_id: number;
  /** floor(epoch ms / 3 600 000). */
  hour: number;
  messages: number;
  recipients: number;
}

declare module '../store/schema.ts' {
  interface DB {
    queue_messages: QueueMessagesTable;
    queue_recipients: QueueRecipientsTable;
    dkim_keys: DkimKeysTable;
    submission_counters: SubmissionCountersTable;
  }
}
