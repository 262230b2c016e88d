/** Mail operations over JMAP. RFC 8621 §2 (Mailbox), §4 (Email), §5 (SearchSnippet), §7 (submission); RFC 9425 (Quota). */
import { Jmap, QUOTA, SUBMISSION, throwIfRefused } from '../api/jmap.ts';
import { forget, has, peek, put, take } from '../api/prefetch.ts';
import { getPrefs } from '../prefs.ts';

export interface Mailbox {
  id: string;
  name: string;
  parentId: string | null;
  role: string | null;
  sortOrder: number;
  totalEmails: number;
  unreadEmails: number;
}

export interface Address { name?: string | null; email: string }

/** Préau extension property "preauVerdict" (capability urn:preau:verdict), from src/security. */
export interface Verdict {
  score?: number;
  action?: string;
  external?: boolean;
  phishing?: boolean;
  /** A verified official sender (positive). */
  verified?: boolean;
  reasons?: string[];
  reasonsEn?: string[];
  auth?: { spf?: string; dkim?: string; dmarc?: string; dmarcPolicy?: string | null; arc?: string };
  dangerousAttachments?: string[];
}

export const VERDICT = 'urn:preau:verdict';
export const SAFE_HTML = 'urn:preau:safehtml';

export interface EmailSummary {
  id: string;
  threadId: string;
  mailboxIds: Record<string, boolean>;
  keywords: Record<string, boolean>;
  from: Address[] | null;
  to: Address[] | null;
  subject: string | null;
  receivedAt: string;
  preview: string;
  hasAttachment: boolean;
  size: number;
}

export interface BodyPart { partId: string | null; blobId: string | null; type: string; name: string | null; size: number; disposition: string | null; cid: string | null }

export interface EmailFull extends EmailSummary {
  cc: Address[] | null;
  bcc: Address[] | null;
  replyTo: Address[] | null;
  sentAt: string | null;
  messageId: string[] | null;
  references: string[] | null;
  htmlBody: BodyPart[];
  textBody: BodyPart[];
  attachments: BodyPart[];
  bodyValues: Record<string, { value: string; isTruncated?: boolean }>;
  preauVerdict?: Verdict | null;
  /** Préau extension (urn:preau:safehtml): server-sanitised display HTML, remote images as data-preau-src. */
  preauSafeHtml?: { html: string; blockedImages: number } | null;
}

export const SUMMARY_PROPS = ['id', 'threadId', 'mailboxIds', 'keywords', 'from', 'to', 'subject', 'receivedAt', 'preview', 'hasAttachment', 'size'];

const MAILBOX_PROPS = ['id', 'name', 'parentId', 'role', 'sortOrder', 'totalEmails', 'unreadEmails'];

export async function getMailboxes(j: Jmap): Promise<Mailbox[]> {
  const pre = await prefetched<Mailbox[]>(`${j.accountId}|mailboxes`);
  if (pre) return pre;
  const r = await j.one<{ list: Mailbox[] }>('Mailbox/get', { ids: null, properties: MAILBOX_PROPS });
  return r.list;
}

/** A prefetched response (src/api/prefetch.ts), or null: then the caller asks the server itself. */
async function prefetched<T>(key: string): Promise<T | null> {
  const p = take<T>(key);
  try {
    return p ? await p : null;
  } catch {
    return null;
  }
}

export function byRole(boxes: Mailbox[], role: string): Mailbox | undefined {
  return boxes.find((b) => b.role === role);
}

export interface QueryPage { ids: string[]; total: number; position: number; emails: EmailSummary[]; queryState: string }

/** One page of a list: prefetched at sign-in or page load (startBoot) or asked for now. */
export async function queryPage(j: Jmap, filter: Record<string, unknown> | null, position: number, limit: number, collapseThreads = false): Promise<QueryPage> {
  const page = (await prefetched<QueryPage>(pageKey(j, filter, position, limit, collapseThreads))) ?? (await requestPage(j, filter, position, limit, collapseThreads));
  const at = Date.now();
  if (latest.size > 5000) latest.clear();
  for (const e of page.emails) latest.set(e.id, { keywords: e.keywords, mailboxIds: e.mailboxIds, at });
  // The first rows of a folder: their bodies too, once the rows are painted, so that opening one
  // needs no round trip.
  if (position === 0 && filter && Object.keys(filter).length === 1 && 'inMailbox' in filter) requestAnimationFrame(() => setTimeout(() => prefetchBodies(j, page.emails), 0));
  return page;
}

