/** SEARCH and UID SEARCH, with ESEARCH (RETURN), SEARCHRES ($) and MODSEQ. RFC 9051 §6.4.4,
 *  RFC 4731, RFC 5182, RFC 7162 §3.1.5, RFC 6855 §3 (charset). */
import { search as runSearch } from '../../mail/search.ts';
import { fetchPlacements } from '../../mail/messages.ts';
import { toFilter, usesModseq } from '../search-filter.ts';
import { toRanges } from '../selected.ts';
import type { SearchReturn } from '../proto/types.ts';
import type { Session } from '../session.ts';
import { no, ok, SELECTED, type Command } from './common.ts';
import type { SearchKey } from '../proto/types.ts';

const CHARSETS = new Set(['UTF-8', 'US-ASCII']);

/** Runs the criteria in the selected mailbox: matching UIDs, ascending, limited to known ones. */
export async function searchUids(s: Session, criteria: SearchKey): Promise<number[]> {
  const sel = s.selected!;
  const r = await runSearch({ store: s.ctx.store, blobs: s.ctx.blobs }, { account: s.account!, mailbox: sel.id, filter: toFilter(criteria, sel, s.ctx.store.clock()) });
  // Messages the client has not been told about yet (no EXISTS) are left out.
  return r.uids.filter((u) => sel.seqOf(u) > 0).sort((a, b) => a - b);
}

async function highestModseq(s: Session, uids: number[]): Promise<number> {
  let max = 0;
  for await (const rows of fetchPlacements(s.ctx.store, s.account!, s.selected!.id, toRanges(uids))) for (const r of rows) max = Math.max(max, r.modseq);
  return max;
}

/** RFC 4731 §3.1 / RFC 9051 §7.3.4: ESEARCH data for the asked return options. */
export function sendEsearch(s: Session, tag: string, uid: boolean, nums: number[], ret: SearchReturn, modseq?: number): void {
  s.send({
    type: 'esearch', tag, uid,
    min: ret.min && nums.length ? nums[0] : undefined,
    max: ret.max && nums.length ? nums[nums.length - 1] : undefined,
    all: ret.all && nums.length ? nums : undefined,
    count: ret.count ? nums.length : undefined,
    modseq: modseq || undefined,
  });
}

export const search: Command<'SEARCH'> = {
  states: SELECTED,
  async run(s, req) {
    const a = req.args;
    // RFC 9051 §6.4.4: an unknown charset → NO [BADCHARSET (...)].
    if (a.charset && !CHARSETS.has(a.charset.toUpperCase())) return no('unsupported charset', 'BADCHARSET (UTF-8 US-ASCII)');
    const sel = s.selected!;
    const uids = await searchUids(s, a.criteria);
    const modseq = usesModseq(a.criteria) && uids.length ? await highestModseq(s, uids) : undefined;
    const nums = a.uid ? uids : uids.map((u) => sel.seqOf(u));
    // RFC 9051 §6.3.1: after ENABLE IMAP4rev2, SEARCH answers with ESEARCH (ALL).
    const ret = a.returnOpts ?? (s.enabled.has('IMAP4rev2') ? { min: false, max: false, all: true, count: false, save: false } : null);
    if (ret) {
      // RFC 5182 §2.4: SAVE alone (or with others) stores the result; no ESEARCH when SAVE is the only option.
      if (ret.save) sel.saved = uids as typeof sel.saved;
      const onlySave = ret.save && !ret.min && !ret.max && !ret.all && !ret.count;
      if (!onlySave) sendEsearch(s, req.tag, a.uid, nums, ret, modseq);
    } else s.send({ type: 'search', numbers: nums, modseq });
    return ok('SEARCH completed');
  },
};
