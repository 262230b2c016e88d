/** Thread/get and Thread/changes: threads from References / In-Reply-To / subject (assigned at ingest, shared with IMAP THREAD). RFC 8621 §3. */
import { loadThreads } from '../email-read.ts';
import { computeChanges, changesResponse } from '../changes.ts';
import { MethodError } from '../errors.ts';
import { typeState } from '../state.ts';
import { getIds, getProperties, numId, pick } from '../standard.ts';
import type { MethodHandler } from '../types.ts';

export const threadGet: MethodHandler = async (args, c) => {
  const want = getIds(args, c);
  if (want === null) throw new MethodError('requestTooLarge', 'Thread/get requires ids');
  const props = getProperties(args, ['id', 'emailIds'], ['emailIds']);
  const nums = want.map((i) => numId('t', i)).filter((n): n is number => n !== null);
  const threads = await loadThreads(c.deps.store, c.account, nums);
  const list = [];
  const notFound = [];
  for (const id of want) {
    const t = threads.get(numId('t', id) ?? -1);
    if (t) list.push(pick({ id, emailIds: t.map((e) => `e${e}`) }, props));
    else notFound.push(id);
  }
  return { accountId: `a${c.account}`, state: await typeState(c.deps.store, c.account, 'Thread'), list, notFound };
};

export const threadChanges: MethodHandler = async (args, c) => changesResponse(c, 't', await computeChanges(c, 'Thread', args));
