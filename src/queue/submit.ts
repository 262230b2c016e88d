/** The submission service (SMTP submission and JMAP EmailSubmission): policy, local delivery, Sent copy, durable queue. RFC 6409, RFC 8621 §7. */
import type { AccountId, SessionId } from '../store/ids.ts';
import { parseSize } from '../config/load.ts';
import { ingest, type IngestTarget } from '../mail/ingest.ts';
import { vacationAfterDelivery } from '../mail/vacation-reply.ts';
import { lookupRecipient } from '../mail/recipients.ts';
import { splitAddress } from '../accounts/address.ts';
import { SubmissionError, type SendCtx } from './context.ts';
import { completeHeaders, domainOf, fromAddresses, headerValues, longestLine, normaliseLineEndings } from './message.ts';
import { checkLimits, checkSenders, countSubmission, hourlyUsage } from './policy.ts';
import { enqueue, getQueueMessage, listQueue, queueSignal, recipientsOf, removeQueued, type EnqueueInput } from './queue-store.ts';

export interface SubmitRecipient {
  address: string;
  /** RFC 3461 NOTIFY values, e.g. ['FAILURE', 'DELAY'] or ['NEVER']. */
  notify?: string[];
  orcpt?: string;
}

export interface SubmitInput {
  accountId: AccountId;
  raw: Buffer;
  mailFrom: string;
  rcptTo: (string | SubmitRecipient)[];
  /** Scheduled send (epoch ms); undo-send uses now + 10 s and `cancelSubmission`. */
  sendAt?: number;
  /** Store a copy in the sender's Sent mailbox (role 'sent', \Seen). Default true (JMAP). */
  saveToSent?: boolean;
  /** RFC 3461 §4.3 / §4.4 ENVID and RET. */
  dsn?: { envid?: string | null; ret?: string | null };
  /** Trace field (Received:) to prepend, built by the adapter. */
  received?: string;
  origin?: SessionId;
}

export interface LocalOutcome {
  address: string;
  account: AccountId;
  /** 'delivered' now, 'scheduled' (delivered at sendAt), 'queued' (retried by the worker). */
  state: 'delivered' | 'scheduled' | 'queued';
}

export interface SubmitResult {
  /** Queue entry (remote recipients, or everything for a scheduled send); null when nothing was queued. */
  queueId: number | null;
  messageId: string | null;
  sendAt: number;
  local: LocalOutcome[];
  remote: string[];
  size: number;
}

const MAX_SCHEDULE_MS = 366 * 24 * 3_600_000;

function recipientList(rcptTo: SubmitInput['rcptTo']): SubmitRecipient[] {
  const seen = new Set<string>();
  const out: SubmitRecipient[] = [];
  for (const r of rcptTo) {
    const x = typeof r === 'string' ? { address: r } : r;
    const a = x.address.trim().toLowerCase();
    if (!splitAddress(a)) throw new SubmissionError('INVALID_ADDRESS', 501, '5.1.3', `Invalid recipient address <${x.address}> / Adresse invalide`);
    if (seen.has(a)) continue;
    seen.add(a);
    out.push({ ...x, address: a });
  }
  return out;
}

/** Classify recipients: our domains (must exist and be active) or remote. RFC 5321 §3.6.2. */
async function classify(ctx: SendCtx, rcpts: SubmitRecipient[]): Promise<{ local: (SubmitRecipient & { account: AccountId })[]; remote: SubmitRecipient[] }> {
  const local: (SubmitRecipient & { account: AccountId })[] = [];
  const remote: SubmitRecipient[] = [];
  for (const r of rcpts) {
    const l = await lookupRecipient(ctx, r.address);
    switch (l.kind) {
      case 'foreign-domain':
        remote.push(r);
        break;
      case 'ok':
      case 'over-quota':
        local.push({ ...r, account: l.account });
        break;
      case 'unknown':
        throw new SubmissionError('INVALID_ADDRESS', 550, '5.1.1', `No such user here: <${r.address}> / Destinataire inconnu`);
      case 'disabled':
        throw new SubmissionError('INVALID_ADDRESS', 550, '5.2.1', `Mailbox disabled: <${r.address}> / Boite desactivee`);
    }
  }
  return { local, remote };
}

/** Check a recipient at RCPT time (SMTP): throws the SubmissionError a client should see. */
export async function checkRecipient(ctx: SendCtx, address: string): Promise<'local' | 'remote'> {
  const { local } = await classify(ctx, recipientList([address]));
  return local.length ? 'local' : 'remote';
}

