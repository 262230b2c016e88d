/** mail.ingest: the one entry point that stores a message (SMTP delivery, IMAP APPEND, JMAP import,
 *  local submission, DSN). One blob, one body row, one message row per account, in one transaction. */
import { sql } from 'kysely';
import type { Store, WriteTx } from '../store/store.ts';
import type { BlobStore } from '../blobs/blob-store.ts';
import type { AccountId, BlobId, EmailId, MailboxId, ModSeq, SessionId, ThreadId, Uid } from '../store/ids.ts';
import type { ParsedMessage } from '../mime/types.ts';
import { parseMessage, baseSubject } from '../mime/index.ts';
import { searchDocument, type SearchDocument } from './fold.ts';
import { formatFlags } from './flags.ts';
import { runCompiled } from '../store/compiled-query.ts';

export interface IngestTarget {
  account: AccountId;
  mailbox?: MailboxId;
  /** Mailbox role when `mailbox` is not given; default 'inbox'. */
  role?: string;
  /** IMAP flags / keywords, e.g. '\\Seen', '$Junk'. */
  keywords?: string[];
}

export interface IngestInput {
  raw: Buffer;
  parsed?: ParsedMessage;
  /** The full-text document of `parsed` (searchDocument), when already folded. */
  searchDocument?: SearchDocument;
  targets: IngestTarget[];
  receivedAt?: number;
  verdict?: unknown;
  origin?: SessionId;
  /** Default true: a target whose account would exceed its quota is not delivered (reported in overQuota). */
  enforceQuota?: boolean;
}

export interface IngestDelivery {
  account: AccountId;
  mailboxId: MailboxId;
  uid: Uid;
  uidValidity: number;
  emailId: EmailId;
  threadId: ThreadId;
  modseq: ModSeq;
}

export interface IngestResult {
  blobId: BlobId;
  size: number;
  delivered: IngestDelivery[];
  overQuota: AccountId[];
}

