/** SearchSnippet/get: subject and body excerpt with <mark> around the searched words. RFC 8621 §5. */
import { decodePartText, findPart } from '../../mime/index.ts';
import { foldForSearch } from '../../mail/fold.ts';
import { loadEmails, parseStructure } from '../email-read.ts';
import { textTerms, toSearchFilter } from '../email-filter.ts';
import { MethodError } from '../errors.ts';
import { numId } from '../standard.ts';
import type { MethodHandler } from '../types.ts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
// Limit: snippets look at the first 64 KiB of each text body.
const MAX_TEXT = 64 * 1024;

/** Mark every occurrence of the (diacritic-folded) terms; null when none occurs. */
export function highlight(text: string, terms: string[], window: number | null): string | null {
  const folded = foldForSearch(text);
  // Folding keeps one code unit per letter for Latin text; fall back to no highlight otherwise.
  if (folded.length !== text.length) return null;
  const hits: [number, number][] = [];
  for (const t of terms) {
    const f = foldForSearch(t);
    for (let i = folded.indexOf(f); i >= 0 && hits.length < 100; i = folded.indexOf(f, i + f.length)) hits.push([i, i + f.length]);
  }
  if (!hits.length) return null;
  hits.sort((a, b) => a[0] - b[0]);
  let start = 0;
  let end = text.length;
  if (window !== null) {
    start = Math.max(0, hits[0][0] - 60);
    end = Math.min(text.length, start + window);
  }
  let out = start > 0 ? '…' : '';
  let pos = start;
  for (const [a, b] of hits) {
    if (a < pos || b > end) continue;
    out += esc(text.slice(pos, a)) + '<mark>' + esc(text.slice(a, b)) + '</mark>';
    pos = b;
  }
  return out + esc(text.slice(pos, end)) + (end < text.length ? '…' : '');
}

export const searchSnippetGet: MethodHandler = async (args, c) => {
  toSearchFilter(args.filter); // validates
  const ids = args.emailIds;
  if (!Array.isArray(ids) || !ids.every((i) => typeof i === 'string')) throw new MethodError('invalidArguments', 'emailIds must be an array of Id');
  if (ids.length > c.limits.maxObjectsInGet) throw new MethodError('requestTooLarge');
  const terms = textTerms(args.filter);
  const nums = ids.map((i) => numId('e', i)).filter((n): n is number => n !== null);
  const rows = await loadEmails(c.deps.store, c.account, nums, true);
  const list = [];
  const notFound = [];
  for (const id of ids as string[]) {
    const e = rows.get(numId('e', id) ?? -1);
    if (!e) {
      notFound.push(id);
      continue;
    }
    let preview: string | null = null;
    if (terms.length && e.structure) {
      const s = parseStructure(e.structure);
      const raw = await c.deps.blobs.get(e.blobId as never);
      const text = s.textBody.map((p) => findPart(s.root, p)).filter((p) => p !== null).map((p) => decodePartText(raw, p!, MAX_TEXT)).join('\n').replace(/\s+/g, ' ');
      preview = highlight(text, terms, 255);
    }
    list.push({ emailId: id, subject: terms.length ? highlight(e.subject, terms, null) : null, preview });
  }
  return { accountId: `a${c.account}`, list, notFound: notFound.length ? notFound : null };
};
