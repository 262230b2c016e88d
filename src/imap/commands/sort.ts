/** SORT and UID SORT (ESORT return options). RFC 5256 §3, RFC 5957 (DISPLAYFROM/DISPLAYTO), RFC 5267. */
import { search as runSearch, type SortKey, type SortProperty } from '../../mail/search.ts';
import { toFilter } from '../search-filter.ts';
import type { SortKeyName } from '../proto/types.ts';
import { sendEsearch } from './search.ts';
import { no, ok, SELECTED, type Command } from './common.ts';

const PROPERTY: Record<SortKeyName, SortProperty> = {
  ARRIVAL: 'receivedAt', CC: 'ccMailbox', DATE: 'sentAt', FROM: 'fromMailbox', SIZE: 'size', SUBJECT: 'subject', TO: 'toMailbox', DISPLAYFROM: 'from', DISPLAYTO: 'to',
};

export const sort: Command<'SORT'> = {
  states: SELECTED,
  async run(s, req) {
    const a = req.args;
    if (!['UTF-8', 'US-ASCII'].includes(a.charset.toUpperCase())) return no('unsupported charset', 'BADCHARSET (UTF-8 US-ASCII)');
    const sel = s.selected!;
    // RFC 5256 §3: ties are broken by sequence number, i.e. UID ascending.
    const keys: SortKey[] = [...a.keys.map((k) => ({ property: PROPERTY[k.key], descending: k.reverse })), { property: 'uid' }];
    const r = await runSearch({ store: s.ctx.store, blobs: s.ctx.blobs }, { account: s.account!, mailbox: sel.id, filter: toFilter(a.criteria, sel, s.ctx.store.clock()), sort: keys });
    const uids = r.uids.filter((u) => sel.seqOf(u) > 0);
    const nums = a.uid ? uids : uids.map((u) => sel.seqOf(u));
    if (a.returnOpts) sendEsearch(s, req.tag, a.uid, nums, a.returnOpts);
    else s.send({ type: 'sort', numbers: nums });
    return ok('SORT completed');
  },
};
