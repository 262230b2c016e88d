/** THREAD algorithms REFERENCES and ORDEREDSUBJECT over the searched messages, pure. RFC 5256 §2.1, §2.2, §3, §7. */
import { baseSubject, decodeWords } from '../mime/index.ts';
import type { ThreadNode } from './proto/format.ts';

export interface ThreadMessage {
  /**
   * The number to print: UID (UID THREAD) or sequence number (THREAD). Both ascend in mailbox
   * order, which breaks ties of sent date (RFC 5256 §2.2) and picks the "lowest sequence number"
   * holder of a duplicated Message-ID (§3, REFERENCES step 1.A).
   */
  id: number;
  /** Message-ID: header value, raw (`<a@b>`) or without brackets; null when absent. */
  messageId: string | null;
  /** In-Reply-To: raw header, the stored space-separated list, or a parsed list; null when absent. */
  inReplyTo: string | readonly string[] | null;
  /** References: same forms as inReplyTo. */
  references: string | readonly string[] | null;
  /** Subject, decoded or not ('' when absent). */
  subject: string;
  /** Date: header in epoch ms, null when missing or unparsable. */
  sentAt: number | null;
  /** INTERNALDATE in epoch ms: the sent date when the Date header is unusable (RFC 5256 §2.2). */
  internalDate: number;
}

// ---- Message-IDs ----------------------------------------------------------------------------

/**
 * A normalised Message ID (RFC 5256 §3 note): brackets, whitespace and the quoting of a quoted
 * local part removed, so <"a b"@x> and <a b@x> compare equal. Null when not a valid msg-id (RFC
 * 5322 §3.6.4 needs "@"), which keeps In-Reply-To prose ("your message of ...") from linking.
 */
export function normalizeMessageId(raw: string): string | null {
  let s = raw.trim();
  if (s.startsWith('<')) s = s.slice(1);
  if (s.endsWith('>')) s = s.slice(0, -1);
  s = s.replace(/"((?:[^"\\]|\\.)*)"/g, (_, q: string) => q.replace(/\\(.)/g, '$1')).replace(/\s+/g, '');
  const at = s.lastIndexOf('@');
  return at > 0 && at < s.length - 1 ? s : null;
}

/** Valid Message IDs of a header value (raw with brackets, or the stored space-separated list) or of a parsed list. */
export function messageIdList(v: string | readonly string[] | null): string[] {
  if (v === null) return [];
  const tokens = typeof v !== 'string' ? v : v.includes('<') ? [...v.matchAll(/<([^<>]*)>/g)].map((m) => m[1]!) : v.split(/\s+/);
  const out: string[] = [];
  for (const t of tokens) {
    const id = normalizeMessageId(t);
    if (id !== null) out.push(id);
  }
  return out;
}

/**
 * The references of a message (RFC 5256 §3, REFERENCES): the valid Message IDs of References;
 * when there are none, the first valid Message ID of In-Reply-To alone; else none.
 */
export function referencesOf(m: Pick<ThreadMessage, 'references' | 'inReplyTo'>): string[] {
  const refs = messageIdList(m.references);
  if (refs.length > 0) return refs;
  return messageIdList(m.inReplyTo).slice(0, 1);
}

// ---- Subjects -------------------------------------------------------------------------------

/**
 * i;unicode-casemap (RFC 5051 §2, required by RFC 5256 §7): each character to its titlecase
 * (approximated by a one-character upper case; characters whose upper case is several stay),
 * then NFKD. Used for equality only.
 */
export function unicodeCasemap(s: string): string {
  if (/^[\x00-\x7f]*$/.test(s)) return s.toUpperCase();
  let out = '';
  for (const ch of s) {
    const u = ch.toUpperCase();
    out += u.length === ch.length ? u : ch;
  }
  return out.normalize('NFKD');
}

const isWsp = (c: number): boolean => c === 32 || c === 9;

