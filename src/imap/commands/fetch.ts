/** FETCH and UID FETCH: data items from stored metadata, sections sliced from the blob by offsets.
 *  RFC 9051 §6.4.5 and §7.5.2, RFC 3516 (BINARY), RFC 7162 §3.1.4 (CHANGEDSINCE) and §3.2.6 (VANISHED), RFC 8474 §5.3 (EMAILID, THREADID). */
import type { MimePart, ImapEnvelope } from '../../mime/types.ts';
import { decodePartBody, findPart, headerFields, isKnownEncoding, sectionRange, sliceRange } from '../../mime/index.ts';
import { addFlags, fetchFlagChunks, fetchPlacements, type PlacementRow } from '../../mail/messages.ts';
import { vanishedSince } from '../../mail/changes.ts';
import { atom, formatDateTime, formatFlagLine, type Value } from '../proto/format.ts';
import { bodyStructureValue, envelopeValue, fetchItemName } from '../proto/body.ts';
import type { FetchAtt, Partial, Section } from '../proto/types.ts';
import { toRanges } from '../selected.ts';
import type { Session } from '../session.ts';
import type { ModSeq } from '../../store/ids.ts';
import { bad, no, ok, SELECTED, type Command } from './common.ts';

interface Structure {
  root: MimePart;
  envelope: ImapEnvelope;
}

const needsRaw = (a: FetchAtt): boolean => a.kind === 'BODY[]' || a.kind === 'BINARY[]' || a.kind === 'BINARY.SIZE' || a.kind === 'RFC822' || a.kind === 'RFC822.HEADER' || a.kind === 'RFC822.TEXT';
// RFC 9051 §6.4.5: BODY[...] (not PEEK), BINARY[...] and RFC822 / RFC822.TEXT set \Seen.
const setsSeen = (a: FetchAtt): boolean => ((a.kind === 'BODY[]' || a.kind === 'BINARY[]') && !a.peek) || a.kind === 'RFC822' || a.kind === 'RFC822.TEXT';

function partial(b: Buffer, p: Partial | null): Buffer {
  return p ? b.subarray(Math.min(p.start, b.length), Math.min(p.start + p.length, b.length)) : b;
}

/** The octets of BODY[section]; null when the section does not exist. */
function sectionBytes(raw: Buffer, root: MimePart, sec: Section): Buffer | null {
  const path = sec.part.join('.');
  if (sec.text === 'HEADER.FIELDS' || sec.text === 'HEADER.FIELDS.NOT') {
    const range = sectionRange(root, path ? `${path}.HEADER` : 'HEADER');
    return range ? headerFields(raw, range, sec.fields, sec.text === 'HEADER.FIELDS.NOT') : null;
  }
  if (!path && !sec.text) return raw;
  const range = sectionRange(root, [path, sec.text].filter(Boolean).join('.'));
  return range ? sliceRange(raw, range) : null;
}

/** BINARY[part]: the transfer-decoded body (RFC 3516 §4.2); 'unknown' for an unknown encoding. */
function binaryBytes(raw: Buffer, root: MimePart, part: number[]): Buffer | null | 'unknown' {
  if (part.length === 0) return raw;
  const p = findPart(root, part.join('.'));
  if (!p || p.type === 'multipart') return null;
  if (!isKnownEncoding(p.encoding)) return 'unknown';
  return decodePartBody(raw, p);
}

function item(a: FetchAtt, r: PlacementRow, st: Structure | null, raw: Buffer | null): Value | 'unknown-cte' {
  switch (a.kind) {
    case 'UID': return r.uid;
    case 'FLAGS': return r.flags.map(atom);
    case 'INTERNALDATE': return formatDateTime(r.internalDate);
    case 'RFC822.SIZE': return r.size;
    case 'MODSEQ': return [r.modseq];
    // RFC 8474 §5.3: the JMAP ids of the email and its thread.
    case 'EMAILID': return [atom(`e${r.emailId}`)];
    case 'THREADID': return [atom(`t${r.threadId}`)];
    case 'ENVELOPE': return envelopeValue(st!.envelope);
    case 'BODYSTRUCTURE': return bodyStructureValue(st!.root, true);
    case 'BODY': return bodyStructureValue(st!.root, false);
    case 'RFC822': return raw!;
    case 'RFC822.HEADER': return sliceRange(raw!, { start: 0, end: st!.root.bodyStart });
    case 'RFC822.TEXT': return sliceRange(raw!, { start: st!.root.bodyStart, end: raw!.length });
    case 'BODY[]': {
      const b = sectionBytes(raw!, st!.root, a.section);
      return b ? partial(b, a.partial) : '';
    }
    case 'BINARY[]':
    case 'BINARY.SIZE': {
      const b = binaryBytes(raw!, st!.root, a.part);
      if (b === 'unknown') return 'unknown-cte';
      if (a.kind === 'BINARY.SIZE') return b ? b.length : 0;
      const out = b ? partial(b, a.partial) : Buffer.alloc(0);
      // RFC 3516 §4.3: literal8 only when the data has NUL octets.
      return out.includes(0) ? { literal8: out } : out;
    }
    default:
      return null;
  }
}

