/** EmailSubmission/set: send an Email through src/queue (FUTURERELEASE-style sendAt), cancel, onSuccessUpdateEmail / onSuccessDestroyEmail. RFC 8621 §7.5, RFC 4865. */
import { cancelSubmission, submitMessage } from '../../queue/index.ts';
import type { AppContext } from '../../context.ts';
import { listIdentities } from '../../mail/identities.ts';
import { deleteSubmission, insertSubmission, listSubmissionRows, setUndoStatus } from '../../queue/submission-records.ts';
import { loadEmails } from '../email-read.ts';
import { MethodError, SetError, toSetError } from '../errors.ts';
import { typeState } from '../state.ts';
import { numId, resolveId, setArgs } from '../standard.ts';
import type { Args, CallCtx, MethodHandler } from '../types.ts';
import { submissionObject } from './email-submission-get.ts';

const ERRORS: Record<string, string> = {
  SENDER_NOT_ALLOWED: 'forbiddenFrom',
  RATE_LIMITED: 'forbiddenToSend',
  TOO_MANY_RECIPIENTS: 'tooManyRecipients',
  TOO_BIG: 'tooLarge',
  NO_RECIPIENTS: 'noRecipients',
  INVALID_ADDRESS: 'invalidRecipients',
  INVALID_MESSAGE: 'invalidEmail',
  NOT_CANCELLABLE: 'cannotUnsend',
  NOT_FOUND: 'notFound',
};

function submissionError(e: unknown): Record<string, unknown> {
  const code = (e as { code?: string }).code;
  if (code && ERRORS[code] && (e as { responseCode?: number }).responseCode) return { type: ERRORS[code], description: (e as Error).message };
  return toSetError(e);
}

/** RFC 8621 §7.5: the Bcc header is removed before sending. */
export function stripBcc(raw: Buffer): Buffer {
  const s = raw.toString('latin1');
  const end = s.search(/\r?\n\r?\n/);
  const head = end < 0 ? s : s.slice(0, end);
  const kept = head.replace(/(^|\r?\n)Bcc:[^\r\n]*(\r?\n[ \t][^\r\n]*)*/gi, '');
  return Buffer.from(kept + (end < 0 ? '' : s.slice(end)), 'latin1');
}

/** FUTURERELEASE (RFC 4865 §3): HOLDUNTIL (date) or HOLDFOR (seconds) on MAIL FROM; Préau also takes `sendAt`. */
function sendAtOf(o: Args, mailFromParams: Args | null, now: number): number | undefined {
  if (typeof o.sendAt === 'string' && !Number.isNaN(Date.parse(o.sendAt))) return Date.parse(o.sendAt);
  const until = mailFromParams?.HOLDUNTIL;
  if (typeof until === 'string' && !Number.isNaN(Date.parse(until))) return Date.parse(until);
  const holdFor = mailFromParams?.HOLDFOR;
  if (typeof holdFor === 'string' && /^\d{1,9}$/.test(holdFor)) return now + Number(holdFor) * 1000;
  return undefined;
}

async function create(c: CallCtx, o: Args): Promise<{ id: number; emailId: string; obj: Args }> {
  const identityNum = numId('i', resolveId(String(o.identityId ?? ''), c));
  const identity = (await listIdentities(c.deps.store, c.account)).find((i) => i.id === identityNum);
  if (!identity) throw new SetError('invalidProperties', 'identityId not found', { properties: ['identityId'] });
  const emailId = resolveId(String(o.emailId ?? ''), c);
  const n = numId('e', emailId);
  const email = n === null ? undefined : (await loadEmails(c.deps.store, c.account, [n], false)).get(n);
  if (!email) throw new SetError('invalidProperties', 'emailId not found', { properties: ['emailId'] });
  const env = o.envelope as Args | null | undefined;
  let mailFrom: string;
  let rcptTo: string[];
  let params: Args | null = null;
  if (env) {
    const mf = env.mailFrom as Args;
    if (!mf || typeof mf.email !== 'string' || !Array.isArray(env.rcptTo)) throw new SetError('invalidProperties', 'bad envelope', { properties: ['envelope'] });
    mailFrom = mf.email;
    params = (mf.parameters as Args | null) ?? null;
    rcptTo = (env.rcptTo as Args[]).map((r) => String(r?.email ?? ''));
  } else {
    // RFC 8621 §7.5: without an envelope, MAIL FROM is the identity's address and RCPT TO the To, Cc and Bcc addresses.
    mailFrom = identity.email;
    rcptTo = [email.to, email.cc, email.bcc].flatMap((j) => (JSON.parse(j) as { email: string }[]).map((a) => a.email));
  }
  rcptTo = [...new Set(rcptTo.map((a) => a.toLowerCase()))];
  if (!rcptTo.length) throw new SetError('noRecipients');
  const now = c.deps.store.clock();
  const sendAt = sendAtOf(o, params, now);
  const raw = stripBcc(await c.deps.blobs.get(email.blobId as never));
  const r = await submitMessage(c.deps as unknown as AppContext, { accountId: c.account, raw, mailFrom, rcptTo, sendAt, saveToSent: false, origin: c.origin });
  const scheduled = sendAt !== undefined && r.sendAt > now && r.queueId !== null;
  const delivery: Record<string, Args> = {};
  for (const l of r.local) delivery[l.address] = { smtpReply: l.state === 'delivered' ? '250 2.0.0 Delivered' : '250 2.0.0 Queued', delivered: l.state === 'delivered' ? 'yes' : 'queued', displayed: 'unknown' };
  for (const a of r.remote) delivery[a] = { smtpReply: '250 2.0.0 Queued', delivered: 'queued', displayed: 'unknown' };
  const envelope = { mailFrom: { email: mailFrom, parameters: params }, rcptTo: rcptTo.map((email) => ({ email, parameters: null })) };
  const row = { identity_id: identity.id, email_id: email.id, thread_id: email.threadId, envelope: JSON.stringify(envelope), send_at: r.sendAt, undo_status: scheduled ? 'pending' : 'final', delivery_status: JSON.stringify(delivery), queue_ref: r.queueId === null ? null : String(r.queueId), created_at: now };
  const id = await insertSubmission(c.deps.store, c.account, row, c.origin);
  return { id, emailId, obj: { id: `s${id}`, threadId: `t${email.threadId}`, sendAt: new Date(r.sendAt).toISOString().replace(/\.\d{3}Z$/, 'Z'), undoStatus: row.undo_status } };
}

