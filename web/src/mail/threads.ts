/** Conversation view data: one row per thread (Email/query collapseThreads, RFC 8621 §4.4), thread members (Thread/get, RFC 8621 §3). */
import type { Jmap } from '../api/jmap.ts';
import { SUMMARY_PROPS, type Address, type EmailSummary, type Mailbox, type QueryPage } from './data.ts';

/** What a conversation row shows and acts on. */
export interface ThreadSummary {
  /** Messages shown in the conversation (Trash/Junk left out unless listing them), oldest first. */
  emailIds: string[];
  /** Messages an action on the row applies to: those of the thread in the listed mailbox. */
  scope: string[];
  count: number;
  /** Senders, first appearance first, without duplicates. */
  participants: Address[];
  unread: number;
  flagged: boolean;
  hasAttachment: boolean;
}

export type ThreadRow = EmailSummary & { thread?: ThreadSummary };

/** Just enough of each member to summarise a thread. */
const MEMBER_PROPS = ['id', 'threadId', 'mailboxIds', 'keywords', 'from', 'receivedAt', 'hasAttachment'];

type Member = Pick<EmailSummary, 'id' | 'threadId' | 'mailboxIds' | 'keywords' | 'from' | 'receivedAt' | 'hasAttachment'>;

/** Mailboxes whose messages a conversation hides (Trash, Junk), unless one of them is being listed. */
export function hiddenMailboxes(boxes: Mailbox[], listed: string | null): string[] {
  return boxes.filter((b) => (b.role === 'trash' || b.role === 'junk') && b.id !== listed).map((b) => b.id);
}

/** A member is visible unless every mailbox it is in is hidden. */
export function visibleMembers<T extends Pick<EmailSummary, 'mailboxIds'>>(members: T[], hidden: string[]): T[] {
  const out = members.filter((m) => Object.keys(m.mailboxIds).some((id) => !hidden.includes(id)));
  return out.length ? out : members;
}

/**
 * The members an action on a conversation applies to: those in the listed mailbox; in search
 * results (no mailbox), those sharing a mailbox with the representative message.
 */
export function scopeOf<T extends Pick<EmailSummary, 'id' | 'mailboxIds'>>(members: T[], filter: Record<string, unknown> | null, rep: Pick<EmailSummary, 'id' | 'mailboxIds'>): T[] {
  const box = typeof filter?.inMailbox === 'string' ? filter.inMailbox : null;
  const repBoxes = Object.keys(rep.mailboxIds);
  const out = members.filter((m) => (box ? !!m.mailboxIds[box] : Object.keys(m.mailboxIds).some((id) => repBoxes.includes(id))));
  return out.some((m) => m.id === rep.id) ? out : [...out, rep as T];
}

export function summarise(members: Member[], filter: Record<string, unknown> | null, rep: EmailSummary, hidden: string[]): ThreadSummary {
  const sorted = [...members].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  const visible = visibleMembers(sorted, hidden);
  const scope = scopeOf(sorted, filter, rep);
  const participants: Address[] = [];
  for (const m of visible) {
    const a = m.from?.[0];
    if (a && !participants.some((p) => p.email.toLowerCase() === a.email.toLowerCase())) participants.push(a);
  }
  return {
    emailIds: visible.map((m) => m.id),
    scope: scope.map((m) => m.id),
    count: visible.length,
    participants,
    unread: scope.filter((m) => !m.keywords.$seen).length,
    flagged: scope.some((m) => !!m.keywords.$flagged),
    hasAttachment: visible.some((m) => m.hasAttachment),
  };
}

/**
 * One page of conversations in one request (RFC 8620 §3.7 result references): Email/query with
 * collapseThreads (RFC 8621 §4.4.3), the representative messages, their threads (Thread/get,
 * RFC 8621 §3.1) and a summary of every member. If the members exceed the server's
 * maxObjectsInGet, rows fall back to the thread length alone.
 */
export async function queryThreadPage(j: Jmap, filter: Record<string, unknown> | null, position: number, limit: number, hidden: string[] = []): Promise<QueryPage & { emails: ThreadRow[] }> {
  const a = j.accountId;
  const r = await j.call([
    ['Email/query', { accountId: a, filter, sort: [{ property: 'receivedAt', isAscending: false }], position, limit, calculateTotal: true, collapseThreads: true }, 'q'],
    ['Email/get', { accountId: a, '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' }, properties: SUMMARY_PROPS }, 'g'],
    ['Thread/get', { accountId: a, '#ids': { resultOf: 'g', name: 'Email/get', path: '/list/*/threadId' } }, 't'],
    ['Email/get', { accountId: a, '#ids': { resultOf: 't', name: 'Thread/get', path: '/list/*/emailIds' }, properties: MEMBER_PROPS }, 'm'],
  ]);
  const q = r.get('q')!;
  if (q.__error) throw q.__error;
  const g = r.get('g')!;
  if (g.__error) throw g.__error;
  const threads = new Map<string, string[]>();
  const t = r.get('t');
  if (t && !t.__error) for (const x of t.list as { id: string; emailIds: string[] }[]) threads.set(x.id, x.emailIds);
  const members = new Map<string, Member>();
  const m = r.get('m');
  const complete = !!m && !m.__error;
  if (complete) for (const e of m.list as Member[]) members.set(e.id, e);
  const byId = new Map((g.list as EmailSummary[]).map((e) => [e.id, e]));
  const emails: ThreadRow[] = [];
  for (const id of q.ids as string[]) {
    const e = byId.get(id);
    if (!e) continue;
    const ids = threads.get(e.threadId) ?? [e.id];
    const list = complete ? ids.map((x) => members.get(x)).filter((x): x is Member => !!x) : [e];
    const thread = summarise(list.length ? list : [e], filter, e, hidden);
    // Without the members, at least the length of the thread is known.
    if (!complete) thread.count = ids.length;
    emails.push({ ...e, thread });
  }
  return { ids: q.ids, total: q.total ?? q.ids.length, position: q.position ?? position, queryState: q.queryState, emails };
}

/** Short participant line: first names when several people took part ("Karim, Élodie"). */
export function participantLine(list: Address[], max = 3): string {
  if (list.length <= 1) return list[0] ? list[0].name?.trim() || list[0].email : '';
  const names = list.map((a) => (a.name?.trim() ? a.name.trim().split(/\s+/)[0] : a.email.split('@')[0]));
  return names.length > max ? `${names.slice(0, max).join(', ')}…` : names.join(', ');
}
