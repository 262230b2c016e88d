/** Submission of a saved draft. RFC 8621 §7.5 EmailSubmission/set with onSuccessUpdateEmail; RFC 4865 FUTURERELEASE. */
import { SUBMISSION, type Jmap } from '../api/jmap.ts';
import { byRole, type Identity, type Mailbox } from '../mail/data.ts';
import type { SendJob } from './types.ts';

/** Largest delay the server accepts for scheduled send (RFC 8621 §1.3.4 maxDelayedSend), in seconds. */
export function maxDelayedSend(jmap: Jmap): number {
  return Number(jmap.capability<{ maxDelayedSend?: number }>(SUBMISSION)?.maxDelayedSend ?? 0);
}

export async function runSend(jmap: Jmap, job: SendJob, boxes: Mailbox[], identities: Identity[]): Promise<void> {
  const drafts = byRole(boxes, 'drafts');
  const sent = byRole(boxes, 'sent');
  const identityId = job.identityId || identities[0]?.id;
  if (!identityId) throw new Error('no identity');
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
  if (!res) throw new Error('no response');
  if (res.__error) throw res.__error;
  const err = res.notCreated?.s as { type: string; description?: string } | undefined;
  if (err) throw new Error(err.description ?? err.type);
}
