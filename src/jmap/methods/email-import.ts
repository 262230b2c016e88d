/** Email/import: uploaded (or existing) blobs stored through ingest. RFC 8621 §4.8. */
import { ingest } from '../../mail/ingest.ts';
import { readAccountBlob } from '../blob-routes.ts';
import { MethodError, SetError, toSetError } from '../errors.ts';
import { typeState } from '../state.ts';
import { optString } from '../standard.ts';
import type { Args, MethodHandler } from '../types.ts';
import { flagsOf, mailboxIdsOf } from './email-set.ts';

export const emailImport: MethodHandler = async (args, c) => {
  const emails = args.emails;
  if (!emails || typeof emails !== 'object' || Array.isArray(emails)) throw new MethodError('invalidArguments', 'emails must be an object');
  if (Object.keys(emails).length > c.limits.maxObjectsInSet) throw new MethodError('requestTooLarge');
  const store = c.deps.store;
  const oldState = await typeState(store, c.account, 'Email');
  const ifInState = optString(args, 'ifInState');
  if (ifInState !== null && ifInState !== oldState) throw new MethodError('stateMismatch');
  const out: Args = { accountId: `a${c.account}`, oldState, created: null, notCreated: null };
  for (const [cid, o] of Object.entries(emails as Record<string, Args>)) {
    try {
      if (!o || typeof o !== 'object' || typeof o.blobId !== 'string') throw new SetError('invalidProperties', 'blobId is required', { properties: ['blobId'] });
      const mailboxes = mailboxIdsOf(o.mailboxIds, c);
      const flags = flagsOf(o.keywords);
      const blob = await readAccountBlob(c.deps, c.account, o.blobId);
      if (!blob) throw new SetError('blobNotFound', `blob ${o.blobId} not found`);
      const receivedAt = typeof o.receivedAt === 'string' && !Number.isNaN(Date.parse(o.receivedAt)) ? Date.parse(o.receivedAt) : undefined;
      const r = await ingest({ store, blobs: c.deps.blobs }, { raw: blob.data, targets: mailboxes.map((m) => ({ account: c.account, mailbox: m, keywords: flags })), receivedAt, origin: c.origin });
      // RFC 8621 §4.8: overQuota when the account has no room.
      if (r.overQuota.includes(c.account)) throw new SetError('overQuota');
      const d = r.delivered[0];
      const created = { id: `e${d.emailId}`, blobId: r.blobId, threadId: `t${d.threadId}`, size: r.size };
      c.createdIds.set(cid, created.id);
      ((out.created ??= {}) as Args)[cid] = created;
    } catch (e) {
      ((out.notCreated ??= {}) as Args)[cid] = toSetError(e);
    }
  }
  out.newState = await typeState(store, c.account, 'Email');
  return out;
};