/** RFC 8620 §3.7: Email/query and Email/get in one request through a result reference. */
async function requestPage(j: Jmap, filter: Record<string, unknown> | null, position: number, limit: number, collapseThreads: boolean, quiet401 = false): Promise<QueryPage> {
  const r = await j.call([
    ['Email/query', { accountId: j.accountId, filter, sort: [{ property: 'receivedAt', isAscending: false }], position, limit, calculateTotal: true, collapseThreads }, 'q'],
    ['Email/get', { accountId: j.accountId, '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' }, properties: SUMMARY_PROPS }, 'g'],
  ], [], { quiet401 });
  const q = r.get('q')!;
  if (q.__error) throw q.__error;
  const g = r.get('g')!;
  if (g.__error) throw g.__error;
  const byId = new Map((g.list as EmailSummary[]).map((e) => [e.id, e]));
  return {
    ids: q.ids,
    total: q.total ?? q.ids.length,
    position: q.position ?? position,
    queryState: q.queryState,
    emails: (q.ids as string[]).map((id) => byId.get(id)).filter((e): e is EmailSummary => !!e),
  };
}

const FULL_PROPS = [...SUMMARY_PROPS, 'cc', 'bcc', 'replyTo', 'sentAt', 'messageId', 'references', 'htmlBody', 'textBody', 'attachments', 'bodyValues'];

export async function getFull(j: Jmap, id: string): Promise<EmailFull | null> {
  const pre = await prefetched<{ email: EmailFull; at: number }>(bodyKey(j, id));
  return pre ? withLatest(pre) : (await fetchFull(j, [id]))[0] ?? null;
}

/** The email if its prefetched body has already arrived (no waiting), else null: see getFull. */
export function peekFull(j: Jmap, id: string): EmailFull | null {
  const pre = peek<{ email: EmailFull; at: number }>(bodyKey(j, id));
  return pre ? withLatest(pre) : null;
}

/** A prefetched body with the keywords and mailboxes of the list when they are newer. */
function withLatest(pre: { email: EmailFull; at: number }): EmailFull {
  const l = latest.get(pre.email.id);
  return l && l.at > pre.at ? { ...pre.email, keywords: l.keywords, mailboxIds: l.mailboxIds } : { ...pre.email };
}

async function fetchFull(j: Jmap, ids: string[]): Promise<EmailFull[]> {
  const base = { ids, fetchHTMLBodyValues: true, fetchTextBodyValues: true, maxBodyValueBytes: 2_000_000 };
  const ext = [VERDICT, SAFE_HTML].filter((c) => j.has(c));
  try {
    // Préau extensions: protection verdict and server-sanitised HTML, when the server offers them.
    const extra = [...(j.has(VERDICT) ? ['preauVerdict'] : []), ...(j.has(SAFE_HTML) ? ['preauSafeHtml'] : [])];
    const r = await j.one<{ list: EmailFull[] }>('Email/get', { ...base, properties: [...FULL_PROPS, ...extra] }, ext);
    return r.list;
  } catch {
    // A server without the extension rejects the unknown property (invalidArguments).
    const r = await j.one<{ list: EmailFull[] }>('Email/get', { ...base, properties: FULL_PROPS });
    return r.list;
  }
}

/** RFC 8621 §3 Thread/get, then every email of the thread (oldest first) through a result reference. */
export async function getThread(j: Jmap, threadId: string): Promise<EmailFull[]> {
  const ext = [VERDICT, SAFE_HTML].filter((c) => j.has(c));
  const extra = [...(j.has(VERDICT) ? ['preauVerdict'] : []), ...(j.has(SAFE_HTML) ? ['preauSafeHtml'] : [])];
  const r = await j.call([
    ['Thread/get', { accountId: j.accountId, ids: [threadId] }, 't'],
    ['Email/get', { accountId: j.accountId, '#ids': { resultOf: 't', name: 'Thread/get', path: '/list/*/emailIds' }, properties: [...FULL_PROPS, ...extra], fetchHTMLBodyValues: true, fetchTextBodyValues: true, maxBodyValueBytes: 2_000_000 }, 'g'],
  ], ext);
  const g = r.get('g');
  if (!g || g.__error) return [];
  return [...(g.list as EmailFull[])].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
}

/** Préau extension Email/reportPhishing (urn:preau:verdict): marks, moves to Junk and tells the security team. */
export async function reportPhishing(j: Jmap, ids: string[]): Promise<void> {
  forgetBodies(j, ids);
  await j.one('Email/reportPhishing', { emailIds: ids }, [VERDICT]);
}

