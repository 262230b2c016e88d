/** "Report phishing" for one stored email: train as spam and build the forward (message/rfc822, RFC 2046 §5.2.1) to the security address (issue 8). */
import type { Store } from '../store/store.ts';
import type { BlobStore } from '../blobs/blob-store.ts';
import type { AccountId, BlobId, EmailId } from '../store/ids.ts';
import { parseMessage } from '../mime/index.ts';
import { getAccount } from '../accounts/service.ts';
import { MailError } from '../mail/errors.ts';
import type { SecurityPolicy } from './policy.ts';
import { reportPhishing, type PhishingReport } from './report.ts';

export interface ReportDeps {
  store: Store;
  blobs: BlobStore;
  /** The resolved policy (AppContext.securityPolicy); its `reportAddress` receives the forward. */
  securityPolicy?: unknown;
}

export interface PhishingReportFor extends PhishingReport {
  emailId: EmailId;
}

function policyOf(ctx: ReportDeps): SecurityPolicy {
  const p = ctx.securityPolicy as Partial<SecurityPolicy> | undefined;
  if (!p || typeof p !== 'object' || typeof p.reportAddress !== 'string' || !p.scores) throw new Error('security policy missing from the context');
  return p as SecurityPolicy;
}

/**
 * The user of `account` reports `emailId` as phishing: the classifier learns it as spam (for the
 * user and the domain) and, when the policy names a `reportAddress`, the returned `forward` is a
 * message from the user's address carrying the original bytes untouched as an attachment. The
 * caller moves the email into Junk (keywords `$Junk $Phishing`) and queues `forward`.
 * Throws MailError('EMAIL_NOT_FOUND') for an id that is not one of this account's emails.
 */
export async function reportPhishingFor(ctx: ReportDeps, account: AccountId, emailId: EmailId, opts: { comment?: string } = {}): Promise<PhishingReportFor> {
  const policy = policyOf(ctx);
  const row = await ctx.store.db.selectFrom('messages').select('blob_id').where('account_id', '=', account).where('id', '=', emailId).executeTakeFirst();
  if (!row) throw new MailError('EMAIL_NOT_FOUND', `email ${emailId} not found`);
  const who = await getAccount(ctx.store, account);
  if (!who) throw new MailError('EMAIL_NOT_FOUND', `email ${emailId} not found`);
  // The whole original goes to the security team: they need every header and attachment.
  const raw = await ctx.blobs.get(row.blob_id as BlobId);
  const parsed = await parseMessage(raw);
  const r = await reportPhishing(ctx.store, policy, { accountId: account, reporter: who.address, raw, parsed, comment: opts.comment });
  return { ...r, emailId };
}
