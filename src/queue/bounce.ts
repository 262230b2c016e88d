/** Returning DSNs to the sender's INBOX: failures, and one delay warning per message. RFC 3461 §4.1 (NOTIFY), RFC 3464. */
import type { AccountId } from '../store/ids.ts';
import type { BlobId } from '../store/ids.ts';
import { ingest } from '../mail/ingest.ts';
import type { SendCtx } from './context.ts';
import { buildDsn, type DsnRecipient } from './dsn.ts';
import { flipOnce, type QueueMessageRow, type QueueRecipientRow } from './queue-store.ts';

export interface Bounce {
  rcpt: QueueRecipientRow;
  action: 'failed' | 'delayed';
  status: string;
  diagnostic: string;
  remoteMta: string | null;
  smtp: boolean;
  willRetryUntil?: number;
}

/** RFC 3461 §4.1: NOTIFY=NEVER asks for no DSN; without NOTIFY, failures and delays are reported. */
function wants(r: QueueRecipientRow, what: 'FAILURE' | 'DELAY'): boolean {
  if (!r.dsn_notify) return true;
  const n = r.dsn_notify.toUpperCase().split(',');
  return !n.includes('NEVER') && n.includes(what);
}

/** Deliver the DSNs for `bounces` into the sender's INBOX (never lost to quota). */
export async function sendBounces(ctx: SendCtx, m: QueueMessageRow, bounces: Bounce[], now: number): Promise<void> {
  // RFC 5321 §4.5.5: never a DSN for a message with a null reverse-path.
  if (!bounces.length || !m.mail_from) return;
  const account = Number(m.account_id) as AccountId;
  const failed = bounces.filter((b) => b.action === 'failed' && wants(b.rcpt, 'FAILURE'));
  let delayed = bounces.filter((b) => b.action === 'delayed' && wants(b.rcpt, 'DELAY'));
  if (delayed.length && !(await flipOnce(ctx.store, account, Number(m.id), 'delay_warned'))) delayed = [];
  if (!failed.length && !delayed.length) return;
  const original = await ctx.blobs.get(m.blob_id as BlobId);
  for (const list of [failed, delayed]) {
    if (!list.length) continue;
    const recipients: DsnRecipient[] = list.map((b) => ({
      rcpt: b.rcpt.rcpt,
      orcpt: b.rcpt.dsn_orcpt,
      action: b.action,
      status: b.status,
      remoteMta: b.remoteMta,
      diagnostic: b.diagnostic,
      smtp: b.smtp,
      lastAttempt: now,
      willRetryUntil: b.willRetryUntil,
    }));
    const raw = buildDsn({ hostname: ctx.config.hostname, to: m.mail_from, envid: m.dsn_envid, arrivalDate: Number(m.created_at), now, original, recipients });
    try {
      await ingest(ctx, { raw, targets: [{ account }], receivedAt: now, enforceQuota: false });
      ctx.log.info({ event: 'queue.dsn.sent', account, queueId: Number(m.id), action: list[0].action, recipients: list.length }, 'queue.dsn.sent');
    } catch (e) {
      ctx.log.error({ event: 'queue.dsn.error', account, queueId: Number(m.id), err: (e as Error).message }, 'queue.dsn.error');
    }
  }
}
