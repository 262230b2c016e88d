/** Diacritic and case folding for search, applied to indexed text and to queries alike. */
import type { ParsedMessage } from '../mime/types.ts';

const SPECIAL: Record<string, string> = { œ: 'oe', æ: 'ae', ß: 'ss', ø: 'o' };

export function foldForSearch(s: string): string {
  return s
    .toLowerCase()
    .replace(/[œæßø]/g, (c) => SPECIAL[c] ?? c)
    .normalize('NFD')
    .replace(/\p{M}+/gu, '');
}

// Addresses are indexed whole and split at . @ - _ + so "dupont" finds jean.dupont@… on both backends.
const addrText = (list: { name: string | null; email: string }[]) => list.map((a) => `${a.name ?? ''} ${a.email} ${a.email.replace(/[.@_+-]+/g, ' ')}`).join(' ');

/** The full-text document of a message (subject, addresses, text), folded for search. */
export interface SearchDocument {
  subject: string;
  addrs: string;
  body: string;
}

export function searchDocument(p: Pick<ParsedMessage, 'subject' | 'from' | 'to' | 'cc' | 'bcc' | 'replyTo' | 'text'>): SearchDocument {
  return {
    subject: foldForSearch(p.subject),
    addrs: foldForSearch([p.from, p.to, p.cc, p.bcc, p.replyTo].map(addrText).join(' ')),
    body: foldForSearch(p.text),
  };
}
