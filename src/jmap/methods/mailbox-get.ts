/** Mailbox/get and Mailbox/changes. RFC 8621 §2.1, §2.2 (RFC 8620 §5.1, §5.2). */
import { leafName, listMailboxes, type MailboxInfo } from '../../mail/mailboxes.ts';
import { computeChanges, changesResponse } from '../changes.ts';
import { typeState } from '../state.ts';
import { getIds, getProperties, pick } from '../standard.ts';
import type { Args, MethodHandler } from '../types.ts';

export const MAILBOX_PROPS = ['id', 'name', 'parentId', 'role', 'sortOrder', 'totalEmails', 'unreadEmails', 'totalThreads', 'unreadThreads', 'myRights', 'isSubscribed'];

// RFC 8621 §2: the owner has every right on their own mailboxes; a role mailbox may not be deleted.
function rights(m: MailboxInfo) {
  return { mayReadItems: true, mayAddItems: true, mayRemoveItems: true, maySetSeen: true, maySetKeywords: true, mayCreateChild: true, mayRename: m.role !== 'inbox', mayDelete: !m.role, maySubmit: true };
}

export function mailboxObject(m: MailboxInfo): Args {
  return {
    id: `m${m.id}`,
    name: leafName(m.name),
    parentId: m.parentId === null ? null : `m${m.parentId}`,
    role: m.role,
    sortOrder: m.sortOrder,
    totalEmails: m.totalEmails,
    unreadEmails: m.unreadEmails,
    totalThreads: m.totalThreads,
    unreadThreads: m.unreadThreads,
    myRights: rights(m),
    isSubscribed: m.subscribed,
  };
}

export const mailboxGet: MethodHandler = async (args, c) => {
  const ids = getIds(args, c);
  const props = getProperties(args, MAILBOX_PROPS, MAILBOX_PROPS);
  const store = c.deps.store;
  const state = await typeState(store, c.account, 'Mailbox');
  const threads = props.includes('totalThreads') || props.includes('unreadThreads');
  const all = await listMailboxes(store, c.account, { counts: true, threads });
  const byId = new Map(all.map((m) => [`m${m.id}`, m]));
  const list = (ids ?? [...byId.keys()]).filter((i) => byId.has(i)).map((i) => pick(mailboxObject(byId.get(i)!), props));
  return { accountId: `a${c.account}`, state, list, notFound: (ids ?? []).filter((i) => !byId.has(i)) };
};

export const mailboxChanges: MethodHandler = async (args, c) => {
  const r = await computeChanges(c, 'Mailbox', args);
  // RFC 8621 §2.2: updatedProperties null = any property may have changed.
  return changesResponse(c, 'm', r, { updatedProperties: r.updatedProperties });
};
