/** Mail written by Préau itself (sign-in notices, reset links): delivered locally or queued for a
 *  remote address, from no-reply@<domain>, never through a user's submission policy. */
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { AppContext } from '../context.ts';
import type { AccountId } from '../store/ids.ts';
import { ingest } from '../mail/ingest.ts';
import { lookupRecipient } from '../mail/recipients.ts';
import { splitAddress } from '../accounts/address.ts';
import { enqueue, queueSignal } from './queue-store.ts';

export interface SystemMail {
  /** The account the mail is about (the queue entry belongs to it). */
  accountId: AccountId;
  to: string;
  subject: string;
  text: string;
}

export async function sendSystemMail(ctx: AppContext, mail: SystemMail): Promise<'delivered' | 'queued' | 'dropped'> {
  const from = `no-reply@${ctx.config.domain}`;
  const raw: Buffer = await new MailComposer({
    from: { name: ctx.config.orgName, address: from },
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    headers: { 'Auto-Submitted': 'auto-generated' },
  })
    .compile()
    .build();
  const local = await lookupRecipient(ctx, mail.to);
  if (local.kind === 'ok' || local.kind === 'over-quota') {
    // RFC 3834 §5: auto-generated; delivered even over quota since it is about the account's security.
    await ingest(ctx, { raw, targets: [{ account: local.account }], enforceQuota: false });
    return 'delivered';
  }
  const parts = splitAddress(mail.to);
  if (local.kind !== 'foreign-domain' || !parts) {
    ctx.log.warn({ event: 'notice.dropped', account: mail.accountId, reason: local.kind });
    return 'dropped';
  }
  const blob = await ctx.blobs.put(raw);
  await ctx.store.write(mail.accountId, (tx) =>
    enqueue(tx, { account: mail.accountId, blobId: blob.id, size: blob.size, mailFrom: from, headerFrom: from, sendAt: tx.now, saveSent: false, recipients: [{ rcpt: mail.to.toLowerCase(), domain: parts.domain, local: false }] }),
  );
  queueSignal.emit('queued');
  return 'queued';
}