/** RFC 8621 §4.3: patch keywords or mailboxIds of many emails. */
export async function patchEmails(j: Jmap, ids: string[], patch: Record<string, unknown>): Promise<void> {
  if (!ids.length) return;
  forgetBodies(j, ids);
  const update: Record<string, Record<string, unknown>> = {};
  for (const id of ids) update[id] = patch;
  const r = await j.one<{ notUpdated?: Record<string, { type: string; description?: string }> }>('Email/set', { update });
  const failed = r.notUpdated && Object.values(r.notUpdated)[0];
  if (failed) throw new Error(failed.description ?? failed.type);
}

export async function setKeyword(j: Jmap, ids: string[], keyword: string, on: boolean): Promise<void> {
  await patchEmails(j, ids, { [`keywords/${keyword}`]: on ? true : null });
}

/** Move: replace mailboxIds with the single target (RFC 8621 §4.3 patch on mailboxIds). */
export async function moveEmails(j: Jmap, ids: string[], to: string): Promise<void> {
  await patchEmails(j, ids, { mailboxIds: { [to]: true } });
}

export async function copyEmails(j: Jmap, ids: string[], to: string): Promise<void> {
  await patchEmails(j, ids, { [`mailboxIds/${to}`]: true });
}

/** RFC 8621 §4.3 destroy; the ids the server refused come back (RFC 8620 §5.3 notDestroyed). */
export async function destroyEmails(j: Jmap, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  forgetBodies(j, ids);
  const r = await j.one<{ notDestroyed?: Record<string, unknown> | null }>('Email/set', { destroy: ids });
  return Object.keys(r.notDestroyed ?? {});
}

export interface Quota { used: number; hardLimit: number }

/** RFC 9425 §4: Quota/get, or the account capability when the quota extension is absent. */
export async function getQuota(j: Jmap): Promise<Quota | null> {
  if (!j.has(QUOTA)) return null;
  try {
    const r = (await prefetched<QuotaList>(`${j.accountId}|quota`)) ?? (await j.one<QuotaList>('Quota/get', { ids: null }, [QUOTA]));
    const q = r.list.find((x) => x.resourceType === 'octets') ?? r.list[0];
    return q ? { used: q.used, hardLimit: q.hardLimit } : null;
  } catch {
    return null;
  }
}

type QuotaList = { list: { used: number; hardLimit: number; resourceType: string; types?: string[] }[] };

export interface Identity { id: string; name: string; email: string; textSignature?: string; htmlSignature?: string; replyTo?: Address[] | null; mayDelete?: boolean }

export async function getIdentities(j: Jmap): Promise<Identity[]> {
  if (!j.has(SUBMISSION)) return [];
  try {
    return ((await prefetched<{ list: Identity[] }>(`${j.accountId}|identities`)) ?? (await j.one<{ list: Identity[] }>('Identity/get', { ids: null }, [SUBMISSION]))).list;
  } catch {
    return [];
  }
}

type SetAnswer = { created?: Record<string, Identity> | null; notCreated?: Record<string, { type: string; description?: string }> | null; notUpdated?: Record<string, { type: string; description?: string }> | null; notDestroyed?: Record<string, { type: string; description?: string }> | null };

/** RFC 8621 §6.3 Identity/set; a refusal throws SetFailed with its SetError type. */
export async function updateIdentity(j: Jmap, id: string, patch: Partial<Identity>): Promise<void> {
  throwIfRefused(await j.one<SetAnswer>('Identity/set', { update: { [id]: patch } }, [SUBMISSION]), 'notUpdated', id);
}

/** A new identity for one of the account's own addresses (forbiddenFrom otherwise). */
export async function createIdentity(j: Jmap, i: { name: string; email: string }): Promise<Identity> {
  const r = await j.one<SetAnswer>('Identity/set', { create: { n: i } }, [SUBMISSION]);
  throwIfRefused(r, 'notCreated', 'n');
  return { ...i, textSignature: '', htmlSignature: '', replyTo: null, mayDelete: true, ...r.created?.n } as Identity;
}

export async function destroyIdentity(j: Jmap, id: string): Promise<void> {
  throwIfRefused(await j.one<SetAnswer>('Identity/set', { destroy: [id] }, [SUBMISSION]), 'notDestroyed', id);
}

/** RFC 8621 §5.1: SearchSnippet/get for highlighted subject/preview. */
export async function snippets(j: Jmap, filter: Record<string, unknown>, emailIds: string[]): Promise<Map<string, { subject: string | null; preview: string | null }>> {
  const out = new Map<string, { subject: string | null; preview: string | null }>();
  if (!emailIds.length) return out;
  try {
    const r = await j.one<{ list: { emailId: string; subject: string | null; preview: string | null }[] }>('SearchSnippet/get', { filter, emailIds });
    for (const s of r.list) out.set(s.emailId, s);
  } catch {
    // Snippets are an optional nicety.
  }
  return out;
}