export const fetch: Command<'FETCH'> = {
  states: SELECTED,
  async run(s, req) {
    const a = req.args;
    const sel = s.selected!;
    const { store, blobs } = s.ctx;
    const account = s.account!;
    if (a.vanished && !s.enabled.has('QRESYNC')) return bad('VANISHED needs QRESYNC enabled');
    // RFC 7162 §3.1: CHANGEDSINCE is a CONDSTORE-enabling command.
    if (a.changedSince !== null) s.enabled.add('CONDSTORE');
    const uids = sel.resolve(a.set, a.uid);
    if (a.vanished && a.changedSince !== null && a.set !== '$') {
      const within = a.set.map((r) => ({ start: r.start === '*' ? Number.MAX_SAFE_INTEGER : r.start, end: r.end === '*' ? Number.MAX_SAFE_INTEGER : r.end }));
      const v = await vanishedSince(store, account, sel.id, a.changedSince, within);
      if (v.uids.length) s.send({ type: 'vanished', earlier: true, uids: v.uids });
    }
    const atts: FetchAtt[] = a.atts.filter((x) => x.kind !== 'SAVEDATE');
    // RFC 9051 §6.4.8: UID FETCH always returns UID; RFC 7162 §3.1.4.1: CHANGEDSINCE adds MODSEQ.
    if (a.uid && !atts.some((x) => x.kind === 'UID')) atts.unshift({ kind: 'UID' });
    if (a.changedSince !== null && !atts.some((x) => x.kind === 'MODSEQ')) atts.push({ kind: 'MODSEQ' });
    if (!uids.length) return ok('FETCH completed');
    const raw = atts.some(needsRaw);
    const body = raw || atts.some((x) => x.kind === 'ENVELOPE' || x.kind === 'BODYSTRUCTURE' || x.kind === 'BODY');
    const seenChanged = new Set<number>();
    if (!sel.readOnly && atts.some(setsSeen)) {
      const res = await addFlags(store, account, sel.id, toRanges(uids), ['\\Seen'], { origin: s.id });
      for (const x of res.results) if (x.changed) seenChanged.add(x.uid);
    }
    const changedSince = (a.changedSince ?? undefined) as ModSeq | undefined;
    // UID / FLAGS / MODSEQ only (a client's flag resync, `UID FETCH 1:* (FLAGS)`): read from the
    // placements' covering index, without the emails, 5 000 rows at a time, one string per row.
    if (atts.every((x) => x.kind === 'UID' || x.kind === 'FLAGS' || x.kind === 'MODSEQ')) {
      const ranges = uids.length === sel.exists ? 'all' : toRanges(uids);
      const kinds = atts.map((x) => x.kind as 'UID' | 'FLAGS' | 'MODSEQ');
      // Rows and the sequence map are both ascending: one forward walk finds each sequence number.
      let at = 0;
      let prev = 0;
      for await (const ch of fetchFlagChunks(store, account, sel.id, ranges, { changedSince })) {
        const map = sel.uids;
        let text = '';
        for (let i = 0; i < ch.uids.length; i++) {
          const uid = ch.uids[i]!;
          if (uid < prev) at = 0;
          prev = uid;
          while (at < map.length && map[at]! < uid) at++;
          // Not in the map: committed after the last sync (announced later by EXISTS).
          if (map[at] !== uid) continue;
          text += formatFlagLine(at + 1, kinds, uid, ch.flags[i]!, ch.modseqs[i]!);
        }
        s.sendText(text);
      }
      return ok('FETCH completed');
    }
    for await (const rows of fetchPlacements(store, account, sel.id, toRanges(uids), { body, changedSince })) {
      for (const r of rows) {
        const seq = sel.seqOf(r.uid);
        if (!seq) continue;
        const st = body ? (JSON.parse(r.body!.structure) as Structure) : null;
        const data = raw ? await blobs.get(r.blobId) : null;
        const items: [string, Value][] = [];
        for (const x of atts) {
          const v = item(x, r, st, data);
          // RFC 3516 §4.2: a part whose encoding is unknown → NO [UNKNOWN-CTE].
          if (v === 'unknown-cte') return no('unknown content-transfer-encoding', 'UNKNOWN-CTE');
          items.push([fetchItemName(x), v]);
        }
        // RFC 9051 §6.4.5: when \Seen was set, FLAGS are reported too.
        if (seenChanged.has(r.uid) && !atts.some((x) => x.kind === 'FLAGS')) items.push(['FLAGS', r.flags.map(atom)]);
        s.send({ type: 'fetch', seq, items });
      }
    }
    return ok('FETCH completed');
  },
};
