/** Classifier training from what users do: moving mail into Junk says "spam", out of it says "not spam" (issue 8; $Junk keyword, RFC 5788 registry; Junk role, RFC 6154 §2 / RFC 8621 §2). */
import type { Store } from '../store/store.ts';
import type { BlobStore } from '../blobs/blob-store.ts';
import type { AccountId, BlobId, EmailId, MailboxId } from '../store/ids.ts';
import type { ParsedMessage } from '../mime/types.ts';
import type { Logger } from '../log/index.ts';
import { parseMessage } from '../mime/index.ts';
import { train, type BayesClass } from './bayes.ts';

export interface TrainingDeps {
  store: Store;
  blobs: BlobStore;
  /** Where the never-throwing helpers report a failure (`security.train.failed`). */
  log?: Logger;
}

export type TrainDirection = BayesClass;

export interface TrainingResult {
  /** Emails whose counts were updated (or already trained in this class). */
  trained: EmailId[];
  /** Ids not found in this account, or whose blob could not be read or parsed. */
  skipped: EmailId[];
}

// Limit: at most 500 emails per call (a user moving a whole folder into Junk must not hold the
// caller for minutes; the first 500 teach the classifier enough), and the first 2 MiB of each
// message: the words are in the headers and text parts, attachments add nothing to the tokens.
export const MAX_TRAIN_EMAILS = 500;
export const MAX_TRAIN_BYTES = 2 * 1024 * 1024;

/** The stored message of one email of `account` (never another account's), parsed; null when unreadable. */
export async function loadForTraining(deps: TrainingDeps, account: AccountId, email: EmailId): Promise<{ raw: Buffer; parsed: ParsedMessage; blobId: BlobId } | null> {
  const row = await deps.store.db.selectFrom('messages').select(['blob_id', 'size']).where('account_id', '=', account).where('id', '=', email).executeTakeFirst();
  if (!row) return null;
  const blobId = row.blob_id as BlobId;
  try {
    const size = Number(row.size);
    const raw = size > MAX_TRAIN_BYTES ? await deps.blobs.get(blobId, { start: 0, end: MAX_TRAIN_BYTES }) : await deps.blobs.get(blobId);
    return { raw, parsed: await parseMessage(raw), blobId };
  } catch {
    // A missing or unreadable blob must not fail the user's move: the email is only skipped.
    return null;
  }
}

/**
 * Train the account's (and its domain's) classifier on emails the user moved into Junk
 * (`'spam'`) or out of Junk (`'ham'`). Idempotent per message: training again in the same class
 * changes nothing; in the other class it moves the counts. Call it after the move committed;
 * a failure here must not undo the move (log it).
 */
export async function trainOnMove(ctx: TrainingDeps, account: AccountId, emailIds: readonly EmailId[], direction: TrainDirection): Promise<TrainingResult> {
  const ids = [...new Set(emailIds)];
  const out: TrainingResult = { trained: [], skipped: ids.slice(MAX_TRAIN_EMAILS) };
  for (const id of ids.slice(0, MAX_TRAIN_EMAILS)) {
    const msg = await loadForTraining(ctx, account, id);
    if (!msg) {
      out.skipped.push(id);
      continue;
    }
    await train(ctx.store, account, { raw: msg.raw, parsed: msg.parsed }, direction);
    out.trained.push(id);
  }
  return out;
}

/**
 * What a change of mailboxes teaches: into Junk (from anywhere not Junk) is spam; out of Junk into
 * a mailbox that is neither Junk nor Trash is "not spam" (deleting junk says nothing); else null.
 * `before` / `after` are the email's mailboxes (or the source / destination of an IMAP MOVE or COPY).
 */
export async function junkDirection(store: Store, account: AccountId, before: readonly MailboxId[], after: readonly MailboxId[]): Promise<TrainDirection | null> {
  const ids = [...new Set([...before, ...after])];
  if (!ids.length) return null;
  const rows = await store.db.selectFrom('mailboxes').select(['id', 'role']).where('account_id', '=', account).where('id', 'in', ids).execute();
  const role = new Map(rows.map((r) => [Number(r.id), r.role]));
  const isJunk = (m: MailboxId) => role.get(m) === 'junk';
  const wasJunk = before.some(isJunk);
  const nowJunk = after.some(isJunk);
  if (nowJunk && !wasJunk) return 'spam';
  if (wasJunk && !nowJunk && after.some((m) => role.has(m) && role.get(m) !== 'trash')) return 'ham';
  return null;
}

/**
 * `junkDirection` then `trainOnMove`: the one call after a JMAP `mailboxIds` change (RFC 8621 §4.6)
 * committed. Never throws (training must not fail the user's change); null when nothing was learnt.
 */
export async function trainOnMailboxChange(ctx: TrainingDeps, account: AccountId, emailIds: readonly EmailId[], before: readonly MailboxId[], after: readonly MailboxId[]): Promise<TrainingResult | null> {
  try {
    if (!emailIds.length) return null;
    const direction = await junkDirection(ctx.store, account, before, after);
    return direction ? await trainOnMove(ctx, account, emailIds, direction) : null;
  } catch (e) {
    ctx.log?.warn({ event: 'security.train.failed', account, err: (e as Error).message });
    return null;
  }
}

/**
 * After an IMAP MOVE or COPY (RFC 6851 §3.1, RFC 9051 §6.4.7) from `src` to `dest`: the emails now
 * at `destUids` in `dest` teach spam (into Junk) or ham (out of Junk). Never throws: training must
 * not fail a command that already committed; a failure is logged as `security.train.failed`.
 */
export async function trainAfterTransfer(
  ctx: TrainingDeps,
  account: AccountId,
  src: MailboxId,
  dest: MailboxId,
  destUids: readonly number[],
): Promise<TrainingResult | null> {
  try {
    if (!destUids.length || src === dest) return null;
    const direction = await junkDirection(ctx.store, account, [src], [dest]);
    if (!direction) return null;
    return await trainOnMove(ctx, account, await emailIdsOfUids(ctx.store, account, dest, destUids), direction);
  } catch (e) {
    ctx.log?.warn({ event: 'security.train.failed', account, err: (e as Error).message });
    return null;
  }
}

/** The emails behind UIDs of one mailbox of `account` (e.g. the destination UIDs of an IMAP MOVE, RFC 6851 COPYUID). */
export async function emailIdsOfUids(store: Store, account: AccountId, mailbox: MailboxId, uids: readonly number[]): Promise<EmailId[]> {
  const out: EmailId[] = [];
  for (let i = 0; i < uids.length && out.length < MAX_TRAIN_EMAILS; i += 400) {
    const rows = await store.db
      .selectFrom('mailbox_messages')
      .select('message_id')
      .where('account_id', '=', account)
      .where('mailbox_id', '=', mailbox)
      .where('uid', 'in', uids.slice(i, i + 400))
      .execute();
    for (const r of rows) out.push(Number(r.message_id) as EmailId);
  }
  return out;
}
