/** Email/query and Email/queryChanges over the mail search service; changes from the change log. RFC 8621 §4.4, §4.5; RFC 8620 §5.5, §5.6. */
import { search } from '../../mail/search.ts';
import { changesSince } from '../../mail/changes.ts';
import type { EmailId } from '../../store/ids.ts';
import { loadEmails, loadThreads } from '../email-read.ts';
import { toSearchFilter, toSortKeys } from '../email-filter.ts';
import { MethodError } from '../errors.ts';
import { typeState } from '../state.ts';
import { numId, optBool, optInt, optString, parseState, queryPaging } from '../standard.ts';
import type { MethodHandler } from '../types.ts';

// Limit: at most 1000 ids per Email/query answer (the client pages with position/anchor).
const MAX_LIMIT = 1000;

function mailError(e: unknown): never {
  const code = (e as { code?: string }).code;
  if (code === 'ANCHOR_NOT_FOUND') throw new MethodError('anchorNotFound');
  if (code === 'INVALID_ARGUMENT') throw new MethodError('invalidArguments', (e as Error).message);
  throw e;
}

export const emailQuery: MethodHandler = async (args, c) => {
  const filter = toSearchFilter(args.filter);
  const sort = toSortKeys(args.sort);
  const paging = queryPaging(args);
  const collapseThreads = optBool(args, 'collapseThreads', false);
  const limit = Math.min(paging.limit ?? MAX_LIMIT, MAX_LIMIT);
  let anchor: EmailId | undefined;
  if (paging.anchor !== null) {
    const n = numId('e', paging.anchor);
    if (n === null) throw new MethodError('anchorNotFound');
    anchor = n as EmailId;
  }
  const queryState = await typeState(c.deps.store, c.account, 'Email');
  const r = await search({ store: c.deps.store, blobs: c.deps.blobs }, { account: c.account, filter, sort, collapseThreads, position: paging.position, anchor, anchorOffset: paging.anchorOffset, limit, calculateTotal: paging.calculateTotal }).catch(mailError);
  return {
    accountId: `a${c.account}`,
    queryState,
    canCalculateChanges: true,
    position: r.position,
    ids: r.ids.map((i) => `e${i}`),
    ...(paging.calculateTotal ? { total: r.total ?? 0 } : {}),
    ...(paging.limit !== null && paging.limit > MAX_LIMIT ? { limit: MAX_LIMIT } : {}),
  };
};

/**
 * RFC 8620 §5.6: the Email changes since the old query state come from the change log; the new
 * results are computed once, and every changed email (and, with collapseThreads, every email of
 * a changed thread) is reported removed, then added back at its new index when it matches.
 */
export const emailQueryChanges: MethodHandler = async (args, c) => {
  const since = parseState(optString(args, 'sinceQueryState'));
  if (since === null) throw new MethodError(args.sinceQueryState === undefined ? 'invalidArguments' : 'cannotCalculateChanges', 'sinceQueryState');
  const maxChanges = optInt(args, 'maxChanges', 1) ?? c.limits.maxChanges;
  const filter = toSearchFilter(args.filter);
  const sort = toSortKeys(args.sort);
  const collapseThreads = optBool(args, 'collapseThreads', false);
  const store = c.deps.store;
  const log = await changesSince(store, c.account, 'Email', since, maxChanges);
  if (log.cannotCalculate) throw new MethodError('cannotCalculateChanges');
  if (log.tooManyChanges || log.hasMoreChanges) throw new MethodError('tooManyChanges', `more than ${maxChanges} changes`);
  const newQueryState = await typeState(store, c.account, 'Email');
  const changed = new Set<number>([...log.created, ...log.updated, ...log.destroyed]);
  const r = await search({ store, blobs: c.deps.blobs }, { account: c.account, filter, sort, collapseThreads, calculateTotal: true }).catch(mailError);
  if (collapseThreads && changed.size) {
    const rows = await loadEmails(store, c.account, [...changed], false);
    const threads = await loadThreads(store, c.account, [...new Set([...rows.values()].map((e) => e.threadId))]);
    for (const ids of threads.values()) for (const id of ids) changed.add(id);
  }
  const removed = [...changed].map((i) => `e${i}`);
  const added: { id: string; index: number }[] = [];
  r.ids.forEach((id, index) => {
    if (changed.has(id)) added.push({ id: `e${id}`, index });
  });
  if (removed.length + added.length > maxChanges && args.maxChanges !== undefined) throw new MethodError('tooManyChanges');
  const upToId = optString(args, 'upToId');
  const addedOut = upToId ? added.filter((a, i) => i <= added.findIndex((x) => x.id === upToId) || added.findIndex((x) => x.id === upToId) < 0) : added;
  return { accountId: `a${c.account}`, oldQueryState: String(since), newQueryState, ...(optBool(args, 'calculateTotal', false) ? { total: r.total ?? r.ids.length } : {}), removed, added: addedOut };
};
