/** Mailbox/set: create (with parents), rename/move, role/sortOrder/isSubscribed, destroy. RFC 8621 §2.5. */
import { createMailbox, deleteMailbox, listMailboxes, renameMailbox, updateMailbox, SEPARATOR, type MailboxInfo } from '../../mail/mailboxes.ts';
import type { MailboxId } from '../../store/ids.ts';
import { MethodError, SetError, toSetError } from '../errors.ts';
import { typeState } from '../state.ts';
import { numId, optBool, resolveId, setArgs } from '../standard.ts';
import type { Args, CallCtx, MethodHandler } from '../types.ts';

const SETTABLE = new Set(['name', 'parentId', 'role', 'sortOrder', 'isSubscribed']);
const READONLY = new Set(['id', 'totalEmails', 'unreadEmails', 'totalThreads', 'unreadThreads', 'myRights']);

function check(o: Args): void {
  for (const k of Object.keys(o)) {
    if (READONLY.has(k)) throw new SetError('invalidProperties', `${k} is server-set`, { properties: [k] });
    if (!SETTABLE.has(k)) throw new SetError('invalidProperties', `unknown property ${k}`, { properties: [k] });
  }
  if ('name' in o && (typeof o.name !== 'string' || !o.name || o.name.includes(SEPARATOR))) throw new SetError('invalidProperties', 'name must be a non-empty string without "/"', { properties: ['name'] });
  if ('role' in o && o.role !== null && typeof o.role !== 'string') throw new SetError('invalidProperties', 'role must be a string or null', { properties: ['role'] });
  if ('sortOrder' in o && (typeof o.sortOrder !== 'number' || !Number.isInteger(o.sortOrder) || o.sortOrder < 0)) throw new SetError('invalidProperties', 'sortOrder must be an UnsignedInt', { properties: ['sortOrder'] });
  if ('isSubscribed' in o && typeof o.isSubscribed !== 'boolean') throw new SetError('invalidProperties', 'isSubscribed must be a boolean', { properties: ['isSubscribed'] });
}

async function byId(c: CallCtx): Promise<Map<number, MailboxInfo>> {
  return new Map((await listMailboxes(c.deps.store, c.account, { counts: false })).map((m) => [m.id, m]));
}

function parentName(c: CallCtx, parentId: unknown, all: Map<number, MailboxInfo>): string | null {
  if (parentId === null || parentId === undefined) return null;
  if (typeof parentId !== 'string') throw new SetError('invalidProperties', 'parentId must be an Id or null', { properties: ['parentId'] });
  const n = numId('m', resolveId(parentId, c));
  const p = n === null ? undefined : all.get(n);
  if (!p) throw new SetError('invalidProperties', 'parentId not found', { properties: ['parentId'] });
  return p.name;
}

export const mailboxSet: MethodHandler = async (args, c) => {
  const s = setArgs(args, c);
  const store = c.deps.store;
  const removeEmails = optBool(args, 'onDestroyRemoveEmails', false);
  const oldState = await typeState(store, c.account, 'Mailbox');
  if (s.ifInState !== null && s.ifInState !== oldState) throw new MethodError('stateMismatch');
  const out: Args = { accountId: `a${c.account}`, oldState, created: null, updated: null, destroyed: null, notCreated: null, notUpdated: null, notDestroyed: null };
  const put = (k: string, id: string, v: unknown) => (((out[k] ??= {}) as Args)[id] = v);
  const opts = { origin: c.origin };
  for (const [cid, o] of Object.entries(s.create)) {
    try {
      check(o);
      if (typeof o.name !== 'string') throw new SetError('invalidProperties', 'name is required', { properties: ['name'] });
      const parent = parentName(c, o.parentId, await byId(c));
      const { id } = await createMailbox(store, c.account, parent === null ? o.name : parent + SEPARATOR + o.name, { ...opts, role: (o.role as string | null | undefined) ?? null, subscribed: (o.isSubscribed as boolean | undefined) ?? true, sortOrder: o.sortOrder as number | undefined });
      c.createdIds.set(cid, `m${id}`);
      put('created', cid, { id: `m${id}`, totalEmails: 0, unreadEmails: 0, totalThreads: 0, unreadThreads: 0, myRights: { mayReadItems: true, mayAddItems: true, mayRemoveItems: true, maySetSeen: true, maySetKeywords: true, mayCreateChild: true, mayRename: true, mayDelete: true, maySubmit: true }, sortOrder: o.sortOrder ?? 100, isSubscribed: o.isSubscribed ?? true, role: o.role ?? null });
    } catch (e) {
      put('notCreated', cid, toSetError(e));
    }
  }
  for (const [id, o] of Object.entries(s.update)) {
    try {
      check(o);
      const n = numId('m', id);
      const all = await byId(c);
      const mb = n === null ? undefined : all.get(n);
      if (!mb) throw new SetError('notFound');
      if ('name' in o || 'parentId' in o) {
        const leaf = typeof o.name === 'string' ? o.name : mb.name.slice(mb.name.lastIndexOf(SEPARATOR) + 1);
        const parent = 'parentId' in o ? parentName(c, o.parentId, all) : mb.parentId === null ? null : all.get(mb.parentId)!.name;
        await renameMailbox(store, c.account, mb.id, parent === null ? leaf : parent + SEPARATOR + leaf, opts);
      }
      const patch: { role?: string | null; sortOrder?: number; subscribed?: boolean } = {};
      if ('role' in o) patch.role = o.role as string | null;
      if ('sortOrder' in o) patch.sortOrder = o.sortOrder as number;
      if ('isSubscribed' in o) patch.subscribed = o.isSubscribed as boolean;
      if (Object.keys(patch).length) await updateMailbox(store, c.account, mb.id, patch, opts);
      put('updated', id, null);
    } catch (e) {
      put('notUpdated', id, toSetError(e));
    }
  }
  for (const id of s.destroy) {
    try {
      const n = numId('m', id);
      if (n === null) throw new SetError('notFound');
      // RFC 8621 §2.5: mailboxHasChild always; mailboxHasEmail unless onDestroyRemoveEmails.
      await deleteMailbox(store, c.account, n as MailboxId, { ...opts, removeEmails, allowChildren: false });
      ((out.destroyed ??= []) as string[]).push(id);
    } catch (e) {
      put('notDestroyed', id, toSetError(e));
    }
  }
  out.newState = await typeState(store, c.account, 'Mailbox');
  return out;
};
