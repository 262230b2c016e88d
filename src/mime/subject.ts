/** Base subject for SORT and THREAD. RFC 5256 §2.1 and §5 (subj-* ABNF). */
import { decodeWords } from './words.ts';

export interface BaseSubjectOptions {
  /**
   * Extra reply/forward prefixes accepted like "re"/"fw"/"fwd" in subj-refwd, lower-case. RFC 5256
   * §2.1 says every server MUST use exactly its algorithm, so IMAP SORT/THREAD pass none; JMAP
   * threading may pass FRENCH_PREFIXES (Outlook in French writes "TR:" for a forward).
   */
  extraRefwd?: readonly string[];
}

export const FRENCH_PREFIXES: readonly string[] = ['tr'];

const isWsp = (c: number): boolean => c === 32 || c === 9;

/**
 * RFC 5256 §2.1 base subject. Encoded-words are decoded, WSP runs become one space; the result
 * keeps its case (SORT compares with i;ascii-casemap). Works on indexes only: linear in practice,
 * each loop removes at least one character.
 */
export function baseSubject(subject: string, opts: BaseSubjectOptions = {}): string {
  // (1) decode, tabs and continuations to space, multiple spaces to one
  let s = decodeWords(subject).replace(/[\t\r\n]/g, ' ').replace(/ {2,}/g, ' ');
  const prefixes = ['fwd', 'fw', 're', ...(opts.extraRefwd ?? [])];
  for (;;) {
    // (2) remove subj-trailer ("(fwd)" / WSP) repeatedly
    let end = s.length;
    for (;;) {
      if (end > 0 && isWsp(s.charCodeAt(end - 1))) end--;
      else if (end >= 5 && s.slice(end - 5, end).toLowerCase() === '(fwd)') end -= 5;
      else break;
    }
    s = s.slice(0, end);
    // (3)-(5) remove subj-leader and subj-blob prefixes until none match
    let start = 0;
    for (;;) {
      const r = leader(s, start, prefixes);
      if (r.end > start) {
        start = r.end;
        continue;
      }
      // (4) a run of blobs not followed by subj-refwd: each is removed in turn while a non-empty
      // subj-base remains; done at once so a long run costs linear time
      if (r.runEnd > start) {
        if (r.runEnd < s.length) start = r.runEnd;
        else if (r.lastBlob > start) start = r.lastBlob;
        else break;
        continue;
      }
      break;
    }
    s = s.slice(start);
    // (6) "[fwd:" subject "]" is unwrapped, then again from (2)
    if (s.length >= 6 && s.slice(0, 5).toLowerCase() === '[fwd:' && s.endsWith(']')) {
      s = s.slice(5, -1);
      continue;
    }
    return s;
  }
}

/** End of a subj-blob ("[" *BLOBCHAR "]" *WSP) at `p`, or p when none. */
function blobEnd(s: string, p: number): number {
  if (s.charCodeAt(p) !== 91) return p;
  let i = p + 1;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 93) break;
    if (c === 91) return p;
    i++;
  }
  if (i >= s.length) return p;
  i++;
  while (i < s.length && isWsp(s.charCodeAt(i))) i++;
  return i;
}

/**
 * A subj-leader ((*subj-blob subj-refwd) / WSP) at `p`: its end (p when none), and the end of
 * the run of subj-blobs at p and the start of the run's last blob.
 */
function leader(s: string, p: number, prefixes: string[]): { end: number; runEnd: number; lastBlob: number } {
  if (isWsp(s.charCodeAt(p))) return { end: p + 1, runEnd: p, lastBlob: p };
  let i = p;
  let lastBlob = p;
  for (let b = blobEnd(s, i); b > i; b = blobEnd(s, i)) {
    lastBlob = i;
    i = b;
  }
  const fail = { end: p, runEnd: i, lastBlob };
  // subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"
  const word = prefixes.find((w) => s.slice(i, i + w.length).toLowerCase() === w);
  if (word === undefined) return fail;
  let j = i + word.length;
  while (j < s.length && isWsp(s.charCodeAt(j))) j++;
  j = blobEnd(s, j);
  return s.charCodeAt(j) === 58 ? { end: j + 1, runEnd: i, lastBlob } : fail;
}
