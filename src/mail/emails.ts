/** JMAP Email operations over placements: mailboxIds, keywords, destroy, get. RFC 8621 §4.1.1, §4.2, §4.6. */
import type { Store, WriteTx } from '../store/store.ts';
import type { AccountId, BlobId, EmailId, MailboxId, ModSeq, ThreadId, Uid } from '../store/ids.ts';
import { MailError } from './errors.ts';
import { formatFlags, keywordsToFlags, parseFlags, sameFlags, withDeletedOf } from './flags.ts';
import { allocUids, BODY_COLUMNS, chunks, insertPlacements, loadMailbox, mirrorKeywords, settleEmails, toBody, tombstone, touchMailboxes, type BodyFields, type WriteOpts } from './placements.ts';

interface EmailPlacement {
  mailbox: MailboxId;
  uid: Uid;
  flags: string[];
}

async function placementsOf(tx: WriteTx, account: AccountId, email: EmailId): Promise<EmailPlacement[]> {
  const exists = await tx.db.selectFrom('messages').select('id').where('id', '=', email).where('account_id', '=', account).executeTakeFirst();
  if (!exists) throw new MailError('EMAIL_NOT_FOUND', `email ${email} not found`);
  const rows = await tx.db.selectFrom('mailbox_messages').select(['mailbox_id', 'uid', 'flags']).where('account_id', '=', account).where('message_id', '=', email).where('expunged_modseq', 'is', null).execute();
  return rows.map((r) => ({ mailbox: Number(r.mailbox_id) as MailboxId, uid: Number(r.uid) as Uid, flags: parseFlags(r.flags) }));
}

/** JMAP `mailboxIds` (RFC 8621 §4.1.1): place the email in exactly these mailboxes (at least one). */
export async function setMailboxIds(store: Store, account: AccountId, email: EmailId, mailboxIds: readonly MailboxId[], opts: WriteOpts = {}): Promise<void> {
  const target = [...new Set(mailboxIds)];
  if (!target.length) throw new MailError('NO_MAILBOX', 'an email must be in at least one mailbox');
  await store.write(account, async (tx) => {
    const current = await placementsOf(tx, account, email);
    for (const m of target) await loadMailbox(tx.db, account, m);
    const remove = current.filter((p) => !target.includes(p.mailbox));
    const add = target.filter((m) => !current.some((p) => p.mailbox === m));
    if (!remove.length && !add.length) return;
    const modseq = await tx.modseq(account);
    for (const p of remove) await tombstone(tx, account, p.mailbox, [p.uid], modseq);
    const shared = current.length ? withDeletedOf(current[0].flags, []) : [];
    const date = await tx.db.selectFrom('messages').select('received_at').where('id', '=', email).executeTakeFirstOrThrow();
    for (const m of add) {
      const uid = await allocUids(tx, account, m, 1, modseq);
      await insertPlacements(tx, account, [{ mailbox: m, uid, messageId: email, flags: formatFlags(shared), internalDate: Number(date.received_at) }], modseq);
    }
    await touchMailboxes(tx, account, [...remove.map((p) => p.mailbox), ...add], modseq, true);
    await settleEmails(tx, account, [email]);
  }, { origin: opts.origin });
}

/** JMAP `keywords` (RFC 8621 §4.1.1): set the email's keywords on every placement, each keeping its own \Deleted. */
export async function setKeywords(store: Store, account: AccountId, email: EmailId, keywords: Record<string, boolean> | readonly string[], opts: WriteOpts = {}): Promise<void> {
  let flags: string[];
  try {
    flags = keywordsToFlags(keywords);
  } catch (e) {
    throw new MailError('INVALID_ARGUMENT', (e as Error).message);
  }
  await store.write(account, async (tx) => {
    const current = await placementsOf(tx, account, email);
    if (current.every((p) => sameFlags(p.flags, withDeletedOf(flags, p.flags)))) return;
    const modseq = await tx.modseq(account);
    const r = await mirrorKeywords(tx, account, new Map([[email, flags]]), modseq, null);
    await touchMailboxes(tx, account, r.mailboxes, modseq, r.seenChanged);
    await tx.change(account, 'Email', email, 'updated');
  }, { origin: opts.origin });
}

