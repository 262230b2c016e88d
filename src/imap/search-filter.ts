/** IMAP search keys → the search service's filter tree. RFC 9051 §6.4.4, RFC 7162 §3.1.5, RFC 5032, RFC 8474 §6. */
import type { SearchFilter } from '../mail/search.ts';
import type { EmailId, ThreadId } from '../store/ids.ts';
import type { ImapDate, SearchKey } from './proto/types.ts';
import { toRanges, type Selected } from './selected.ts';

const FLAG_OF: Record<string, [flag: string, present: boolean]> = {
  ANSWERED: ['\\Answered', true], DELETED: ['\\Deleted', true], DRAFT: ['\\Draft', true], FLAGGED: ['\\Flagged', true], SEEN: ['\\Seen', true],
  UNANSWERED: ['\\Answered', false], UNDELETED: ['\\Deleted', false], UNDRAFT: ['\\Draft', false], UNFLAGGED: ['\\Flagged', false], UNSEEN: ['\\Seen', false],
};

const NOTHING: SearchFilter = { type: 'not', filter: { type: 'all' } };
const DAY = 86_400_000;

// RFC 9051 §6.4.4: dates compare "disregarding time and timezone"; days are taken in UTC.
const dayStart = (d: ImapDate): number => Date.UTC(d.year, d.month - 1, d.day);

/** Translates one key; `now` serves OLDER/YOUNGER (RFC 5032 §3). */
export function toFilter(k: SearchKey, sel: Selected, now: number): SearchFilter {
  switch (k.key) {
    case 'ALL':
    case 'OLD':
      return { type: 'all' };
    // \Recent is not kept (IMAP4rev2 removed it): no message is recent, hence none is NEW.
    case 'RECENT':
    case 'NEW':
      return NOTHING;
    case 'KEYWORD':
      return { type: 'flag', flag: k.flag };
    case 'UNKEYWORD':
      return { type: 'not', filter: { type: 'flag', flag: k.flag } };
    case 'BCC': case 'CC': case 'FROM': case 'SUBJECT': case 'TO':
      return { type: 'field', field: k.key.toLowerCase() as 'from', value: k.value };
    case 'BODY':
      return { type: 'body', value: k.value };
    case 'TEXT':
      return { type: 'text', value: k.value };
    case 'HEADER':
      return { type: 'header', name: k.field, value: k.value };
    case 'BEFORE': return { type: 'receivedBefore', ms: dayStart(k.date) };
    case 'SINCE': return { type: 'receivedSince', ms: dayStart(k.date) };
    case 'ON': return { type: 'and', filters: [{ type: 'receivedSince', ms: dayStart(k.date) }, { type: 'receivedBefore', ms: dayStart(k.date) + DAY }] };
    case 'SENTBEFORE': return { type: 'sentBefore', ms: dayStart(k.date) };
    case 'SENTSINCE': return { type: 'sentSince', ms: dayStart(k.date) };
    case 'SENTON': return { type: 'and', filters: [{ type: 'sentSince', ms: dayStart(k.date) }, { type: 'sentBefore', ms: dayStart(k.date) + DAY }] };
    // RFC 9051: LARGER n is size > n, SMALLER n is size < n.
    case 'LARGER': return { type: 'minSize', size: k.size + 1 };
    case 'SMALLER': return { type: 'maxSize', size: k.size };
    case 'UID': return uidFilter(sel.resolve(k.set, true));
    case 'SEQ': return uidFilter(sel.resolve(k.set, false));
    case 'NOT': return { type: 'not', filter: toFilter(k.inner, sel, now) };
    case 'OR': return { type: 'or', filters: [toFilter(k.left, sel, now), toFilter(k.right, sel, now)] };
    case 'AND': return { type: 'and', filters: k.keys.map((x) => toFilter(x, sel, now)) };
    case 'MODSEQ': return { type: 'modseqSince', modseq: k.modseq };
    case 'OLDER': return { type: 'receivedBefore', ms: now - k.seconds * 1000 };
    case 'YOUNGER': return { type: 'receivedSince', ms: now - k.seconds * 1000 };
    // RFC 8474 §6: the JMAP ids "e<n>" / "t<n>"; an id of another form matches nothing.
    case 'EMAILID':
    case 'THREADID': {
      const m = /^([et])([1-9][0-9]{0,15})$/.exec(k.id);
      if (!m || m[1] !== (k.key === 'EMAILID' ? 'e' : 't')) return NOTHING;
      return k.key === 'EMAILID' ? { type: 'emailId', ids: [Number(m[2]) as EmailId] } : { type: 'threadId', ids: [Number(m[2]) as ThreadId] };
    }
  }
  const [flag, present] = FLAG_OF[k.key]!;
  return present ? { type: 'flag', flag } : { type: 'not', filter: { type: 'flag', flag } };
}

function uidFilter(uids: number[]): SearchFilter {
  return uids.length ? { type: 'uid', ranges: toRanges(uids) } : NOTHING;
}

/** Whether a key tree mentions MODSEQ (the result then carries the highest modseq, RFC 7162 §3.1.5). */
export function usesModseq(k: SearchKey): boolean {
  if (k.key === 'MODSEQ') return true;
  if (k.key === 'NOT') return usesModseq(k.inner);
  if (k.key === 'OR') return usesModseq(k.left) || usesModseq(k.right);
  if (k.key === 'AND') return k.keys.some(usesModseq);
  return false;
}