/**
 * Submit a message. Refusals are SubmissionErrors carrying their SMTP reply. Resolves after the
 * queue commit (remote recipients) and local delivery, so a `250` or a JMAP success is durable.
 */
export async function submitMessage(ctx: SendCtx, input: SubmitInput): Promise<SubmitResult> {
  const now = ctx.store.clock();
  const cfg = ctx.config;
  const rcpts = recipientList(input.rcptTo);
  if (!rcpts.length) throw new SubmissionError('NO_RECIPIENTS', 554, '5.5.1', 'No valid recipients / Aucun destinataire');
  // RFC 5321 §4.5.3.1.8: at least 100 recipients must be accepted; more is policy.
  if (rcpts.length > cfg.submissionMaxRecipients) throw new SubmissionError('TOO_MANY_RECIPIENTS', 452, '4.5.3', `Too many recipients (max ${cfg.submissionMaxRecipients}) / Trop de destinataires`);
  // RFC 1870 §6.3 / RFC 3463 X.3.4: message too big for system.
  if (input.raw.length > parseSize(cfg.maxMessageSize)) throw new SubmissionError('TOO_BIG', 552, '5.3.4', 'Message too big for system / Message trop volumineux');
  const raw = normaliseLineEndings(completeHeaders(input.raw, { hostname: cfg.hostname, now, received: input.received }));
  // RFC 5322 §2.1.1 / RFC 5321 §4.5.3.1.6: lines of at most 998 octets; refusing beats breaking
  // them in flight (which would change the signed bytes).
  if (longestLine(raw) > 998) throw new SubmissionError('INVALID_MESSAGE', 554, '5.6.0', 'A line is longer than 998 characters (RFC 5322 2.1.1); use quoted-printable or base64 / Ligne de plus de 998 caracteres');
  const headerFrom = fromAddresses(raw);
  await checkSenders(ctx, input.accountId, input.mailFrom, headerFrom);
  const { local, remote } = await classify(ctx, rcpts);
  const sendAt = input.sendAt && input.sendAt > now ? Math.min(input.sendAt, now + MAX_SCHEDULE_MS) : now;
  const scheduled = sendAt > now;
  const saveToSent = input.saveToSent ?? true;
  const messageId = headerValues(raw, 'message-id')[0] ?? null;
  const toQueue: EnqueueInput['recipients'] = [
    ...(scheduled ? local : []).map((r) => ({ rcpt: r.address, domain: domainOf(r.address), local: true, notify: r.notify?.join(',') ?? null, orcpt: r.orcpt ?? null })),
    ...remote.map((r) => ({ rcpt: r.address, domain: domainOf(r.address), local: false, notify: r.notify?.join(',') ?? null, orcpt: r.orcpt ?? null })),
  ];
  // RFC 6409 §4.1 / RFC 3463 X.7.1: the hard hourly limit is checked before anything is stored.
  checkLimits(ctx, await hourlyUsage(ctx, input.accountId, now), rcpts.length);
  const blob = toQueue.length ? await ctx.blobs.put(raw) : null;
  const base = { account: input.accountId, size: raw.length, mailFrom: input.mailFrom.toLowerCase(), headerFrom: headerFrom.join(', '), sendAt, dsn: input.dsn };
  // The counter (and the queue entry) and the local delivery are two transactions that run side by
  // side: on SQLite they share one group commit (one fsync). Both are committed before we return.
  const queued = ctx.store.write(input.accountId, async (tx) => {
    await countSubmission(ctx, tx, input.accountId, rcpts.length, false);
    if (!blob) return null;
    return enqueue(tx, { ...base, blobId: blob.id, saveSent: scheduled && saveToSent, recipients: toQueue });
  });
  const outcome: LocalOutcome[] = local.map((r) => ({ address: r.address, account: r.account, state: scheduled ? 'scheduled' : 'delivered' }));
  const targets: IngestTarget[] = scheduled ? [] : local.map((r) => ({ account: r.account }));
  if (!scheduled && saveToSent) targets.push({ account: input.accountId, role: 'sent', keywords: ['\\Seen'] });
  const delivered = targets.length ? ingest(ctx, { raw, targets, receivedAt: now, origin: input.origin }).then((res) => ({ res, error: null }), (error: Error) => ({ res: null, error })) : null;
  const [{ result: queueId }, d] = await Promise.all([queued, delivered]);
  if (queueId !== null) queueSignal.emit('queued');
  if (d?.error) {
    ctx.log.error({ event: 'submission.local.error', account: input.accountId, err: d.error.message }, 'submission.local.error');
    await queueLocal(ctx, base, raw, local, outcome);
  } else if (d?.res?.overQuota.length) {
    // Over quota now: the worker retries and bounces after the queue lifetime.
    const over = new Set(d.res.overQuota);
    await queueLocal(ctx, base, raw, local.filter((r) => over.has(r.account)), outcome);
  }
  // Colleagues on holiday answer colleagues too (RFC 3834; never throws, never delays the reply).
  if (d?.res) for (const a of new Set(d.res.delivered.map((x) => x.account))) if (a !== input.accountId) void vacationAfterDelivery(ctx, { account: a, raw, mailFrom: input.mailFrom, role: 'inbox' });
  ctx.log.info({ event: 'submission.accepted', account: input.accountId, queueId, local: local.length, remote: remote.length, size: raw.length, scheduled }, 'submission.accepted');
  return { queueId, messageId, sendAt, local: outcome, remote: remote.map((r) => r.address), size: raw.length };
}

