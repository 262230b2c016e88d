/** STORE and UID STORE, with UNCHANGEDSINCE. RFC 9051 §6.4.6, RFC 7162 §3.1.3 (MODIFIED). */
import { setFlags } from '../../mail/messages.ts';
import { atom, codes, type Value } from '../proto/format.ts';
import { toRanges } from '../selected.ts';
import type { ModSeq } from '../../store/ids.ts';
import { no, ok, SELECTED, type Command } from './common.ts';

const OPS = { replace: 'set', add: 'add', remove: 'remove' } as const;

export const store: Command<'STORE'> = {
  states: SELECTED,
  async run(s, req) {
    const a = req.args;
    const sel = s.selected!;
    if (sel.readOnly) return no('mailbox is read-only', 'READ-ONLY');
    if (a.unchangedSince !== null) s.enabled.add('CONDSTORE');
    const uids = sel.resolve(a.set, a.uid);
    if (!uids.length) return ok('STORE completed');
    const flags = a.flags.filter((f) => f.toLowerCase() !== '\\recent');
    const res = await setFlags(s.ctx.store, s.account!, sel.id, toRanges(uids), OPS[a.op], flags, { unchangedSince: (a.unchangedSince ?? undefined) as ModSeq | undefined, origin: s.id });
    for (const r of res.results) {
      const seq = sel.seqOf(r.uid);
      if (!seq) continue;
      // RFC 7162 §3.2: with CONDSTORE, even .SILENT reports the new MODSEQ of changed messages.
      if (a.silent && !(s.condstore && r.changed)) continue;
      const items: [string, Value][] = [];
      if (a.uid) items.push(['UID', r.uid]);
      if (!a.silent) items.push(['FLAGS', r.flags.map(atom)]);
      if (s.condstore) items.push(['MODSEQ', [r.modseq]]);
      s.send({ type: 'fetch', seq, items });
    }
    if (res.modified.length) {
      const nums = a.uid ? res.modified : res.modified.map((u) => sel.seqOf(u)).filter(Boolean);
      return ok('conditional STORE failed for some messages', codes.modified(nums));
    }
    return ok('STORE completed');
  },
};