/** JMAP Email/set destroy: every placement becomes a tombstone and the email is destroyed (quota released). */
export async function destroyEmail(store: Store, account: AccountId, email: EmailId, opts: WriteOpts = {}): Promise<void> {
  await store.write(account, async (tx) => {
    const current = await placementsOf(tx, account, email);
    const modseq = await tx.modseq(account);
    for (const p of current) await tombstone(tx, account, p.mailbox, [p.uid], modseq);
    await touchMailboxes(tx, account, current.map((p) => p.mailbox), modseq, true);
    await settleEmails(tx, account, [email]);
  }, { origin: opts.origin });
}

/** An email with its placements and content columns (JMAP Email/get). */
export interface EmailRow {
  id: EmailId;
  threadId: ThreadId;
  blobId: BlobId;
  size: number;
  receivedAt: number;
  /** JSON verdict string as stored, or null. */
  verdict: string | null;
  mailboxIds: MailboxId[];
  /** IMAP flags shared by the placements (\Deleted excluded); JMAP keywords via flagsToKeywords(). */
  flags: string[];
  createdModseq: ModSeq;
  body?: BodyFields;
}

/** The emails of `account` among `ids` (unknown or foreign ids are simply absent: JMAP notFound). */
export async function getEmails(store: Store, account: AccountId, ids: readonly EmailId[], opts: { body?: boolean } = {}): Promise<EmailRow[]> {
  const out: EmailRow[] = [];
  for (const part of chunks([...new Set(ids)])) {
    let q = store.db.selectFrom('messages as m').select(['m.id', 'm.thread_id', 'm.blob_id', 'm.size', 'm.received_at', 'm.verdict', 'm.created_modseq', 'm.body_id']).where('m.account_id', '=', account).where('m.id', 'in', part);
    if (opts.body) q = q.innerJoin('bodies as b', 'b.id', 'm.body_id').select([...BODY_COLUMNS]) as any;
    const rows = (await q.execute()) as any[];
    const pl = await store.db.selectFrom('mailbox_messages').select(['message_id', 'mailbox_id', 'flags']).where('account_id', '=', account).where('message_id', 'in', part).where('expunged_modseq', 'is', null).execute();
    const byEmail = new Map<number, { mailboxes: MailboxId[]; flags: string[] }>();
    for (const p of pl) {
      const e = byEmail.get(Number(p.message_id)) ?? { mailboxes: [], flags: [] };
      e.mailboxes.push(Number(p.mailbox_id) as MailboxId);
      e.flags.push(...parseFlags(p.flags));
      byEmail.set(Number(p.message_id), e);
    }
    const order = new Map<number, number>(part.map((id, i) => [id, i]));
    rows.sort((a, b) => order.get(Number(a.id))! - order.get(Number(b.id))!);
    for (const r of rows) {
      const p = byEmail.get(Number(r.id)) ?? { mailboxes: [], flags: [] };
      out.push({
        id: Number(r.id) as EmailId,
        threadId: Number(r.thread_id) as ThreadId,
        blobId: r.blob_id as BlobId,
        size: Number(r.size),
        receivedAt: Number(r.received_at),
        verdict: r.verdict,
        mailboxIds: [...new Set(p.mailboxes)],
        flags: withDeletedOf(normaliseUnion(p.flags), []),
        createdModseq: Number(r.created_modseq) as ModSeq,
        body: opts.body ? toBody(r) : undefined,
      });
    }
  }
  return out;
}

function normaliseUnion(flags: string[]): string[] {
  return parseFlags(formatFlags(flags));
}

