/** Email/set: create (composed with MailComposer, stored through ingest), keywords / mailboxIds (whole or patched), destroy. RFC 8621 §4.6. */
import { ingest } from '../../mail/ingest.ts';
import { destroyEmail, setKeywords, setMailboxIds } from '../../mail/messages.ts';
import { keywordsToFlags } from '../../mail/flags.ts';
import type { EmailId, MailboxId } from '../../store/ids.ts';
import { readAccountBlob } from '../blob-routes.ts';
import { composeEmail } from '../compose.ts';
import { loadEmails } from '../email-read.ts';
import { MethodError, SetError, toSetError } from '../errors.ts';
import { typeState } from '../state.ts';
import { trainOnKeywords } from '../spam-training.ts';
import { trainOnMailboxChange } from '../../security/training.ts';
import { numId, resolveId, setArgs } from '../standard.ts';
import type { Args, CallCtx, MethodHandler } from '../types.ts';

/** mailboxIds of a create/import: a non-empty set of own mailbox ids (creation ids resolved). */
export function mailboxIdsOf(v: unknown, c: CallCtx): MailboxId[] {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new SetError('invalidProperties', 'mailboxIds is required', { properties: ['mailboxIds'] });
  const ids = Object.entries(v as Args).filter(([, on]) => on === true).map(([k]) => numId('m', resolveId(k, c)));
  if (!ids.length || ids.some((i) => i === null)) throw new SetError('invalidProperties', 'mailboxIds must name at least one mailbox', { properties: ['mailboxIds'] });
  return ids as MailboxId[];
}

export function flagsOf(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v !== 'object' || Array.isArray(v) || !Object.values(v).every((x) => x === true)) throw new SetError('invalidProperties', 'keywords must map to true', { properties: ['keywords'] });
  try {
    return keywordsToFlags(v as Record<string, boolean>);
  } catch {
    throw new SetError('invalidProperties', 'invalid keyword', { properties: ['keywords'] });
  }
}

async function create(c: CallCtx, o: Args): Promise<Args> {
  const mailboxes = mailboxIdsOf(o.mailboxIds, c);
  const flags = flagsOf(o.keywords);
  const receivedAt = typeof o.receivedAt === 'string' && !Number.isNaN(Date.parse(o.receivedAt)) ? Date.parse(o.receivedAt) : undefined;
  const raw = await composeEmail(o, (id) => readAccountBlob(c.deps, c.account, id), c.deps.store.clock());
  const r = await ingest({ store: c.deps.store, blobs: c.deps.blobs }, { raw, targets: mailboxes.map((m) => ({ account: c.account, mailbox: m, keywords: flags })), receivedAt, origin: c.origin });
  if (r.overQuota.includes(c.account)) throw new SetError('overQuota');
  const d = r.delivered[0];
  return { id: `e${d.emailId}`, blobId: r.blobId, threadId: `t${d.threadId}`, size: r.size };
}

/** Apply a PatchObject or full value for keywords / mailboxIds (RFC 8620 §5.3 patches, RFC 8621 §4.6). */
function patched(current: Record<string, true>, o: Args, prop: 'keywords' | 'mailboxIds', c: CallCtx): Record<string, boolean> | null {
  let next: Record<string, boolean> | null = null;
  if (prop in o) {
    if (!o[prop] || typeof o[prop] !== 'object') throw new SetError('invalidProperties', `${prop} must be an object`, { properties: [prop] });
    next = { ...(o[prop] as Record<string, boolean>) };
  }
  for (const [k, v] of Object.entries(o)) {
    if (!k.startsWith(prop + '/')) continue;
    if (next && prop in o) throw new SetError('invalidPatch', `${prop} and ${k} together`);
    next ??= { ...current };
    const key = prop === 'mailboxIds' ? resolveId(k.slice(prop.length + 1), c) : k.slice(prop.length + 1).replace(/~1/g, '/').replace(/~0/g, '~');
    if (v === true) next[key] = true;
    else if (v === null || v === false) delete next[key];
    else throw new SetError('invalidPatch', `${k} must be true or null`);
  }
  return next;
}

async function update(c: CallCtx, id: string, o: Args): Promise<void> {
  for (const k of Object.keys(o)) if (!(k === 'keywords' || k === 'mailboxIds' || k.startsWith('keywords/') || k.startsWith('mailboxIds/'))) throw new SetError('invalidProperties', `${k} cannot be changed`, { properties: [k] });
  const n = numId('e', id);
  const e = n === null ? undefined : (await loadEmails(c.deps.store, c.account, [n], false)).get(n);
  if (!e) throw new SetError('notFound');
  const kw = patched(e.keywords, o, 'keywords', c);
  const mb = patched(Object.fromEntries(e.mailboxIds.map((m) => [`m${m}`, true as const])), o, 'mailboxIds', c);
  const opts = { origin: c.origin };
  if (kw) {
    await setKeywords(c.deps.store, c.account, e.id as EmailId, flagsOf(Object.fromEntries(Object.entries(kw).filter(([, v]) => v))), opts);
    await trainOnKeywords(c.deps, c.account, e.blobId, e.keywords, kw);
  }
  if (mb) {
    const after = mailboxIdsOf(mb, c);
    await setMailboxIds(c.deps.store, c.account, e.id as EmailId, after, opts);
    // Moving into or out of Junk ("spam" / "not spam" in the webmail) trains the classifier.
    await trainOnMailboxChange(c.deps as never, c.account, [e.id as EmailId], e.mailboxIds as MailboxId[], after);
  }
}

export const emailSet: MethodHandler = async (args, c) => {
  const s = setArgs(args, c);
  const store = c.deps.store;
  const oldState = await typeState(store, c.account, 'Email');
  if (s.ifInState !== null && s.ifInState !== oldState) throw new MethodError('stateMismatch');
  const out: Args = { accountId: `a${c.account}`, oldState, created: null, updated: null, destroyed: null, notCreated: null, notUpdated: null, notDestroyed: null };
  const put = (k: string, id: string, v: unknown) => (((out[k] ??= {}) as Args)[id] = v);
  for (const [cid, o] of Object.entries(s.create)) {
    try {
      const created = await create(c, o);
      c.createdIds.set(cid, created.id as string);
      put('created', cid, created);
    } catch (e) {
      put('notCreated', cid, toSetError(e));
    }
  }
  for (const [id, o] of Object.entries(s.update)) {
    try {
      await update(c, resolveId(id, c), o);
      put('updated', id, null);
    } catch (e) {
      put('notUpdated', id, toSetError(e));
    }
  }
  for (const id of s.destroy) {
    try {
      const n = numId('e', id);
      if (n === null || !(await loadEmails(store, c.account, [n], false)).has(n)) throw new SetError('notFound');
      await destroyEmail(store, c.account, n as EmailId, { origin: c.origin });
      ((out.destroyed ??= []) as string[]).push(id);
    } catch (e) {
      put('notDestroyed', id, toSetError(e));
    }
  }
  out.newState = await typeState(store, c.account, 'Email');
  return out;
};