/** End of the subj-blob ("[" *BLOBCHAR "]" *WSP) at `p`, or p when none (RFC 5256 §5). */
function blobEnd(s: string, p: number): number {
  if (s.charCodeAt(p) !== 91) return p;
  let i = p + 1;
  while (i < s.length && s.charCodeAt(i) !== 93) {
    if (s.charCodeAt(i) === 91) return p;
    i++;
  }
  if (i >= s.length) return p;
  i++;
  while (i < s.length && isWsp(s.charCodeAt(i))) i++;
  return i;
}

/**
 * Whether the base-subject extraction of §2.1 removes a subj-refwd, a "(fwd)" subj-trailer or a
 * subj-fwd-hdr/subj-fwd-trl pair: the definition of "reply or forward" in RFC 5256 §3
 * (REFERENCES). Follows the steps of `baseSubject` (src/mime/subject.ts) and stops at the first
 * such removal.
 */
export function isReplyOrForward(subject: string): boolean {
  // (1)
  const full = decodeWords(subject).replace(/[\t\r\n]/g, ' ').replace(/ {2,}/g, ' ');
  // (2) subj-trailer: WSP, or "(fwd)" (a forward)
  let end = full.length;
  for (;;) {
    if (end > 0 && isWsp(full.charCodeAt(end - 1))) end--;
    else if (end >= 5 && full.slice(end - 5, end).toLowerCase() === '(fwd)') return true;
    else break;
  }
  const s = full.slice(0, end);
  // (3)-(5) subj-leader = (*subj-blob subj-refwd) / WSP, and lone subj-blobs
  let start = 0;
  for (;;) {
    if (start < end && isWsp(s.charCodeAt(start))) {
      start++;
      continue;
    }
    let i = start;
    let lastBlob = start;
    for (let b = blobEnd(s, i); b > i; b = blobEnd(s, i)) {
      lastBlob = i;
      i = b;
    }
    // subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"
    const low = s.slice(i, i + 3).toLowerCase();
    let j = low.startsWith('re') || low.startsWith('fw') ? i + 2 : -1;
    if (j >= 0) {
      if (low === 'fwd') j++;
      while (j < end && isWsp(s.charCodeAt(j))) j++;
      j = blobEnd(s, j);
      if (j < end && s.charCodeAt(j) === 58) return true;
    }
    // (4) a blob goes only while a non-empty subj-base remains
    if (i > start && i < end) start = i;
    else if (i > start && lastBlob > start) start = lastBlob;
    else break;
  }
  // (6) "[fwd:" ... "]"
  const rest = s.slice(start);
  return rest.length >= 6 && rest.slice(0, 5).toLowerCase() === '[fwd:' && rest.endsWith(']');
}

// ---- REFERENCES -------------------------------------------------------------------------------

interface Container {
  msg: ThreadMessage | null;
  parent: Container | null;
  children: Set<Container>;
}

/** Sort key of §2.2: sent date (Date header, else INTERNALDATE), then mailbox order. */
const sentDate = (m: ThreadMessage): number => m.sentAt ?? m.internalDate;
function compareMessages(a: ThreadMessage, b: ThreadMessage): number {
  return sentDate(a) - sentDate(b) || a.id - b.id;
}

/** Whether `a` is `b` or one of its descendants (walks up from `a`). */
function isDescendant(a: Container, b: Container): boolean {
  // A container without children has no descendant but itself: the common case costs nothing.
  if (b.children.size === 0) return a === b;
  for (let c: Container | null = a; c; c = c.parent) if (c === b) return true;
  return false;
}

function unlink(c: Container): void {
  c.parent?.children.delete(c);
  c.parent = null;
}

function link(parent: Container, child: Container): void {
  child.parent = parent;
  parent.children.add(child);
}

interface Tree {
  msg: ThreadMessage | null;
  children: Tree[];
}

