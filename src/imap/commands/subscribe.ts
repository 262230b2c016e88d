/** SUBSCRIBE and UNSUBSCRIBE. RFC 9051 §6.3.7–6.3.8. */
import { getMailboxByName, setSubscribed } from '../../mail/mailboxes.ts';
import type { Session } from '../session.ts';
import { AUTH, no, ok, type Command, type Done } from './common.ts';

async function set(s: Session, name: string, on: boolean): Promise<Done> {
  const mb = await getMailboxByName(s.ctx.store, s.account!, name, { counts: false });
  // Deviation (RFC 9051 §6.3.7): subscriptions live on mailboxes, so a missing one cannot be subscribed.
  if (!mb) return no('no such mailbox', 'NONEXISTENT');
  await setSubscribed(s.ctx.store, s.account!, mb.id, on);
  return ok(`${on ? 'SUBSCRIBE' : 'UNSUBSCRIBE'} completed`);
}

export const subscribe: Command<'SUBSCRIBE'> = { states: AUTH, run: (s, req) => set(s, req.args.mailbox, true) };
export const unsubscribe: Command<'UNSUBSCRIBE'> = { states: AUTH, run: (s, req) => set(s, req.args.mailbox, false) };