/** Local recipients that could not be delivered at once go through the queue (the worker calls ingest). */
async function queueLocal(ctx: SendCtx, base: Omit<EnqueueInput, 'blobId' | 'saveSent' | 'recipients'>, raw: Buffer, rcpts: (SubmitRecipient & { account: AccountId })[], outcome: LocalOutcome[]): Promise<void> {
  if (!rcpts.length) return;
  const blob = await ctx.blobs.put(raw);
  const later = ctx.store.clock() + 60_000;
  await ctx.store.write(base.account, (tx) =>
    enqueue(tx, { ...base, sendAt: later, blobId: blob.id, saveSent: false, recipients: rcpts.map((r) => ({ rcpt: r.address, domain: domainOf(r.address), local: true, notify: r.notify?.join(',') ?? null, orcpt: r.orcpt ?? null })) }),
  );
  for (const o of outcome) if (rcpts.some((r) => r.address === o.address)) o.state = 'queued';
}

export interface SubmissionView {
  queueId: number;
  sendAt: number;
  createdAt: number;
  done: boolean;
  /** Every recipient still waiting and never tried: the send can be cancelled. */
  cancellable: boolean;
  recipients: { address: string; state: string; attempts: number; lastError: string | null; nextAttemptAt: number }[];
}

function view(m: Awaited<ReturnType<typeof listQueue>>[number], now: number): SubmissionView {
  return {
    queueId: Number(m.message.id),
    sendAt: Number(m.message.send_at),
    createdAt: Number(m.message.created_at),
    done: m.message.done_at !== null,
    cancellable: m.recipients.every((r) => r.state === 'queued' && Number(r.attempts) === 0 && Number(r.claimed_until) < now),
    recipients: m.recipients.map((r) => ({ address: r.rcpt, state: r.state, attempts: Number(r.attempts), lastError: r.last_error, nextAttemptAt: Number(r.next_attempt_at) })),
  };
}

/** The account's queued submissions (scheduled, or still being delivered). */
export async function listSubmissions(ctx: SendCtx, accountId: AccountId): Promise<SubmissionView[]> {
  const now = ctx.store.clock();
  return (await listQueue(ctx.store, { account: accountId })).map((m) => view(m, now));
}

export async function getSubmission(ctx: SendCtx, accountId: AccountId, queueId: number): Promise<SubmissionView | null> {
  const m = await getQueueMessage(ctx.store, queueId, accountId);
  if (!m) return null;
  return view({ message: m, recipients: await recipientsOf(ctx.store, queueId, accountId) }, ctx.store.clock());
}

/** Cancel a scheduled send (undo send) before any recipient was tried. */
export async function cancelSubmission(ctx: SendCtx, accountId: AccountId, queueId: number): Promise<void> {
  const m = await getQueueMessage(ctx.store, queueId, accountId);
  if (!m) throw new SubmissionError('NOT_FOUND', 550, '5.0.0', 'No such submission / Envoi introuvable');
  if (!(await removeQueued(ctx.store, queueId, { account: accountId, onlyUntouched: true }))) {
    throw new SubmissionError('NOT_CANCELLABLE', 550, '5.0.0', 'Already being sent / Envoi deja en cours');
  }
  ctx.log.info({ event: 'submission.cancelled', account: accountId, queueId }, 'submission.cancelled');
}
