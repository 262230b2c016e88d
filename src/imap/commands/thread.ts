/** THREAD ORDEREDSUBJECT / REFERENCES over the searched messages. RFC 5256 §3–4. */
import { search as runSearch } from '../../mail/search.ts';
import { threadHeaders } from '../../mail/thread-headers.ts';
import { toFilter } from '../search-filter.ts';
import { threadOrderedSubject, threadReferences, type ThreadMessage } from '../thread-references.ts';
import { bad, no, ok, SELECTED, type Command } from './common.ts';

export const thread: Command<'THREAD'> = {
  states: SELECTED,
  async run(s, req) {
    const a = req.args;
    if (a.algorithm !== 'ORDEREDSUBJECT' && a.algorithm !== 'REFERENCES') return bad('unknown threading algorithm');
    if (!['UTF-8', 'US-ASCII'].includes(a.charset.toUpperCase())) return no('unsupported charset', 'BADCHARSET (UTF-8 US-ASCII)');
    const sel = s.selected!;
    const r = await runSearch({ store: s.ctx.store, blobs: s.ctx.blobs }, { account: s.account!, mailbox: sel.id, filter: toFilter(a.criteria, sel, s.ctx.store.clock()) });
    const uids = r.uids.filter((u) => sel.seqOf(u) > 0);
    const headers = await threadHeaders(s.ctx.store, s.account!, sel.id, uids);
    // UIDs and sequence numbers ascend together: either is the mailbox order the algorithms need.
    const messages: ThreadMessage[] = headers.filter((h) => sel.seqOf(h.uid) > 0).map((h) => ({ ...h, id: a.uid ? h.uid : sel.seqOf(h.uid) }));
    const threads = a.algorithm === 'REFERENCES' ? threadReferences(messages) : threadOrderedSubject(messages);
    s.send({ type: 'thread', threads });
    return ok('THREAD completed');
  },
};