export class IngestError extends Error {
  code: 'OVERQUOTA' | 'MAILBOX_NOT_FOUND' | 'NO_TARGET';
  constructor(code: IngestError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

export interface IngestDeps {
  store: Store;
  blobs: BlobStore;
}

/** Rows per multi-row statement (SQLite allows 32 766 parameters). */
const CHUNK = 400;

/** JSON kept in bodies.structure: the parse result minus the bulky text fields. */
function structureJson(p: ParsedMessage): string {
  const { text: _t, html: _h, headers: _hd, ...rest } = p;
  return JSON.stringify(rest);
}


/**
 * Store a message for every target. The blob is written and fsynced first, then one transaction
 * inserts the body, the messages and their placements, quota usage and the change log; the
 * promise resolves after commit (ARCHITECTURE.md "The way a message travels").
 */
export async function ingest(deps: IngestDeps, input: IngestInput): Promise<IngestResult> {
  const p = await prepare(deps, input);
  const { result } = await deps.store.write(p.accounts, (tx) => insertPrepared(tx, p), { origin: input.origin });
  return { blobId: p.blob.id, size: p.blob.size, delivered: result.delivered, overQuota: result.overQuota };
}

/**
 * Store several messages all or nothing (IMAP MULTIAPPEND, RFC 3502 §6.3.11): every blob is written
 * first, then one transaction inserts them all; if any target would exceed its quota (with
 * `enforceQuota`) nothing is stored and IngestError('OVERQUOTA') is thrown.
 */
export async function ingestAll(deps: IngestDeps, inputs: IngestInput[]): Promise<IngestResult[]> {
  const prepared: Prepared[] = [];
  for (const input of inputs) prepared.push(await prepare(deps, input));
  const accounts = [...new Set(prepared.flatMap((p) => p.accounts))];
  const { result } = await deps.store.write(
    accounts,
    async (tx) => {
      const out: IngestResult[] = [];
      for (const p of prepared) {
        const r = await insertPrepared(tx, p);
        if (r.overQuota.length) throw new IngestError('OVERQUOTA', 'quota exceeded');
        out.push({ blobId: p.blob.id, size: p.blob.size, ...r });
      }
      return out;
    },
    { origin: inputs[0]?.origin },
  );
  return result;
}

interface Prepared {
  input: IngestInput;
  parsed: ParsedMessage;
  blob: { id: BlobId; size: number };
  receivedAt: number;
  byAccount: Map<AccountId, IngestTarget[]>;
  accounts: AccountId[];
}

/** Parse (unless given) and write the blob durably: everything that happens before the transaction. */
async function prepare(deps: IngestDeps, input: IngestInput): Promise<Prepared> {
  if (!input.targets.length) throw new IngestError('NO_TARGET', 'no recipient');
  const parsed = input.parsed ?? (await parseMessage(input.raw));
  const blob = await deps.blobs.put(input.raw);
  const byAccount = new Map<AccountId, IngestTarget[]>();
  for (const t of input.targets) {
    const l = byAccount.get(t.account);
    if (l) l.push(t);
    else byAccount.set(t.account, [t]);
  }
  return { input, parsed, blob, receivedAt: input.receivedAt ?? deps.store.clock(), byAccount, accounts: [...byAccount.keys()] };
}

/** Inside the write transaction: body, messages, placements, quota usage, change log. */
async function insertPrepared(tx: WriteTx, p: Prepared): Promise<{ delivered: IngestDelivery[]; overQuota: AccountId[] }> {
  const { input, parsed, blob, receivedAt, byAccount, accounts } = p;
  const size = blob.size;
  // Quota of a single chunk is read once, here (deliverChunk reuses it); bigger fan-outs check
  // that someone has room before writing a body for no one, then read quota per chunk.
  let firstRoom: Set<number> | undefined;
  if (input.enforceQuota !== false) {
    firstRoom = await accountsWithRoom(tx, accounts.slice(0, CHUNK), size);
    if (!firstRoom.size && !(await anyWithRoom(tx, accounts.slice(CHUNK), size))) return { delivered: [], overQuota: accounts };
  }
  const bodyId = await upsertBody(tx, blob.id, parsed, input.searchDocument);
  const delivered: IngestDelivery[] = [];
  const overQuota: AccountId[] = [];
  for (let i = 0; i < accounts.length; i += CHUNK) {
    const part = accounts.slice(i, i + CHUNK);
    const r = await deliverChunk(tx, { bodyId, blobId: blob.id, size, parsed, receivedAt, verdict: input.verdict, enforce: input.enforceQuota !== false, room: i === 0 ? firstRoom : undefined }, part, byAccount);
    delivered.push(...r.delivered);
    overQuota.push(...r.overQuota);
  }
  const n = new Set(delivered.map((d) => d.emailId)).size;
  if (n) {
    await runCompiled(tx, 'ingest.blob', { id: blob.id, size, n, now: tx.now }, (v) =>
      tx.db
        .insertInto('blobs')
        .values({ id: v.id, size: v.size, refcount: v.n, created_at: v.now, unreferenced_at: null })
        .onConflict((oc) => oc.column('id').doUpdateSet({ refcount: sql`blobs.refcount + ${v.n}`, unreferenced_at: null })),
    );
  }
  return { delivered, overQuota };
}

async function upsertBody(tx: WriteTx, blobId: BlobId, p: ParsedMessage, doc: SearchDocument | undefined): Promise<number> {
  const [existing] = await runCompiled(tx, 'ingest.body.find', { blobId }, (v) => tx.db.selectFrom('bodies').select('id').where('blob_id', '=', v.blobId));
  if (existing) return Number(existing.id);
  const values = {
    blob_id: blobId,
    size: p.size,
    sent_at: p.sentAt,
    message_id: p.messageId,
    in_reply_to: p.inReplyTo.join(' ') || null,
    references: p.references.join(' ') || null,
    subject: p.subject,
    from_addr: JSON.stringify(p.from),
    sender: JSON.stringify(p.sender),
    to_addr: JSON.stringify(p.to),
    cc_addr: JSON.stringify(p.cc),
    bcc_addr: JSON.stringify(p.bcc),
    reply_to: JSON.stringify(p.replyTo),
    preview: p.preview,
    has_attachment: p.hasAttachment ? 1 : 0,
    structure: structureJson(p),
    created_at: tx.now,
  };
  const [row] = await runCompiled(tx, 'ingest.body.insert', values, (v) => tx.db.insertInto('bodies').values(v).returning('id'));
  if (!row) throw new Error('bodies insert returned no row');
  const id = Number(row.id);
  // Folded by the caller when it could (the inspection worker), else here.
  const { subject, addrs, body } = doc ?? searchDocument(p);
  if (tx.dialect === 'sqlite') {
    await sql`INSERT INTO message_fts(rowid, subject, addrs, body) VALUES (${id}, ${subject}, ${addrs}, ${body})`.execute(tx.db);
  } else {
    await sql`INSERT INTO message_fts(body_id, tsv) VALUES (${id}, setweight(to_tsvector('simple', ${subject}), 'A') || to_tsvector('simple', ${addrs}) || to_tsvector('simple', left(${body}, 500000)))`.execute(tx.db);
  }
  return id;
}

interface ChunkCtx {
  bodyId: number;
  blobId: BlobId;
  size: number;
  parsed: ParsedMessage;
  receivedAt: number;
  verdict: unknown;
  enforce: boolean;
  /** Accounts of this chunk with room for the message, when already read. */
  room?: Set<number>;
}

/** Has any of `accounts` (any number) room for `size` more bytes? */
async function anyWithRoom(tx: WriteTx, accounts: AccountId[], size: number): Promise<boolean> {
  for (let i = 0; i < accounts.length; i += CHUNK) {
    const part = accounts.slice(i, i + CHUNK);
    if (await tx.db.selectFrom('accounts').select('id').where('id', 'in', part).where(sql<boolean>`used_bytes + ${size} <= quota_bytes`).executeTakeFirst()) return true;
  }
  return false;
}

/** Accounts (up to CHUNK) whose quota leaves room for `size` more bytes. */
async function accountsWithRoom(tx: WriteTx, accounts: AccountId[], size: number): Promise<Set<number>> {
  const rows = await runCompiled(tx, 'ingest.quota', { ids: accounts }, (v) => tx.db.selectFrom('accounts').select(['id', 'quota_bytes', 'used_bytes']).where('id', 'in', v.ids));
  return new Set(rows.filter((r) => Number(r.used_bytes) + size <= Number(r.quota_bytes)).map((r) => Number(r.id)));
}

/** Bulk delivery to up to CHUNK accounts: a constant number of statements per chunk (fan-out). */
async function deliverChunk(tx: WriteTx, c: ChunkCtx, accounts: AccountId[], byAccount: Map<AccountId, IngestTarget[]>) {
  const overQuota: AccountId[] = [];
  let ok = accounts;
  if (c.enforce) {
    const room = c.room ?? (await accountsWithRoom(tx, accounts, c.size));
    ok = accounts.filter((a) => room.has(a));
    for (const a of accounts) if (!room.has(a)) overQuota.push(a);
  }
  if (!ok.length) return { delivered: [], overQuota };
  // One modseq per account for this transaction, and quota usage (RFC 9208 STORAGE) in the same statement.
  const ms = await runCompiled(tx, 'ingest.modseq', { size: c.size, ids: ok }, (v) =>
    tx.db
      .updateTable('accounts')
      .set({ modseq: sql`modseq + 1`, used_bytes: sql`used_bytes + ${v.size}` })
      .where('id', 'in', v.ids)
      .returning(['id', 'modseq']),
  );
  const modseqOf = new Map<AccountId, ModSeq>();
  for (const r of ms) {
    modseqOf.set(Number(r.id) as AccountId, Number(r.modseq) as ModSeq);
    tx.setModseq(Number(r.id) as AccountId, Number(r.modseq) as ModSeq);
  }
  ok = ok.filter((a) => modseqOf.has(a));
  const mailboxOf = await resolveMailboxes(tx, ok, byAccount);
  const { threads: threadOf, created: newThreads } = await assignThreads(tx, ok, c.parsed);
  const messageValues = { ids: ok, threads: ok.map((a) => threadOf.get(a)!), modseqs: ok.map((a) => modseqOf.get(a)!), bodyId: c.bodyId, blobId: c.blobId, size: c.size, receivedAt: c.receivedAt, verdict: c.verdict === undefined ? null : JSON.stringify(c.verdict) };
  const messageRows = await runCompiled(tx, 'ingest.messages', messageValues, (v: typeof messageValues) =>
    tx.db
      .insertInto('messages')
      .values(v.ids.map((a, i) => ({ account_id: a, body_id: v.bodyId, blob_id: v.blobId, thread_id: v.threads[i], size: v.size, received_at: v.receivedAt, verdict: v.verdict, created_modseq: v.modseqs[i], updated_modseq: v.modseqs[i] })))
      .returning(['id', 'account_id']),
  );
  const emailOf = new Map(messageRows.map((r) => [Number(r.account_id) as AccountId, Number(r.id) as EmailId]));
  // UIDs: one UPDATE … RETURNING per distinct mailbox set; a mailbox appears once per account here.
  const placements: { account: AccountId; mailbox: MailboxId; keywords: string[] }[] = [];
  for (const a of ok) for (const [mb, kw] of mailboxOf.get(a)!) placements.push({ account: a, mailbox: mb, keywords: kw });
  const uidRows = await runCompiled(tx, 'ingest.uids', { ids: placements.map((p) => p.mailbox) }, (v) =>
    tx.db
      .updateTable('mailboxes')
      .set({ uid_next: sql`uid_next + 1`, highest_modseq: sql`(SELECT a.modseq FROM accounts a WHERE a.id = mailboxes.account_id)` })
      .where('id', 'in', v.ids)
      .returning(['id', 'uid_next', 'uid_validity']),
  );
  const uidOf = new Map(uidRows.map((r) => [Number(r.id), { uid: Number(r.uid_next) - 1, uidValidity: Number(r.uid_validity) }]));
  const placementValues = {
    accounts: placements.map((p) => p.account),
    mailboxes: placements.map((p) => p.mailbox),
    uids: placements.map((p) => uidOf.get(p.mailbox)!.uid),
    emails: placements.map((p) => emailOf.get(p.account)!),
    flags: placements.map((p) => formatFlags(p.keywords)),
    modseqs: placements.map((p) => modseqOf.get(p.account)!),
    receivedAt: c.receivedAt,
  };
  await runCompiled(tx, 'ingest.placements', placementValues, (v: typeof placementValues) =>
    tx.db
      .insertInto('mailbox_messages')
      .values(v.accounts.map((a, i) => ({ account_id: a, mailbox_id: v.mailboxes[i], uid: v.uids[i], message_id: v.emails[i], flags: v.flags[i], modseq: v.modseqs[i], expunged_modseq: null, internal_date: v.receivedAt }))),
  );
  const changes: Parameters<WriteTx['changes']>[0] = [];
  const delivered: IngestDelivery[] = [];
  for (const p of placements) {
    const emailId = emailOf.get(p.account)!;
    changes.push({ account: p.account, type: 'Mailbox', objectId: p.mailbox, op: 'updated', mailboxId: p.mailbox });
    const u = uidOf.get(p.mailbox)!;
    delivered.push({ account: p.account, mailboxId: p.mailbox, uid: u.uid as Uid, uidValidity: u.uidValidity, emailId, threadId: threadOf.get(p.account)!, modseq: modseqOf.get(p.account)! });
  }
  for (const a of ok) {
    changes.push({ account: a, type: 'Email', objectId: emailOf.get(a)!, op: 'created' });
    changes.push({ account: a, type: 'Thread', objectId: threadOf.get(a)!, op: newThreads.has(a) ? 'created' : 'updated' });
    tx.touch(a, 'EmailDelivery');
    tx.touch(a, 'Quota');
  }
  await tx.changes(changes);
  return { delivered, overQuota };
}

/** Per account: target mailbox ids with their keywords (roles resolved in one query). */
async function resolveMailboxes(tx: WriteTx, accounts: AccountId[], byAccount: Map<AccountId, IngestTarget[]>) {
  const roles = new Set<string>();
  for (const a of accounts) for (const t of byAccount.get(a)!) if (t.mailbox === undefined) roles.add(t.role ?? 'inbox');
  const byRole = new Map<string, MailboxId>();
  if (roles.size) {
    const rows = await runCompiled(tx, 'ingest.roles', { ids: accounts, roles: [...roles] }, (v) => tx.db.selectFrom('mailboxes').select(['id', 'account_id', 'role']).where('account_id', 'in', v.ids).where('role', 'in', v.roles));
    for (const r of rows) byRole.set(`${r.account_id}:${r.role}`, Number(r.id) as MailboxId);
  }
  const explicit = new Set<number>();
  for (const a of accounts) for (const t of byAccount.get(a)!) if (t.mailbox !== undefined) explicit.add(t.mailbox);
  if (explicit.size) {
    const rows = await tx.db.selectFrom('mailboxes').select(['id', 'account_id']).where('id', 'in', [...explicit]).execute();
    const owner = new Map(rows.map((r) => [Number(r.id), Number(r.account_id)]));
    for (const a of accounts) for (const t of byAccount.get(a)!) if (t.mailbox !== undefined && owner.get(t.mailbox) !== a) throw new IngestError('MAILBOX_NOT_FOUND', `mailbox ${t.mailbox} not found`);
  }
  const out = new Map<AccountId, Map<MailboxId, string[]>>();
  for (const a of accounts) {
    const m = new Map<MailboxId, string[]>();
    for (const t of byAccount.get(a)!) {
      const mb = t.mailbox ?? byRole.get(`${a}:${t.role ?? 'inbox'}`);
      if (mb === undefined) throw new IngestError('MAILBOX_NOT_FOUND', `no ${t.role ?? 'inbox'} mailbox for account ${a}`);
      const kw = new Set([...(m.get(mb) ?? []), ...(t.keywords ?? [])]);
      m.set(mb, [...kw]);
    }
    out.set(a, m);
  }
  return out;
}

/** Threads from In-Reply-To / References (RFC 5256 §2.2 idea), shared with IMAP THREAD and JMAP. */
async function assignThreads(tx: WriteTx, accounts: AccountId[], p: ParsedMessage): Promise<{ threads: Map<AccountId, ThreadId>; created: Set<AccountId> }> {
  const refs = [...new Set([...p.references, ...p.inReplyTo])].slice(-20);
  const out = new Map<AccountId, ThreadId>();
  if (refs.length) {
    const rows = await runCompiled(tx, 'ingest.refs', { ids: accounts, refs }, (v) => tx.db.selectFrom('thread_refs').select(['account_id', 'thread_id']).where('account_id', 'in', v.ids).where('message_id_header', 'in', v.refs));
    for (const r of rows) out.set(Number(r.account_id) as AccountId, Number(r.thread_id) as ThreadId);
  }
  const fresh = accounts.filter((a) => !out.has(a));
  const created = new Set(fresh);
  if (fresh.length) {
    const base = baseSubject(p.subject).slice(0, 200);
    const rows = await runCompiled(tx, 'ingest.threads', { ids: fresh, base, now: tx.now }, (v: { ids: AccountId[]; base: string; now: number }) =>
      tx.db.insertInto('threads').values(v.ids.map((a) => ({ account_id: a, base_subject: v.base, updated_at: v.now }))).returning(['id', 'account_id']),
    );
    for (const r of rows) out.set(Number(r.account_id) as AccountId, Number(r.id) as ThreadId);
  }
  const ids = [...new Set([p.messageId, ...refs].filter((x): x is string => !!x))];
  if (ids.length) {
    const values = accounts.flatMap((a) => ids.map((id) => ({ account_id: a, message_id_header: id.slice(0, 500), thread_id: out.get(a)! })));
    for (let i = 0; i < values.length; i += CHUNK) {
      const part = values.slice(i, i + CHUNK);
      const refValues = { accounts: part.map((r) => r.account_id), ids: part.map((r) => r.message_id_header), threads: part.map((r) => r.thread_id) };
      await runCompiled(tx, 'ingest.refs.insert', refValues, (v: typeof refValues) =>
        tx.db
          .insertInto('thread_refs')
          .values(v.accounts.map((a, j) => ({ account_id: a, message_id_header: v.ids[j], thread_id: v.threads[j] })))
          .onConflict((oc) => oc.columns(['account_id', 'message_id_header']).doNothing()),
      );
    }
  }
  return { threads: out, created };
}
