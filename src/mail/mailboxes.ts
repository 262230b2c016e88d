/** Mailboxes: list with counts, create (with special-use), rename subtree, delete, subscribe. RFC 9051 §6.3.4-6.3.8, RFC 6154, RFC 8621 §2. */
import { sql } from 'kysely';
import { runCompiled } from '../store/compiled-query.ts';
import type { Store, WriteTx } from '../store/store.ts';
import type { AccountId, EmailId, MailboxId, ModSeq, SessionId, Uid } from '../store/ids.ts';
import { newUidValidity } from './default-mailboxes.ts';
import { MailError } from './errors.ts';
import { allocUids, chunks, insertPlacements, loadMailbox, settleEmails, toMailboxRow, tombstone, touchMailboxes, type MailboxRow } from './placements.ts';

export type { MailboxRow } from './placements.ts';

/** Hierarchy separator (RFC 9051 §5.1; LIST answers with "/"). */
export const SEPARATOR = '/';

/** Roles a mailbox may carry: the IANA IMAP Mailbox Name Attributes registry used by RFC 8621 §2. */
export const ROLES = ['inbox', 'archive', 'drafts', 'flagged', 'important', 'junk', 'sent', 'trash', 'all', 'snoozed', 'scheduled', 'memos'] as const;

export interface MailboxInfo extends MailboxRow {
  /** Nearest existing ancestor by "/" hierarchy, null at top level (JMAP parentId). */
  parentId: MailboxId | null;
  /** Live placements (IMAP MESSAGES, JMAP totalEmails). */
  totalEmails: number;
  /** Live placements without \Seen (IMAP UNSEEN count, JMAP unreadEmails). */
  unreadEmails: number;
  /** Distinct threads (only when asked: `threads: true`), else 0. */
  totalThreads: number;
  unreadThreads: number;
  /** Sum of message sizes (only when asked: `size: true`, IMAP STATUS=SIZE RFC 8438), else 0. */
  size: number;
}

export interface CountOptions {
  /** Compute totalEmails/unreadEmails (default true). */
  counts?: boolean;
  /** Compute totalThreads/unreadThreads (extra join). */
  threads?: boolean;
  /** Compute size (extra join). */
  size?: boolean;
}

export interface WriteOpts {
  /** Session making the change (not echoed back to it by the change feed). */
  origin?: SessionId;
}

// Limit: a name has at most 32 levels of at most 255 characters each (bounded LIST work, RFC 8621 maxMailboxDepth).
const MAX_SEGMENT = 255;
const MAX_DEPTH = 32;

/**
 * Canonical form of a mailbox name: NFC, "INBOX" as first segment upper-cased (RFC 9051 §5.1:
 * INBOX is case-insensitive). Throws MAILBOX_NAME_INVALID for empty segments, control
 * characters, LIST wildcards (RFC 9051 §5.1 SHOULD NOT) or excessive length/depth.
 */
export function normaliseMailboxName(name: string): string {
  const segs = name.normalize('NFC').split(SEPARATOR);
  if (segs.length > MAX_DEPTH) throw new MailError('MAILBOX_NAME_INVALID', 'mailbox name too deep');
  for (const s of segs) {
    if (!s || s.length > MAX_SEGMENT || /[\x00-\x1f\x7f%*]/.test(s)) throw new MailError('MAILBOX_NAME_INVALID', 'invalid mailbox name');
  }
  if (segs[0].toUpperCase() === 'INBOX') segs[0] = 'INBOX';
  return segs.join(SEPARATOR);
}

/** Parent name ("A/B/C" → "A/B"), null at top level. */
export function parentName(name: string): string | null {
  const i = name.lastIndexOf(SEPARATOR);
  return i < 0 ? null : name.slice(0, i);
}

/** Last segment ("A/B/C" → "C"): the JMAP `name`. */
export function leafName(name: string): string {
  return name.slice(name.lastIndexOf(SEPARATOR) + 1);
}

/** IMAP special-use attribute for a role (`sent` → `\Sent`, RFC 6154 §2); null for inbox. */
export function useAttrOfRole(role: string | null): string | null {
  if (!role || role === 'inbox') return null;
  return '\\' + role[0].toUpperCase() + role.slice(1);
}

/** Role for an IMAP special-use attribute (`\Sent` → `sent`), null when unknown. */
export function roleOfUseAttr(attr: string): string | null {
  const r = attr.replace(/^\\/, '').toLowerCase();
  return r !== 'inbox' && (ROLES as readonly string[]).includes(r) ? r : null;
}

function withParents(rows: MailboxRow[]): Map<string, MailboxRow> {
  return new Map(rows.map((r) => [r.name, r]));
}

