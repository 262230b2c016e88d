/** Sequence sets: parse, format, expand. RFC 9051 §9 (sequence-set), RFC 5182 ("$"). */
import type { Cursor } from './reader.ts';
import type { SeqNumber, SeqRange, SequenceSet } from './types.ts';

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

function seqNumber(c: Cursor): SeqNumber {
  if (c.take('*')) return '*';
  if (!isDigit(c.peek())) c.fail('expected a sequence number');
  return c.nzNumber();
}

/** sequence-set = (seq-number / seq-range) ["," sequence-set] / "$". */
export function parseSequenceSet(c: Cursor): SequenceSet {
  if (c.take('$')) return '$';
  const out: SeqRange[] = [];
  do {
    const start = seqNumber(c);
    const end = c.take(':') ? seqNumber(c) : start;
    out.push({ start, end });
  } while (c.take(','));
  return out;
}

/** Whether the next token looks like a sequence set (a search key may be one). */
export function startsSequenceSet(c: Cursor): boolean {
  const ch = c.peek();
  return isDigit(ch) || ch === 0x2a || ch === 0x24;
}

/** Wire form of a parsed set (used by tests and by the request writer). */
export function formatSequenceSet(set: SequenceSet): string {
  if (set === '$') return '$';
  return set.map((r) => (r.start === r.end ? String(r.start) : `${r.start}:${r.end}`)).join(',');
}

/** Compact form of a list of numbers: [1,2,3,5] → "1:3,5" (sorted, duplicates removed). */
export function compressNumbers(nums: Iterable<number>): string {
  const sorted = [...new Set(nums)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}:${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/**
 * Whether `n` is in `ranges`, `*` standing for `max` (RFC 9051 §9: "*" is the largest number
 * in use; a range a:b is the same as b:a).
 */
export function inSequenceSet(ranges: SeqRange[], n: number, max: number): boolean {
  for (const r of ranges) {
    const a = r.start === '*' ? max : r.start;
    const b = r.end === '*' ? max : r.end;
    if (n >= Math.min(a, b) && n <= Math.max(a, b)) return true;
  }
  return false;
}

/**
 * Filters the sorted `values` (UIDs or sequence numbers in use) by the set. Cost is
 * O(values × ranges) in the worst case; ranges are bounded by the line length limit.
 */
export function filterBySequenceSet(ranges: SeqRange[], values: readonly number[]): number[] {
  const max = values.length ? values[values.length - 1]! : 0;
  return values.filter((v) => inSequenceSet(ranges, v, max));
}