/** Cancel a pending submission; resolves with the id of its Email (for onSuccessUpdateEmail). */
async function update(c: CallCtx, id: string, o: Args): Promise<string> {
  const n = numId('s', id);
  const row = n === null ? undefined : (await listSubmissionRows(c.deps.store, c.account, [n]))[0];
  if (!row) throw new SetError('notFound');
  for (const k of Object.keys(o)) if (k !== 'undoStatus') throw new SetError('invalidProperties', `${k} cannot be changed`, { properties: [k] });
  if (o.undoStatus !== 'canceled') throw new SetError('invalidProperties', 'undoStatus may only become "canceled"', { properties: ['undoStatus'] });
  const current = await submissionObject(c, row);
  // RFC 8621 §7.5: cannotUnsend once the message has left.
  if (current.undoStatus !== 'pending' || !row.queue_ref) throw new SetError('cannotUnsend');
  await cancelSubmission(c.deps as unknown as AppContext, c.account, Number(row.queue_ref));
  await setUndoStatus(c.deps.store, c.account, row.id, 'canceled', c.origin);
  return `e${row.email_id}`;
}

export const submissionSet: MethodHandler = async (args, c) => {
  const s = setArgs(args, c);
  const store = c.deps.store;
  const oldState = await typeState(store, c.account, 'EmailSubmission');
  if (s.ifInState !== null && s.ifInState !== oldState) throw new MethodError('stateMismatch');
  const onUpdate = args.onSuccessUpdateEmail as Record<string, Args> | undefined | null;
  const onDestroy = args.onSuccessDestroyEmail as string[] | undefined | null;
  if (onUpdate != null && (typeof onUpdate !== 'object' || Array.isArray(onUpdate))) throw new MethodError('invalidArguments', 'onSuccessUpdateEmail must be an object');
  if (onDestroy != null && !Array.isArray(onDestroy)) throw new MethodError('invalidArguments', 'onSuccessDestroyEmail must be an array');
  const out: Args = { accountId: `a${c.account}`, oldState, created: null, updated: null, destroyed: null, notCreated: null, notUpdated: null, notDestroyed: null };
  const put = (k: string, id: string, v: unknown) => (((out[k] ??= {}) as Args)[id] = v);
  const emailOf = new Map<string, string>();
  for (const [cid, o] of Object.entries(s.create)) {
    try {
      const r = await create(c, o);
      c.createdIds.set(cid, `s${r.id}`);
      emailOf.set(`#${cid}`, r.emailId);
      emailOf.set(`s${r.id}`, r.emailId);
      put('created', cid, r.obj);
    } catch (e) {
      put('notCreated', cid, submissionError(e));
    }
  }
  for (const [id, o] of Object.entries(s.update)) {
    try {
      emailOf.set(id, await update(c, id, o));
      put('updated', id, null);
    } catch (e) {
      put('notUpdated', id, submissionError(e));
    }
  }
  for (const id of s.destroy) {
    const n = numId('s', id);
    const row = n === null ? undefined : (await listSubmissionRows(store, c.account, [n]))[0];
    if (row && (await deleteSubmission(store, c.account, row.id, c.origin))) {
      ((out.destroyed ??= []) as string[]).push(id);
      emailOf.set(id, `e${row.email_id}`);
    } else put('notDestroyed', id, { type: 'notFound' });
  }
  out.newState = await typeState(store, c.account, 'EmailSubmission');
  // RFC 8621 §7.5: on success, an implicit Email/set call whose response follows this one. The
  // keys are the ids of EmailSubmissions created ("#" + creation id), updated or destroyed by this
  // call: only those that succeeded (emailOf holds no other).
  const update2: Args = {};
  for (const [ref, patch] of Object.entries(onUpdate ?? {})) {
    const e = emailOf.get(ref);
    if (e) update2[e] = patch;
  }
  const destroy2 = (onDestroy ?? []).map((ref) => emailOf.get(ref)).filter((e): e is string => !!e);
  if (Object.keys(update2).length || destroy2.length) {
    const r = await c.call('Email/set', { accountId: `a${c.account}`, update: update2, destroy: destroy2 });
    c.emit('Email/set', r);
  }
  return out;
};
