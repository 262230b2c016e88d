/** Read-side adapters for Email/get, Thread/get over src/mail reads. RFC 8621 §4.1. */
import type { Store } from '../store/store.ts';
import type { AccountId } from '../store/ids.ts';
import type { ParsedMessage } from '../mime/types.ts';
import { flagsToKeywords } from '../mail/flags.ts';
import { getEmails } from '../mail/messages.ts';
import type { BodyFields } from '../mail/placements.ts';
import { getThreads } from '../mail/threads.ts';
import type { EmailId, ThreadId } from '../store/ids.ts';

/** An Email as JMAP reads it: the placement facts plus the body columns of the mail service. */
export interface EmailRow extends Omit<BodyFields, 'structure'> {
  id: number;
  blobId: string;
  threadId: number;
  size: number;
  receivedAt: number;
  verdict: string | null;
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
    // An email with no live placement is destroyed (RFC 8621 §4: every Email is in at least one Mailbox).
    if (!r.mailboxIds.length) continue;
    const { structure, ...body } = r.body!;
    out.set(r.id, { ...body, id: r.id, blobId: r.blobId, threadId: r.threadId, size: r.size, receivedAt: r.receivedAt, verdict: r.verdict, mailboxIds: r.mailboxIds, keywords: flagsToKeywords(r.flags), structure: withStructure ? structure : undefined });
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
