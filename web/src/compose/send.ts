/** Submission of a saved draft. RFC 8621 §7.5 EmailSubmission/set with onSuccessUpdateEmail; RFC 4865 FUTURERELEASE. */
import { SUBMISSION, type Jmap } from '../api/jmap.ts';
import { t } from '../i18n/index.ts';
import { refusalText, UserError } from '../ui/errors.ts';
import { byRole, type Identity, type Mailbox } from '../mail/data.ts';
import type { SendJob } from './types.ts';

/** Largest delay the server accepts for scheduled send (RFC 8621 §1.3.4 maxDelayedSend), in seconds. */
export function maxDelayedSend(jmap: Jmap): number {
  return Number(jmap.capability<{ maxDelayedSend?: number }>(SUBMISSION)?.maxDelayedSend ?? 0);
}

/** Submit the draft; resolves with the submission's id (to cancel a scheduled send). */
export async function runSend(jmap: Jmap, job: SendJob, boxes: Mailbox[], identities: Identity[]): Promise<string | null> {
  const drafts = byRole(boxes, 'drafts');
  const sent = byRole(boxes, 'sent');
  const identityId = job.identityId || identities[0]?.id;
  if (!identityId) throw new Error(t('compose.noIdentity'));
  // RFC 8621 §7.5: on success, move the email from Drafts to Sent and drop $draft.
  const update: Record<string, unknown> = { 'keywords/$draft': null, 'keywords/$seen': true };
  if (drafts) update[`mailboxIds/${drafts.id}`] = null;
  if (sent) update[`mailboxIds/${sent.id}`] = true;
  const submission: Record<string, unknown> = { identityId, emailId: job.draftId };
  if (job.sendAt && job.sendAt.getTime() > Date.now() + 60_000) {
    // RFC 8621 §7 envelope + RFC 4865 §3: HOLDUNTIL carries the release time.
    submission.envelope = {
      mailFrom: { email: job.from, parameters: { HOLDUNTIL: job.sendAt.toISOString().replace(/\.\d{3}Z$/, 'Z') } },
      rcptTo: job.rcptTo.map((email) => ({ email, parameters: null })),
    };
  }
  const r = await jmap.call([
    ['EmailSubmission/set', { accountId: jmap.accountId, create: { s: submission }, onSuccessUpdateEmail: { '#s': update } }, 's'],
  ], [SUBMISSION]);
  const res = r.get('s');
  if (!res) throw new UserError(t('compose.noResponse'));
  if (res.__error) throw res.__error;
  const err = res.notCreated?.s as { type: string; description?: string } | undefined;
  if (err) throw new UserError(refusalText(err));
  return (res.created?.s as { id?: string } | undefined)?.id ?? null;
}

/**
 * Cancel a scheduled send (RFC 8621 §7.5: undoStatus "pending" → "canceled"; cannotUnsend once it
 * has left) and, in the same call, put the message back in Drafts as a draft (onSuccessUpdateEmail
 * applies to the update), so it can be edited and sent again.
 */
export async function cancelScheduled(jmap: Jmap, submissionId: string, emailId: string, boxes: Mailbox[]): Promise<void> {
  const drafts = byRole(boxes, 'drafts');
  const sent = byRole(boxes, 'sent');
  const back: Record<string, unknown> = { 'keywords/$draft': true };
  if (drafts) back[`mailboxIds/${drafts.id}`] = true;
  if (sent) back[`mailboxIds/${sent.id}`] = null;
  const r = await jmap.call([['EmailSubmission/set', { accountId: jmap.accountId, update: { [submissionId]: { undoStatus: 'canceled' } }, onSuccessUpdateEmail: { [submissionId]: back } }, 'c']], [SUBMISSION]);
  const res = r.get('c');
  if (!res) throw new UserError(t('compose.noResponse'));
  if (res.__error) throw res.__error;
  const err = res.notUpdated?.[submissionId] as { type: string; description?: string } | undefined;
  if (err) throw new UserError(refusalText(err));
  // The implicit Email/set answers under the same call id (web/src/api/jmap.ts keys it by name).
  const moved = r.get('c:Email/set');
  const notMoved = moved?.notUpdated?.[emailId] as { type: string; description?: string } | undefined;
  if (notMoved) throw new UserError(refusalText(notMoved));
}

/** A submission still waiting to leave (RFC 8621 §7: undoStatus "pending"). */
export interface PendingSend { submissionId: string; emailId: string; sendAt: string }

/** The account's submissions still waiting to leave, by Email id (RFC 8621 §7.3 filter undoStatus). */
export async function pendingSends(jmap: Jmap): Promise<Map<string, PendingSend>> {
  const r = await jmap.call([
    ['EmailSubmission/query', { accountId: jmap.accountId, filter: { undoStatus: 'pending' } }, 'q'],
    ['EmailSubmission/get', { accountId: jmap.accountId, '#ids': { resultOf: 'q', name: 'EmailSubmission/query', path: '/ids' }, properties: ['emailId', 'sendAt', 'undoStatus'] }, 'g'],
  ], [SUBMISSION]);
  const g = r.get('g');
  if (!g || g.__error) throw g?.__error ?? new UserError(t('compose.noResponse'));
  const out = new Map<string, PendingSend>();
  for (const s of g.list as { id: string; emailId: string; sendAt: string; undoStatus: string }[]) {
    if (s.undoStatus === 'pending') out.set(s.emailId, { submissionId: s.id, emailId: s.emailId, sendAt: s.sendAt });
  }
  return out;
}
