/** Read-side adapters for Email/get, Thread/get over src/mail reads. RFC 8621 §4.1. */
import type { Store } from '../store/store.ts';
import type { AccountId } from '../store/ids.ts';
import type { ParsedMessage } from '../mime/types.ts';
import { flagsToKeywords } from '../mail/flags.ts';
import { getEmails } from '../mail/messages.ts';
import { getThreads } from '../mail/threads.ts';
import type { EmailId, ThreadId } from '../store/ids.ts';

export interface EmailRow {
  id: number;
  blobId: string;
  threadId: number;
  size: number;
  receivedAt: number;
  verdict: string | null;
  bodyId: number;
  sentAt: number | null;
  messageId: string | null;
  inReplyTo: string | null;
  references: string | null;
  subject: string;
  from: string;
  sender: string;
  to: string;
  cc: string;
  bcc: string;
  replyTo: string;
  preview: string;
  hasAttachment: boolean;
  mailboxIds: number[];
  keywords: Record<string, true>;
  /** Lazily parsed bodies.structure. */
  structure?: string;
}

/** Emails of the account by id through the mail service (others' ids and destroyed ones are simply absent). */
export async function loadEmails(store: Store, account: AccountId, ids: number[], withStructure: boolean): Promise<Map<number, EmailRow>> {
  const out = new Map<number, EmailRow>();
  const rows = await getEmails(store, account, ids as EmailId[], { body: true });
  for (const r of rows) {
    const b = r.body!;
    // An email with no live placement is destroyed (RFC 8621 §4: every Email is in at least one Mailbox).
    if (!r.mailboxIds.length) continue;
    out.set(r.id, {
      id: r.id,
      blobId: r.blobId,
      threadId: r.threadId,
      size: r.size,
      receivedAt: r.receivedAt,
      verdict: r.verdict,
      bodyId: b.bodyId,
      sentAt: b.sentAt,
      messageId: b.messageId,
      inReplyTo: b.inReplyTo,
      references: b.references,
      subject: b.subject,
      from: b.from,
      sender: b.sender,
      to: b.to,
      cc: b.cc,
      bcc: b.bcc,
      replyTo: b.replyTo,
      preview: b.preview,
      hasAttachment: b.hasAttachment,
      mailboxIds: r.mailboxIds,
      keywords: flagsToKeywords(r.flags),
      structure: withStructure ? b.structure : undefined,
    });
  }
  return out;
}

export function parseStructure(json: string): Omit<ParsedMessage, 'text' | 'html' | 'headers'> {
  return JSON.parse(json);
}

/** Email ids of the account's threads, oldest first (RFC 8621 §3). */
export async function loadThreads(store: Store, account: AccountId, threadIds: number[]): Promise<Map<number, number[]>> {
  const rows = await getThreads(store, account, threadIds as ThreadId[]);
  return new Map(rows.map((r) => [Number(r.id), r.emailIds.map(Number)]));
}