/** REFERENCES threading (RFC 5256 §3). `messages` in any order; each id once. */
export function threadReferences(messages: readonly ThreadMessage[]): ThreadNode[] {
  const sorted = [...messages].sort((a, b) => a.id - b.id);
  const table = new Map<string, Container>();
  const all: Container[] = [];
  const container = (id: string): Container => {
    let c = table.get(id);
    if (!c) {
      c = { msg: null, parent: null, children: new Set() };
      table.set(id, c);
      all.push(c);
    }
    return c;
  };
  // (1) For each searched message, in mailbox order.
  for (const m of sorted) {
    const mid = m.messageId === null ? null : normalizeMessageId(m.messageId);
    let self: Container;
    // (1.A) no valid Message-ID, or one already held by a lower sequence number: a unique one.
    if (mid === null || table.get(mid)?.msg) {
      self = { msg: m, parent: null, children: new Set() };
      all.push(self);
    } else {
      self = container(mid);
      self.msg = m;
    }
    const refs = referencesOf(m);
    // (1.A) link each reference to the next, keeping an existing parent and never making a loop.
    for (let i = 0; i + 1 < refs.length; i++) {
      const parent = container(refs[i]!);
      const child = container(refs[i + 1]!);
      if (child.parent === null && !isDescendant(parent, child)) link(parent, child);
    }
    // (1.B) the last reference becomes the parent, replacing any presumed one, unless a loop.
    unlink(self);
    if (refs.length > 0) {
      const parent = container(refs[refs.length - 1]!);
      if (!isDescendant(parent, self)) link(parent, self);
    }
  }
  // (2) Parentless containers are the children of the root.
  const toTree = new Map<Container, Tree>();
  for (const c of all) toTree.set(c, { msg: c.msg, children: [] });
  const roots: Tree[] = [];
  for (const c of all) {
    const t = toTree.get(c)!;
    for (const k of c.children) t.children.push(toTree.get(k)!);
    if (c.parent === null) roots.push(t);
  }
  // (3) Prune dummies, deepest first (reverse breadth-first order) so spliced children are final.
  const order = breadthFirst(roots);
  for (let i = order.length - 1; i >= 0; i--) order[i]!.children = prune(order[i]!.children, false);
  const top = prune(roots, true);
  // (5) Gather threads with the same base subject.
  const merged = gatherSubjects(top);
  // (6) Sort every set of siblings, deepest first; a dummy sorts as its first child.
  const all2 = breadthFirst(merged);
  for (let i = all2.length - 1; i >= 0; i--) all2[i]!.children.sort(compareTrees);
  merged.sort(compareTrees);
  return toNodes(merged);
}

/** The trees of `list` and all their descendants, parents before children (no recursion, no spread). */
function breadthFirst(list: Tree[]): Tree[] {
  const out = list.slice();
  for (let i = 0; i < out.length; i++) for (const c of out[i]!.children) out.push(c);
  return out;
}

/** Step (3) on one list of siblings whose own children are already pruned. */
function prune(list: Tree[], atRoot: boolean): Tree[] {
  const out: Tree[] = [];
  for (const t of list) {
    if (t.msg !== null) out.push(t);
    // A dummy without children is deleted; with children it is replaced by them, except that
    // several children are not promoted to the root.
    else if (t.children.length > 0 && (!atRoot || t.children.length === 1)) for (const c of t.children) out.push(c);
    else if (t.children.length > 0) out.push(t);
  }
  return out;
}

function firstMessage(t: Tree): ThreadMessage {
  while (t.msg === null) t = t.children[0]!;
  return t.msg;
}

function compareTrees(a: Tree, b: Tree): number {
  return compareMessages(firstMessage(a), firstMessage(b));
}

