/** THREAD ORDEREDSUBJECT / REFERENCES, from the threads the store keeps. RFC 5256 §3–4. */
import { search as runSearch } from '../../mail/search.ts';
import type { ThreadNode } from '../proto/format.ts';
import { toFilter } from '../search-filter.ts';
import { bad, no, ok, SELECTED, type Command } from './common.ts';

export const thread: Command<'THREAD'> = {
  states: SELECTED,
  async run(s, req) {
    const a = req.args;
    if (a.algorithm !== 'ORDEREDSUBJECT' && a.algorithm !== 'REFERENCES') return bad('unknown threading algorithm');
    if (!['UTF-8', 'US-ASCII'].includes(a.charset.toUpperCase())) return no('unsupported charset', 'BADCHARSET (UTF-8 US-ASCII)');
    const sel = s.selected!;
    const r = await runSearch({ store: s.ctx.store, blobs: s.ctx.blobs }, { account: s.account!, mailbox: sel.id, filter: toFilter(a.criteria, sel, s.ctx.store.clock()), sort: [{ property: 'sentAt' }, { property: 'uid' }] });
    // Deviation (RFC 5256 §4 REFERENCES): threads come from the store's threading (References,
    // In-Reply-To and base subject at delivery); within a thread, messages follow their first in date
    // order as its children, the ORDEREDSUBJECT shape.
    const byThread = new Map<number, number[]>();
    r.uids.forEach((u, i) => {
      if (!sel.seqOf(u)) return;
      const t = r.threadIds[i]!;
      const l = byThread.get(t) ?? [];
      l.push(a.uid ? u : sel.seqOf(u));
      byThread.set(t, l);
    });
    const threads: ThreadNode[] = [...byThread.values()].map(([first, ...rest]) => ({ id: first!, children: rest.map((id) => ({ id, children: [] })) }));
    s.send({ type: 'thread', threads });
    return ok('THREAD completed');
  },
};