export function displayAddress(a: Address | undefined | null): string {
  if (!a) return '';
  return a.name?.trim() || a.email;
}

export function addressLine(list: Address[] | null | undefined): string {
  return (list ?? []).map((a) => (a.name ? `${a.name} <${a.email}>` : a.email)).join(', ');
}

// ---- Prefetch: the mail screen's first requests, sent before the screen asks (src/api/prefetch.ts) ----

/** Rows of the first list page (MessageList asks for pages of this size). */
export const LIST_PAGE = 60;
/** Bodies fetched ahead for the rows in view: small messages only, 64 KB in all, kept one minute. */
const BODY_MAX = 16_384;
const BODY_BUDGET = 65_536;
const BODY_TTL = 60_000;
const BOOT_TTL = 15_000;

const pageKey = (j: Jmap, filter: unknown, position: number, limit: number, collapse: boolean) => `${j.accountId}|page|${JSON.stringify([filter, position, limit, collapse])}`;
const bodyKey = (j: Jmap, id: string) => `${j.accountId}|body|${id}`;
/** The latest keywords and mailboxes seen in a list, newer than a prefetched body's. */
const latest = new Map<string, { keywords: Record<string, boolean>; mailboxIds: Record<string, boolean>; at: number }>();

function prefetchBodies(j: Jmap, emails: EmailSummary[]): void {
  const ids: string[] = [];
  let bytes = 0;
  // Rows in view: the window's height less the headers, over the row height of MessageList.
  const inView = Math.min(12, Math.max(1, Math.floor((window.innerHeight - 150) / (getPrefs().density === 'compact' ? 52 : 76))));
  for (const e of emails.slice(0, inView)) {
    if (e.size > BODY_MAX || bytes + e.size > BODY_BUDGET) continue;
    bytes += e.size;
    if (!has(bodyKey(j, e.id))) ids.push(e.id);
  }
  if (!ids.length) return;
  const at = Date.now();
  const all = fetchFull(j, ids).then((list) => new Map(list.map((e) => [e.id, e])));
  for (const id of ids) {
    put(bodyKey(j, id), all.then((m) => {
      const email = m.get(id);
      if (!email) throw new Error('not found');
      return { email, at };
    }), BODY_TTL, false);
  }
}

/** After a change made here, a prefetched body may be stale (keywords, mailboxes). */
function forgetBodies(j: Jmap, ids: string[]): void {
  for (const id of ids) forget(bodyKey(j, id));
}

/**
 * The first requests of the mail screen, sent as soon as the JMAP session is known (at sign-in,
 * or at page load with this tab's session while /api/me answers): the first page of the folder
 * `mailboxId` (RFC 8620 §3.7 Email/query + Email/get), then, in a second request so that the
 * rows do not wait for the folder counts, Mailbox/get, Quota/get and Identity/get. `quiet401`: before the
 * sign-in is confirmed, a 401 only means there is nothing to prefetch.
 */
export function startBoot(j: Jmap, mailboxId: string | null, quiet401 = false): void {
  if (mailboxId) {
    const filter = { inMailbox: mailboxId };
    const collapse = getPrefs().conversations;
    const key = pageKey(j, filter, 0, LIST_PAGE, collapse);
    if (!has(key)) put(key, requestPage(j, filter, 0, LIST_PAGE, collapse, quiet401), BOOT_TTL);
  }
  if (has(`${j.accountId}|mailboxes`)) return;
  const calls: [string, Record<string, unknown>, string][] = [['Mailbox/get', { accountId: j.accountId, ids: null, properties: MAILBOX_PROPS }, 'm']];
  if (j.has(QUOTA)) calls.push(['Quota/get', { accountId: j.accountId, ids: null }, 'q']);
  if (j.has(SUBMISSION)) calls.push(['Identity/get', { accountId: j.accountId, ids: null }, 'i']);
  // Sent at once, after the list request: the server answers the list first, then computes the
  // counts while the rows render.
  const r = j.call(calls, [QUOTA, SUBMISSION], { quiet401 });
  const part = <T>(id: string) => r.then((m) => {
    const v = m.get(id);
    if (!v || v.__error) throw v?.__error ?? new Error('no response');
    return v as T;
  });
  put(`${j.accountId}|mailboxes`, part<{ list: Mailbox[] }>('m').then((v) => v.list), BOOT_TTL);
  if (j.has(QUOTA)) put(`${j.accountId}|quota`, part('q'), BOOT_TTL);
  if (j.has(SUBMISSION)) put(`${j.accountId}|identities`, part('i'), BOOT_TTL);
}
