/** Folder management (RFC 8621 §2.5 Mailbox/set): create, rename, delete, and emptying Trash or Junk. A refusal throws SetFailed (api/jmap.ts). */
import { throwIfRefused, type Jmap } from '../api/jmap.ts';
import { destroyEmails } from './data.ts';

export async function createMailbox(j: Jmap, name: string, parentId: string | null): Promise<void> {
  throwIfRefused(await j.one('Mailbox/set', { create: { n: { name, parentId } } }), 'notCreated', 'n');
}

export async function renameMailbox(j: Jmap, id: string, name: string): Promise<void> {
  throwIfRefused(await j.one('Mailbox/set', { update: { [id]: { name } } }), 'notUpdated', id);
}

export async function deleteMailbox(j: Jmap, id: string): Promise<void> {
  // RFC 8621 §2.5: onDestroyRemoveEmails removes the emails that are only in this mailbox.
  throwIfRefused(await j.one('Mailbox/set', { destroy: [id], onDestroyRemoveEmails: true }), 'notDestroyed', id);
}

/** Raised when emptying a folder stops: the server destroys nothing more. */
export class EmptyStalled extends Error {
  left: number;
  constructor(left: number) {
    super(`${left} emails could not be destroyed`);
    this.left = left;
  }
}

/**
 * Empty Trash/Junk: query the ids in pages of 500, destroy them, until the folder is empty. Stops
 * (EmptyStalled) when a round destroys nothing, so that a server refusing every destroy cannot
 * keep the client looping.
 */
export async function emptyMailbox(j: Jmap, mailboxId: string): Promise<void> {
  let before = Infinity;
  for (;;) {
    const q = await j.one<{ ids: string[]; total?: number }>('Email/query', { filter: { inMailbox: mailboxId }, limit: 500, calculateTotal: true });
    const left = q.total ?? q.ids.length;
    if (!q.ids.length) return;
    if (left >= before) throw new EmptyStalled(left);
    before = left;
    const refused = await destroyEmails(j, q.ids);
    if (refused.length === q.ids.length) throw new EmptyStalled(left);
  }
}
