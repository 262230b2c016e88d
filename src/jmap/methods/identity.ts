/** Identity/get, Identity/changes, Identity/set. RFC 8621 §6. */
import { listAddresses } from '../../accounts/service.ts';
import { SetError, toSetError } from '../errors.ts';
import { computeChanges, changesResponse } from '../changes.ts';
import { createIdentity, destroyIdentity, ensureDefaultIdentity, listIdentities, updateIdentity, type IdentityInput } from '../../mail/identities.ts';
import { typeState } from '../state.ts';
import { MethodError } from '../errors.ts';
import { getIds, getProperties, numId, pick, setArgs } from '../standard.ts';
import type { Args, CallCtx, MethodHandler } from '../types.ts';

const PROPS = ['id', 'name', 'email', 'replyTo', 'bcc', 'textSignature', 'htmlSignature', 'mayDelete'];

async function ensure(c: CallCtx): Promise<void> {
  await ensureDefaultIdentity(c.deps.store, c.account, c.principal.username, c.principal.name);
}

export const identityGet: MethodHandler = async (args, c) => {
  const ids = getIds(args, c);
  const props = getProperties(args, PROPS, PROPS);
  await ensure(c);
  const rows = await listIdentities(c.deps.store, c.account);
  const objs = rows.map((r) => ({ id: `i${r.id}`, name: r.name, email: r.email, replyTo: r.reply_to ? JSON.parse(r.reply_to) : null, bcc: r.bcc ? JSON.parse(r.bcc) : null, textSignature: r.text_signature, htmlSignature: r.html_signature, mayDelete: !!Number(r.may_delete) }));
  const list = ids === null ? objs : objs.filter((o) => ids.includes(o.id));
  const notFound = ids === null ? [] : ids.filter((i) => !objs.some((o) => o.id === i));
  return { accountId: `a${c.account}`, state: await typeState(c.deps.store, c.account, 'Identity'), list: list.map((o) => pick(o, props)), notFound };
};

export const identityChanges: MethodHandler = async (args, c) => changesResponse(c, 'i', await computeChanges(c, 'Identity', args));

function addrList(v: unknown, key: string): void {
  if (v === null || v === undefined) return;
  if (!Array.isArray(v) || !v.every((a) => a && typeof a === 'object' && typeof (a as Args).email === 'string')) throw new SetError('invalidProperties', `${key} must be EmailAddress[] or null`, { properties: [key] });
}

function validate(o: Args, creating: boolean): IdentityInput {
  const out: IdentityInput = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'id' || k === 'mayDelete') throw new SetError('invalidProperties', `${k} is server-set`, { properties: [k] });
    if (k === 'email') {
      if (!creating) throw new SetError('invalidProperties', 'email is immutable', { properties: ['email'] });
      if (typeof v !== 'string') throw new SetError('invalidProperties', 'email must be a string', { properties: ['email'] });
      out.email = v;
    } else if (k === 'name' || k === 'textSignature' || k === 'htmlSignature') {
      if (typeof v !== 'string' || v.length > 100_000) throw new SetError('invalidProperties', `${k} must be a string`, { properties: [k] });
      out[k] = v;
    } else if (k === 'replyTo' || k === 'bcc') {
      addrList(v, k);
      out[k] = v;
    } else throw new SetError('invalidProperties', `unknown property ${k}`, { properties: [k] });
  }
  return out;
}

export const identitySet: MethodHandler = async (args, c) => {
  const s = setArgs(args, c);
  await ensure(c);
  const store = c.deps.store;
  const oldState = await typeState(store, c.account, 'Identity');
  if (s.ifInState !== null && s.ifInState !== oldState) throw new MethodError('stateMismatch');
  const out: Args = { accountId: `a${c.account}`, oldState, created: null, updated: null, destroyed: null, notCreated: null, notUpdated: null, notDestroyed: null };
  const put = (k: string, id: string, v: unknown) => ((out[k] ??= {}) as Args)[id] = v;
  const own = new Set((await listAddresses(store, c.account)).map((a) => a.address.toLowerCase()));
  for (const [cid, o] of Object.entries(s.create)) {
    try {
      const i = validate(o, true);
      if (!i.email) throw new SetError('invalidProperties', 'email is required', { properties: ['email'] });
      // RFC 8621 §6.3: forbiddenFrom when the user may not send from this address.
      if (!own.has(i.email.toLowerCase())) throw new SetError('forbiddenFrom', `not allowed to send as ${i.email}`);
      const id = await createIdentity(store, c.account, { ...i, email: i.email }, c.origin);
      c.createdIds.set(cid, `i${id}`);
      put('created', cid, { id: `i${id}`, mayDelete: true, name: i.name ?? '', textSignature: i.textSignature ?? '', htmlSignature: i.htmlSignature ?? '', replyTo: i.replyTo ?? null, bcc: i.bcc ?? null });
    } catch (e) {
      put('notCreated', cid, toSetError(e));
    }
  }
  for (const [id, o] of Object.entries(s.update)) {
    try {
      const n = numId('i', id);
      const i = validate(o, false);
      if (n === null || !(await updateIdentity(store, c.account, n, i, c.origin))) throw new SetError('notFound');
      put('updated', id, null);
    } catch (e) {
      put('notUpdated', id, toSetError(e));
    }
  }
  for (const id of s.destroy) {
    const n = numId('i', id);
    const r = n === null ? 'notFound' : await destroyIdentity(store, c.account, n);
    if (r === 'ok') ((out.destroyed ??= []) as string[]).push(id);
    else put('notDestroyed', id, { type: r });
  }
  out.newState = await typeState(store, c.account, 'Identity');
  return out;
};
