/** Mailbox/query and Mailbox/queryChanges (in memory: an account has few mailboxes). RFC 8621 §2.3, §2.4. */
import { listMailboxes, type MailboxInfo } from '../../mail/mailboxes.ts';
import { MethodError } from '../errors.ts';
import { typeState } from '../state.ts';
import { optBool, queryPaging, windowIds } from '../standard.ts';
import type { Args, MethodHandler } from '../types.ts';

type Pred = (m: MailboxInfo) => boolean;

function filterOf(f: unknown): Pred {
  if (f === null || f === undefined) return () => true;
  if (typeof f !== 'object' || Array.isArray(f)) throw new MethodError('invalidArguments', 'filter must be an object');
  const o = f as Args;
  if ('operator' in o) {
    const subs = Array.isArray(o.conditions) ? o.conditions.map(filterOf) : null;
    if (!subs) throw new MethodError('invalidArguments', 'conditions must be an array');
    if (o.operator === 'AND') return (m) => subs.every((p) => p(m));
    if (o.operator === 'OR') return (m) => subs.some((p) => p(m));
    if (o.operator === 'NOT') return (m) => !subs.some((p) => p(m));
    throw new MethodError('unsupportedFilter', `operator ${String(o.operator)}`);
  }
  const preds: Pred[] = [];
  for (const [k, v] of Object.entries(o)) {
    if (k === 'parentId') preds.push((m) => (m.parentId === null ? null : `m${m.parentId}`) === v);
    else if (k === 'name' && typeof v === 'string') preds.push((m) => m.name.slice(m.name.lastIndexOf('/') + 1).toLowerCase().includes(v.toLowerCase()));
    else if (k === 'role') preds.push((m) => m.role === v);
    else if (k === 'hasAnyRole' && typeof v === 'boolean') preds.push((m) => !!m.role === v);
    else if (k === 'isSubscribed' && typeof v === 'boolean') preds.push((m) => m.subscribed === v);
    else throw new MethodError('unsupportedFilter', `filter ${k}`);
  }
  return (m) => preds.every((p) => p(m));
}

function sorterOf(sort: unknown): (a: MailboxInfo, b: MailboxInfo) => number {
  if (sort === undefined || sort === null) return () => 0;
  if (!Array.isArray(sort)) throw new MethodError('invalidArguments', 'sort must be an array');
  const cmps = sort.map((s: Args) => {
    const dir = s.isAscending === false ? -1 : 1;
    if (s.property === 'sortOrder') return (a: MailboxInfo, b: MailboxInfo) => dir * (a.sortOrder - b.sortOrder);
    if (s.property === 'name') return (a: MailboxInfo, b: MailboxInfo) => dir * a.name.localeCompare(b.name);
    throw new MethodError('unsupportedSort', `sort ${String(s.property)}`);
  });
  return (a, b) => {
    for (const f of cmps) {
      const r = f(a, b);
      if (r) return r;
    }
    return a.id - b.id;
  };
}

/** RFC 8621 §2.3 sortAsTree: parents before children, siblings in sort order. */
function asTree(list: MailboxInfo[], cmp: (a: MailboxInfo, b: MailboxInfo) => number): MailboxInfo[] {
  const ids = new Set(list.map((m) => m.id));
  const kids = new Map<number | null, MailboxInfo[]>();
  for (const m of list) {
    const p = m.parentId !== null && ids.has(m.parentId) ? m.parentId : null;
    (kids.get(p) ?? kids.set(p, []).get(p)!).push(m);
  }
  const out: MailboxInfo[] = [];
  const walk = (p: number | null) => {
    for (const m of (kids.get(p) ?? []).sort(cmp)) {
      out.push(m);
      walk(m.id);
    }
  };
  walk(null);
  return out;
}

export const mailboxQuery: MethodHandler = async (args, c) => {
  const pred = filterOf(args.filter);
  const cmp = sorterOf(args.sort);
  const paging = queryPaging(args);
  const all = await listMailboxes(c.deps.store, c.account, { counts: false });
  const byId = new Map(all.map((m) => [m.id, m]));
  let list = all.filter(pred);
  // RFC 8621 §2.3 filterAsTree: a mailbox matches only if all its ancestors match too.
  if (optBool(args, 'filterAsTree', false)) {
    const ok = new Set(list.map((m) => m.id));
    list = list.filter((m) => {
      for (let p = m.parentId; p !== null; p = byId.get(p)?.parentId ?? null) if (!ok.has(p)) return false;
      return true;
    });
  }
  list = optBool(args, 'sortAsTree', false) ? asTree(list, cmp) : list.sort(cmp);
  const ids = list.map((m) => `m${m.id}`);
  const w = windowIds(ids, paging, 10_000);
  return { accountId: `a${c.account}`, queryState: await typeState(c.deps.store, c.account, 'Mailbox'), canCalculateChanges: false, position: w.position, ids: w.ids, ...(paging.calculateTotal ? { total: ids.length } : {}), ...(w.limit !== undefined ? { limit: w.limit } : {}) };
};

// RFC 8620 §5.6: a server may always answer cannotCalculateChanges; clients then re-run the query.
export const mailboxQueryChanges: MethodHandler = async () => {
  throw new MethodError('cannotCalculateChanges', 'Mailbox/query results are not tracked; re-run the query');
};