/** Step (5): the subject table (5.A, 5.B), then merging (5.C). Returns the new top level. */
function gatherSubjects(top: Tree[]): Tree[] {
  // (4) Top level sorted by sent date, a dummy by its earliest child: the order (5) walks in.
  for (const t of top) if (t.msg === null) t.children.sort(compareTrees);
  top.sort(compareTrees);
  const keyOf = new Map<Tree, string>();
  const replyOf = new Map<Tree, boolean>();
  for (const t of top) {
    // (5.B.i) the thread subject: of the message, or of a dummy's first child
    const subject = (t.msg ?? t.children[0]!.msg ?? firstMessage(t)).subject;
    // Subject comparisons are case-insensitive (RFC 5256 §7, i;unicode-casemap).
    keyOf.set(t, unicodeCasemap(baseSubject(subject)));
    if (t.msg !== null) replyOf.set(t, isReplyOrForward(t.msg.subject));
  }
  const table = new Map<string, Tree>();
  for (const t of top) {
    const key = keyOf.get(t)!;
    // (5.B.ii) an empty thread subject is skipped
    if (key === '') continue;
    const held = table.get(key);
    // (5.B.iv)
    if (!held) table.set(key, t);
    else if (held.msg !== null && (t.msg === null || (replyOf.get(held) && !replyOf.get(t)))) table.set(key, t);
  }
  const out: Tree[] = [];
  const slot = new Map<Tree, number>();
  for (const t of top) {
    const key = keyOf.get(t)!;
    const held = key === '' ? undefined : table.get(key);
    // (5.C.ii-iv) skipped: no subject, or the message the table holds
    if (held === undefined || held === t) {
      slot.set(t, out.length);
      out.push(t);
      continue;
    }
    if (held.msg === null && t.msg === null) for (const c of t.children) held.children.push(c);
    else if (held.msg === null) held.children.push(t);
    else if (t.msg !== null && replyOf.get(t) && !replyOf.get(held)) held.children.push(t);
    else {
      // A new dummy takes the held message's place at the top and in the table. The held message
      // was visited already: per (5.B) it is the first dummy with this subject, else the first
      // non-reply, else the first message, and a reply before a held non-reply took the branch above.
      const dummy: Tree = { msg: null, children: [held, t] };
      table.set(key, dummy);
      const i = slot.get(held)!;
      out[i] = dummy;
      slot.set(dummy, i);
    }
  }
  return out;
}

// ---- Output ----------------------------------------------------------------------------------

// Limit: a reply chain deeper than this is cut there, its deeper messages listed as children of
// the message at this depth in date order: the response formatter recurses once per level and a
// forged chain of 100 000 References would otherwise exhaust the stack. Real threads stay far below.
export const MAX_THREAD_DEPTH = 1000;

/** Trees to ThreadNodes without recursion. */
function toNodes(list: Tree[]): ThreadNode[] {
  const make = (t: Tree): ThreadNode => ({ id: t.msg?.id ?? null, children: [] });
  const out = list.map(make);
  const stack: [Tree, ThreadNode, number][] = list.map((t, i) => [t, out[i]!, 1]);
  while (stack.length > 0) {
    const [t, n, depth] = stack.pop()!;
    if (depth >= MAX_THREAD_DEPTH) {
      const rest = breadthFirst(t.children).filter((c) => c.msg !== null);
      for (const c of rest.sort(compareTrees)) n.children.push(make(c));
      continue;
    }
    for (const c of t.children) {
      const k = make(c);
      n.children.push(k);
      stack.push([c, k, depth + 1]);
    }
  }
  return out;
}

// ---- ORDEREDSUBJECT ---------------------------------------------------------------------------

/**
 * ORDEREDSUBJECT (RFC 5256 §3): sorted by base subject then sent date, split into one thread per
 * base subject (compared with i;unicode-casemap, §7), threads ordered by the sent date of their
 * first message; the first message is the root and every other one its child.
 */
export function threadOrderedSubject(messages: readonly ThreadMessage[]): ThreadNode[] {
  const groups = new Map<string, ThreadMessage[]>();
  for (const m of messages) {
    const key = unicodeCasemap(baseSubject(m.subject));
    const g = groups.get(key);
    if (g) g.push(m);
    else groups.set(key, [m]);
  }
  const threads = [...groups.values()].map((g) => g.sort(compareMessages));
  threads.sort((a, b) => compareMessages(a[0]!, b[0]!));
  return threads.map(([first, ...rest]) => ({ id: first!.id, children: rest.map((m) => ({ id: m.id, children: [] })) }));
}
