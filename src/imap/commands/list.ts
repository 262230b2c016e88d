/** LIST (with LIST-EXTENDED, LIST-STATUS, SPECIAL-USE, CHILDREN) and LSUB. RFC 9051 §6.3.9,
 *  RFC 5258, RFC 5819, RFC 6154, RFC 3348, RFC 3501 §6.3.9 (LSUB). */
import { listMailboxes, useAttrOfRole, SEPARATOR, type MailboxInfo } from '../../mail/mailboxes.ts';
import type { Session } from '../session.ts';
import { statusValues } from './status.ts';
import { AUTH, ok, type Command } from './common.ts';

// Limit: patterns longer than this are refused by matching nothing (regex size).
const MAX_PATTERN = 1024;

/** RFC 9051 §6.3.9: "*" matches anything, "%" anything but the separator; INBOX is case-insensitive. */
export function patternMatcher(reference: string, pattern: string): (name: string) => boolean {
  const full = reference + pattern;
  if (full.length > MAX_PATTERN) return () => false;
  const body = full.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('%', `[^${SEPARATOR}]*`);
  const re = new RegExp(`^${body}$`, 'u');
  const inbox = /^inbox(?=\/|$)/i.test(full) ? new RegExp(`^${body.replace(/^inbox/i, 'INBOX')}$`, 'u') : null;
  return (name) => re.test(name) || (inbox !== null && inbox.test(name));
}

interface Entry {
  name: string;
  box: MailboxInfo | null;
  hasChildren: boolean;
}

/** Existing mailboxes plus the parents they imply (shown as \NonExistent / \Noselect). */
function entries(boxes: MailboxInfo[]): Entry[] {
  const byName = new Map(boxes.map((b) => [b.name, b]));
  const parents = new Set<string>();
  for (const b of boxes) {
    const segs = b.name.split(SEPARATOR);
    for (let i = 1; i < segs.length; i++) parents.add(segs.slice(0, i).join(SEPARATOR));
  }
  const out: Entry[] = boxes.map((b) => ({ name: b.name, box: b, hasChildren: parents.has(b.name) }));
  for (const p of parents) if (!byName.has(p)) out.push({ name: p, box: null, hasChildren: true });
  return out;
}

export const list: Command<'LIST'> = {
  states: AUTH,
  async run(s, req) {
    const a = req.args;
    // RFC 9051 §6.3.9: an empty pattern asks for the separator and root.
    if (a.patterns.length === 1 && a.patterns[0] === '' && !a.extended) {
      s.send({ type: 'list', attributes: ['\\Noselect'], delimiter: SEPARATOR, mailbox: '' });
      return ok('LIST completed');
    }
    const boxes = await listMailboxes(s.ctx.store, s.account!, { counts: !!a.returnOpts.status, size: !!a.returnOpts.status?.includes('SIZE') });
    const matchers = a.patterns.map((p) => patternMatcher(a.reference, p));
    const subscribedOnly = a.selection.includes('SUBSCRIBED');
    const specialOnly = a.selection.includes('SPECIAL-USE');
    for (const e of entries(boxes)) {
      if (!matchers.some((m) => m(e.name))) continue;
      const subscribed = !!e.box?.subscribed;
      if (subscribedOnly && !subscribed) continue;
      const use = useAttrOfRole(e.box?.role ?? null);
      if (specialOnly && !use) continue;
      const attrs: string[] = [];
      // RFC 5258 §3.4: \NonExistent (implies \Noselect) for a parent that is only implied.
      if (!e.box) attrs.push(a.extended ? '\\NonExistent' : '\\Noselect');
      attrs.push(e.hasChildren ? '\\HasChildren' : '\\HasNoChildren');
      if (subscribed && (subscribedOnly || a.returnOpts.subscribed)) attrs.push('\\Subscribed');
      if (use) attrs.push(use);
      s.send({ type: 'list', attributes: attrs, delimiter: SEPARATOR, mailbox: e.name });
      // RFC 5819 §2: a STATUS response follows each selectable mailbox's LIST.
      if (a.returnOpts.status && e.box) s.send({ type: 'status', mailbox: e.name, items: await statusValues(s, e.box, a.returnOpts.status) });
    }
    return ok('LIST completed');
  },
};

export const lsub: Command<'LSUB'> = {
  states: AUTH,
  async run(s, req) {
    const boxes = await listMailboxes(s.ctx.store, s.account!, { counts: false });
    const match = patternMatcher(req.args.reference, req.args.pattern);
    for (const e of entries(boxes)) {
      if (!e.box?.subscribed || !match(e.name)) continue;
      s.send({ type: 'lsub', attributes: [], delimiter: SEPARATOR, mailbox: e.name });
    }
    return ok('LSUB completed');
  },
};
