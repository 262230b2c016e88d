/** JMAP Email FilterCondition / FilterOperator and Comparator → the mail search service's filter tree and sort keys. RFC 8621 §4.4.1, §4.4.2. */
import type { SearchFilter, SortKey } from '../mail/search.ts';
import { keywordToFlag } from '../mail/flags.ts';
import type { MailboxId } from '../store/ids.ts';
import { MethodError } from './errors.ts';
import { numId } from './standard.ts';
import type { Args } from './types.ts';

// Limit: filter trees are at most 16 levels deep and 256 conditions in all.
const MAX_DEPTH = 16;
const MAX_NODES = 256;

function utcDate(v: unknown, k: string): number {
  if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) throw new MethodError('invalidArguments', `${k} must be a UTCDate`);
  return Date.parse(v);
}

function str(v: unknown, k: string): string {
  if (typeof v !== 'string') throw new MethodError('invalidArguments', `${k} must be a string`);
  return v;
}

function mailbox(v: unknown): MailboxId {
  // An unknown or foreign id simply matches nothing (the search service filters by account).
  return (numId('m', v) ?? 0) as MailboxId;
}

function flag(v: unknown, k: string): string {
  const f = keywordToFlag(str(v, k));
  if (!f) throw new MethodError('invalidArguments', `${k}: invalid keyword`);
  return f;
}

export function toSearchFilter(f: unknown, depth = 0, budget = { n: 0 }): SearchFilter | undefined {
  if (f === undefined || f === null) return undefined;
  if (typeof f !== 'object' || Array.isArray(f)) throw new MethodError('invalidArguments', 'filter must be an object');
  if (depth > MAX_DEPTH || ++budget.n > MAX_NODES) throw new MethodError('unsupportedFilter', 'filter too complex');
  const o = f as Args;
  if ('operator' in o) {
    if (!Array.isArray(o.conditions)) throw new MethodError('invalidArguments', 'conditions must be an array');
    const subs = o.conditions.map((c) => toSearchFilter(c, depth + 1, budget) ?? { type: 'all' as const });
    if (o.operator === 'AND') return { type: 'and', filters: subs };
    if (o.operator === 'OR') return { type: 'or', filters: subs };
    if (o.operator === 'NOT') return { type: 'not', filter: { type: 'or', filters: subs } };
    throw new MethodError('unsupportedFilter', `operator ${String(o.operator)}`);
  }
  const all: SearchFilter[] = [];
  for (const [k, v] of Object.entries(o)) {
    switch (k) {
      case 'inMailbox': all.push({ type: 'inMailbox', mailbox: mailbox(v) }); break;
      case 'inMailboxOtherThan':
        if (!Array.isArray(v)) throw new MethodError('invalidArguments', 'inMailboxOtherThan must be an array');
        all.push({ type: 'inMailboxOtherThan', mailboxes: v.map(mailbox) });
        break;
      case 'before': all.push({ type: 'receivedBefore', ms: utcDate(v, k) }); break;
      case 'after': all.push({ type: 'receivedSince', ms: utcDate(v, k) }); break;
      case 'minSize': case 'maxSize':
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new MethodError('invalidArguments', `${k} must be an UnsignedInt`);
        all.push({ type: k, size: v });
        break;
      case 'hasKeyword': all.push({ type: 'flag', flag: flag(v, k) }); break;
      case 'notKeyword': all.push({ type: 'not', filter: { type: 'flag', flag: flag(v, k) } }); break;
      case 'hasAttachment':
        if (typeof v !== 'boolean') throw new MethodError('invalidArguments', 'hasAttachment must be a boolean');
        all.push({ type: 'hasAttachment', value: v });
        break;
      case 'text': all.push({ type: 'text', value: str(v, k) }); break;
      case 'body': all.push({ type: 'body', value: str(v, k) }); break;
      case 'from': case 'to': case 'cc': case 'bcc': case 'subject': all.push({ type: 'field', field: k, value: str(v, k) }); break;
      case 'header': {
        if (!Array.isArray(v) || v.length < 1 || v.length > 2 || !v.every((x) => typeof x === 'string')) throw new MethodError('invalidArguments', 'header must be [name] or [name, value]');
        all.push({ type: 'header', name: v[0], value: v[1] ?? '' });
        break;
      }
      default:
        // allInThreadHaveKeyword & co. are not offered (RFC 8620 §5.5: unsupportedFilter).
        throw new MethodError('unsupportedFilter', `filter ${k} is not supported`);
    }
  }
  return all.length === 1 ? all[0] : { type: 'and', filters: all };
}

const SORTS: Record<string, SortKey['property']> = { receivedAt: 'receivedAt', sentAt: 'sentAt', size: 'size', from: 'from', to: 'to', subject: 'subject' };

export function toSortKeys(sort: unknown): SortKey[] {
  if (sort === undefined || sort === null) return [{ property: 'receivedAt', descending: true }];
  if (!Array.isArray(sort)) throw new MethodError('invalidArguments', 'sort must be an array');
  return sort.map((s: Args) => {
    if (!s || typeof s !== 'object' || typeof s.property !== 'string') throw new MethodError('invalidArguments', 'bad Comparator');
    const p = SORTS[s.property];
    // RFC 8620 §5.5: unsupportedSort
    if (!p || (s.collation !== undefined && s.collation !== 'i;unicode-casemap' && s.collation !== 'i;ascii-casemap')) throw new MethodError('unsupportedSort', `sort ${s.property}`);
    return { property: p, descending: s.isAscending === false };
  });
}

/** Text terms of a filter (for SearchSnippet highlighting). */
export function textTerms(f: unknown, out: string[] = []): string[] {
  if (!f || typeof f !== 'object') return out;
  const o = f as Args;
  if (Array.isArray(o.conditions) && o.operator !== 'NOT') for (const c of o.conditions) textTerms(c, out);
  for (const k of ['text', 'body', 'subject']) if (typeof o[k] === 'string') out.push(...(o[k] as string).split(/\s+/).filter((w) => w.length > 1));
  return out;
}