function parentIdOf(name: string, byName: Map<string, MailboxRow>): MailboxId | null {
  for (let p = parentName(name); p !== null; p = parentName(p)) {
    const m = byName.get(p);
    if (m) return m.id;
  }
  return null;
}

/** Every mailbox of `account` with counts, ordered by sort order then name. */
export async function listMailboxes(store: Store, account: AccountId, opts: CountOptions = {}): Promise<MailboxInfo[]> {
  const rows = (await store.db.selectFrom('mailboxes').selectAll().where('account_id', '=', account).execute()).map(toMailboxRow);
  const byName = withParents(rows);
  const counts = await countMailboxes(store, account, rows.map((r) => r.id), opts);
  return rows
    .map((r) => ({ ...r, parentId: parentIdOf(r.name, byName), ...(counts.get(r.id) ?? ZERO) }))
    .sort((a, b) => a.sortOrder - b.sortOrder || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const ZERO = { totalEmails: 0, unreadEmails: 0, totalThreads: 0, unreadThreads: 0, size: 0 };
type Counts = typeof ZERO;

function unseenExpr(dialect: string) {
  // A placement is unread when it lacks \Seen (RFC 9051 §2.3.2). Keywords cannot contain "\", so a
  // case-insensitive substring test is exact; SQLite's LIKE has no escape character by default.
  return dialect === 'postgres' ? sql`strpos(lower(mm.flags), '\\seen') = 0` : sql`mm.flags NOT LIKE '%\\seen%'`;
}

// Counts per account, kept with the account's modseq when they were read: every write that can
// change a count (delivery, flags, expunge, move, mailbox changes) raises the modseq, so equal
// modseq means equal counts. A reload of the webmail or a client's STATUS poll on a quiet
// account then costs one small read instead of a pass over every placement.
// Limit: at most 10 000 entries per store (cleared beyond).
const countCache = new WeakMap<Store, Map<string, { modseq: number; counts: Map<MailboxId, Counts> }>>();

async function countMailboxes(store: Store, account: AccountId, ids: MailboxId[], opts: CountOptions): Promise<Map<MailboxId, Counts>> {
  if (opts.counts === false || !ids.length) return new Map();
  // The modseq is read before the counts: counts at least as new as it are kept under it.
  const [acc] = await runCompiled(store, 'mailboxes.modseq', { id: account }, (v) => store.db.selectFrom('accounts').select('modseq').where('id', '=', v.id));
  const modseq = acc ? Number(acc.modseq) : -1;
  const key = `${account}:${opts.threads ? 't' : ''}${opts.size ? 's' : ''}:${ids.join(',')}`;
  let cache = countCache.get(store);
  if (!cache) countCache.set(store, (cache = new Map()));
  const hit = cache.get(key);
  if (hit && hit.modseq === modseq) return hit.counts;
  const out = await readCounts(store, account, ids, opts);
  if (cache.size >= 10_000) cache.clear();
  cache.set(key, { modseq, counts: out });
  return out;
}

async function readCounts(store: Store, account: AccountId, ids: MailboxId[], opts: CountOptions): Promise<Map<MailboxId, Counts>> {
  const out = new Map<MailboxId, Counts>();
  const unseen = unseenExpr(store.dialect);
  for (const part of chunks(ids)) {
    let q = store.db
      .selectFrom('mailbox_messages as mm')
      .select((eb) => ['mm.mailbox_id', eb.fn.countAll<number>().as('total'), sql<number>`sum(CASE WHEN ${unseen} THEN 1 ELSE 0 END)`.as('unread')])
      .where('mm.mailbox_id', 'in', part)
      .where('mm.account_id', '=', account)
      .where('mm.expunged_modseq', 'is', null)
      .groupBy('mm.mailbox_id');
    if (opts.threads || opts.size) {
      q = q
        .innerJoin('messages as m', 'm.id', 'mm.message_id')
        .select([
          sql<number>`count(DISTINCT m.thread_id)`.as('threads'),
          sql<number>`count(DISTINCT CASE WHEN ${unseen} THEN m.thread_id END)`.as('unread_threads'),
          sql<number>`sum(m.size)`.as('size'),
        ]) as any;
    }
    for (const r of (await q.execute()) as any[]) {
      out.set(Number(r.mailbox_id) as MailboxId, {
        totalEmails: Number(r.total),
        unreadEmails: Number(r.unread ?? 0),
        totalThreads: Number(r.threads ?? 0),
        unreadThreads: Number(r.unread_threads ?? 0),
        size: Number(r.size ?? 0),
      });
    }
  }
  return out;
}

/** One mailbox by id with counts, or null (also for another account's id). */
export async function getMailbox(store: Store, account: AccountId, id: MailboxId, opts: CountOptions = {}): Promise<MailboxInfo | null> {
  const r = await store.db.selectFrom('mailboxes').selectAll().where('account_id', '=', account).where('id', '=', id).executeTakeFirst();
  return r ? complete(store, account, toMailboxRow(r), opts) : null;
}

/** One mailbox by full name (INBOX case-insensitive), or null. */
export async function getMailboxByName(store: Store, account: AccountId, name: string, opts: CountOptions = {}): Promise<MailboxInfo | null> {
  let canonical: string;
  try {
    canonical = normaliseMailboxName(name);
  } catch {
    return null;
  }
  const r = await store.db.selectFrom('mailboxes').selectAll().where('account_id', '=', account).where('name', '=', canonical).executeTakeFirst();
  return r ? complete(store, account, toMailboxRow(r), opts) : null;
}

/** The mailbox with a role (`inbox`, `sent`, `trash` ...), or null. */
export async function getMailboxByRole(store: Store, account: AccountId, role: string, opts: CountOptions = {}): Promise<MailboxInfo | null> {
  const r = await store.db.selectFrom('mailboxes').selectAll().where('account_id', '=', account).where('role', '=', role.toLowerCase()).orderBy('id').executeTakeFirst();
  return r ? complete(store, account, toMailboxRow(r), opts) : null;
}

async function complete(store: Store, account: AccountId, row: MailboxRow, opts: CountOptions): Promise<MailboxInfo> {
  const names = await store.db.selectFrom('mailboxes').select(['id', 'name']).where('account_id', '=', account).execute();
  const byName = new Map(names.map((n) => [n.name, { id: Number(n.id) as MailboxId } as MailboxRow]));
  const counts = (await countMailboxes(store, account, [row.id], opts)).get(row.id) ?? ZERO;
  return { ...row, parentId: parentIdOf(row.name, byName), ...counts };
}

/** Next UIDVALIDITY for the account: strictly increasing, so a re-created name never reuses one (RFC 9051 §2.3.1.1). */
async function nextUidValidity(tx: WriteTx, account: AccountId): Promise<number> {
  const key = `mail.uidvalidity.${account}`;
  const row = await tx.db.selectFrom('kv').select('value').where('key', '=', key).executeTakeFirst();
  const max = await tx.db.selectFrom('mailboxes').select((eb) => eb.fn.max('uid_validity').as('m')).where('account_id', '=', account).executeTakeFirst();
  const last = Math.max(Number(row?.value ?? 0), Number(max?.m ?? 0));
  const v = Math.min(Math.max(newUidValidity(tx.now), last + 1), 0xffffffff);
  await tx.db.insertInto('kv').values({ key, value: String(v) }).onConflict((oc) => oc.column('key').doUpdateSet({ value: String(v) })).execute();
  return v;
}

async function insertMailbox(tx: WriteTx, account: AccountId, name: string, role: string | null, modseq: ModSeq, subscribed = true): Promise<MailboxId> {
  const row = await tx.db
    .insertInto('mailboxes')
    .values({ account_id: account, name, role, uid_validity: await nextUidValidity(tx, account), uid_next: 1, highest_modseq: modseq, subscribed: subscribed ? 1 : 0, created_modseq: modseq, updated_modseq: modseq, sort_order: 100 })
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = Number(row.id) as MailboxId;
  await tx.change(account, 'Mailbox', id, 'created', id);
  return id;
}

/** Create the missing ancestors of `name` (RFC 9051 §6.3.4: "foo/bar/zap" also creates "foo" and "foo/bar"). */
async function createParents(tx: WriteTx, account: AccountId, name: string, existing: Set<string>, modseq: ModSeq): Promise<MailboxId[]> {
  const missing: string[] = [];
  for (let p = parentName(name); p !== null; p = parentName(p)) if (!existing.has(p)) missing.unshift(p);
  const ids: MailboxId[] = [];
  for (const p of missing) {
    ids.push(await insertMailbox(tx, account, p, null, modseq));
    existing.add(p);
  }
  return ids;
}

async function checkRole(tx: WriteTx, account: AccountId, role: string | null | undefined, except?: MailboxId): Promise<string | null> {
  if (role === undefined || role === null) return null;
  const r = role.toLowerCase();
  if (!(ROLES as readonly string[]).includes(r) || r === 'inbox') throw new MailError('ROLE_INVALID', `unknown role ${role}`);
  let q = tx.db.selectFrom('mailboxes').select('id').where('account_id', '=', account).where('role', '=', r);
  if (except !== undefined) q = q.where('id', '!=', except);
  if (await q.executeTakeFirst()) throw new MailError('ROLE_TAKEN', `another mailbox has role ${r}`);
  return r;
}

async function namesOf(tx: WriteTx, account: AccountId): Promise<Set<string>> {
  const rows = await tx.db.selectFrom('mailboxes').select('name').where('account_id', '=', account).execute();
  return new Set(rows.map((r) => r.name));
}

/**
 * Create a mailbox, its missing parents implied. `role` = CREATE-SPECIAL-USE (RFC 6154 §3) or
 * JMAP role. Returns its id and the ids of every mailbox created (parents first).
 */
export async function createMailbox(store: Store, account: AccountId, name: string, opts: WriteOpts & { role?: string | null; subscribed?: boolean; sortOrder?: number } = {}): Promise<{ id: MailboxId; created: MailboxId[] }> {
  const canonical = normaliseMailboxName(name);
  const { result } = await store.write(account, async (tx) => {
    const role = await checkRole(tx, account, opts.role);
    const existing = await namesOf(tx, account);
    if (existing.has(canonical)) throw new MailError('MAILBOX_EXISTS', `mailbox ${canonical} exists`);
    const modseq = await tx.modseq(account);
    const created = await createParents(tx, account, canonical, existing, modseq);
    const id = await insertMailbox(tx, account, canonical, role, modseq, opts.subscribed ?? true);
    if (opts.sortOrder !== undefined) await tx.db.updateTable('mailboxes').set({ sort_order: opts.sortOrder }).where('id', '=', id).execute();
    created.push(id);
    return { id, created };
  }, { origin: opts.origin });
  return result;
}

/**
 * Rename a mailbox and its whole subtree (RFC 9051 §6.3.6). Renaming INBOX moves its messages to
 * a new mailbox of that name and leaves INBOX (and its children) in place. Returns the ids of
 * the mailboxes renamed or created.
 */
export async function renameMailbox(store: Store, account: AccountId, id: MailboxId, newName: string, opts: WriteOpts = {}): Promise<{ renamed: MailboxId[]; created: MailboxId[] }> {
  const target = normaliseMailboxName(newName);
  const { result } = await store.write(account, async (tx) => {
    const mb = await loadMailbox(tx.db, account, id);
    const existing = await namesOf(tx, account);
    if (target === mb.name) return { renamed: [], created: [] };
    if (existing.has(target)) throw new MailError('MAILBOX_EXISTS', `mailbox ${target} exists`);
    if (target.startsWith(mb.name + SEPARATOR)) throw new MailError('MAILBOX_NAME_INVALID', 'cannot move a mailbox under itself');
    const modseq = await tx.modseq(account);
    if (mb.name === 'INBOX') return renameInbox(tx, account, mb, target, existing, modseq);
    const created = await createParents(tx, account, target, existing, modseq);
    const rows = await tx.db.selectFrom('mailboxes').select(['id', 'name']).where('account_id', '=', account).execute();
    const subtree = rows.filter((r) => r.name === mb.name || r.name.startsWith(mb.name + SEPARATOR));
    for (const r of subtree) {
      const to = target + r.name.slice(mb.name.length);
      if (r.name !== mb.name && existing.has(to)) throw new MailError('MAILBOX_EXISTS', `mailbox ${to} exists`);
    }
    // Two passes avoid transient clashes with the unique (account_id, name) index.
    for (const r of subtree) await tx.db.updateTable('mailboxes').set({ name: `\u0001rename\u0001${r.id}` }).where('id', '=', r.id).execute();
    const renamed: MailboxId[] = [];
    for (const r of subtree) {
      const mid = Number(r.id) as MailboxId;
      await tx.db.updateTable('mailboxes').set({ name: target + r.name.slice(mb.name.length), updated_modseq: modseq }).where('id', '=', mid).execute();
      await tx.change(account, 'Mailbox', mid, 'updated', mid);
      renamed.push(mid);
    }
    return { renamed, created };
  }, { origin: opts.origin });
  return result;
}

// RFC 9051 §6.3.6: renaming INBOX moves all its messages to a new mailbox, leaving INBOX empty.
async function renameInbox(tx: WriteTx, account: AccountId, inbox: MailboxRow, target: string, existing: Set<string>, modseq: ModSeq) {
  const created = await createParents(tx, account, target, existing, modseq);
  const dest = await insertMailbox(tx, account, target, null, modseq);
  created.push(dest);
  const live = await tx.db.selectFrom('mailbox_messages').select(['uid', 'message_id', 'flags', 'internal_date']).where('mailbox_id', '=', inbox.id).where('account_id', '=', account).where('expunged_modseq', 'is', null).orderBy('uid').execute();
  if (live.length) {
    const first = await allocUids(tx, account, dest, live.length, modseq);
    await insertPlacements(tx, account, live.map((r, i) => ({ mailbox: dest, uid: (first + i) as Uid, messageId: Number(r.message_id) as EmailId, flags: r.flags, internalDate: Number(r.internal_date) })), modseq);
    await tombstone(tx, account, inbox.id, live.map((r) => Number(r.uid) as Uid), modseq);
    await touchMailboxes(tx, account, [inbox.id, dest], modseq, true);
    await settleEmails(tx, account, live.map((r) => Number(r.message_id) as EmailId));
  }
  return { renamed: [] as MailboxId[], created };
}

/**
 * Delete a mailbox. Refused for a mailbox with a role (MAILBOX_HAS_ROLE), with children unless
 * `allowChildren` (MAILBOX_HAS_CHILD; JMAP always refuses, RFC 8621 §2.5), and with emails when
 * `removeEmails` is false (JMAP onDestroyRemoveEmails=false → MAILBOX_HAS_EMAIL). Emails placed
 * only there are destroyed (quota released); the others lose this mailbox.
 */
export async function deleteMailbox(store: Store, account: AccountId, id: MailboxId, opts: WriteOpts & { removeEmails?: boolean; allowChildren?: boolean } = {}): Promise<{ destroyedEmails: EmailId[] }> {
  const { result } = await store.write(account, async (tx) => {
    const mb = await loadMailbox(tx.db, account, id);
    if (mb.role) throw new MailError('MAILBOX_HAS_ROLE', `mailbox ${mb.name} has role ${mb.role} and cannot be deleted`);
    if (!opts.allowChildren) {
      const names = await namesOf(tx, account);
      if ([...names].some((n) => n.startsWith(mb.name + SEPARATOR))) throw new MailError('MAILBOX_HAS_CHILD', `mailbox ${mb.name} has children`);
    }
    const live = await tx.db.selectFrom('mailbox_messages').select('message_id').where('mailbox_id', '=', id).where('account_id', '=', account).where('expunged_modseq', 'is', null).execute();
    if (live.length && opts.removeEmails === false) throw new MailError('MAILBOX_HAS_EMAIL', `mailbox ${mb.name} is not empty`);
    const modseq = await tx.modseq(account);
    await tx.db.deleteFrom('mailbox_messages').where('mailbox_id', '=', id).where('account_id', '=', account).execute();
    await tx.db.deleteFrom('mailboxes').where('id', '=', id).where('account_id', '=', account).execute();
    await tx.change(account, 'Mailbox', id, 'destroyed', id);
    const settled = await settleEmails(tx, account, live.map((r) => Number(r.message_id) as EmailId));
    return { destroyedEmails: settled.destroyed };
  }, { origin: opts.origin });
  return result;
}

/** Change properties other than the name: role (JMAP Mailbox/set, RFC 6154), sort order, subscription. */
export async function updateMailbox(store: Store, account: AccountId, id: MailboxId, patch: { role?: string | null; sortOrder?: number; subscribed?: boolean }, opts: WriteOpts = {}): Promise<void> {
  await store.write(account, async (tx) => {
    const mb = await loadMailbox(tx.db, account, id);
    const set: Record<string, unknown> = {};
    if (patch.role !== undefined && patch.role !== mb.role) {
      if (mb.role === 'inbox') throw new MailError('MAILBOX_HAS_ROLE', 'INBOX keeps its role');
      set.role = await checkRole(tx, account, patch.role, id);
    }
    if (patch.sortOrder !== undefined) set.sort_order = Math.max(0, Math.floor(patch.sortOrder));
    if (patch.subscribed !== undefined) set.subscribed = patch.subscribed ? 1 : 0;
    if (!Object.keys(set).length) return;
    const modseq = await tx.modseq(account);
    await tx.db.updateTable('mailboxes').set({ ...set, updated_modseq: modseq }).where('id', '=', id).where('account_id', '=', account).execute();
    await tx.change(account, 'Mailbox', id, 'updated', id);
  }, { origin: opts.origin });
}

/** SUBSCRIBE / UNSUBSCRIBE (RFC 9051 §6.3.7-6.3.8), JMAP isSubscribed. */
export async function setSubscribed(store: Store, account: AccountId, id: MailboxId, subscribed: boolean, opts: WriteOpts = {}): Promise<void> {
  await updateMailbox(store, account, id, { subscribed }, opts);
}
