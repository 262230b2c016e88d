/** Diacritic and case folding for search, applied to indexed text and to queries alike. */
const SPECIAL: Record<string, string> = { œ: 'oe', æ: 'ae', ß: 'ss', ø: 'o' };

export function foldForSearch(s: string): string {
  return s
    .toLowerCase()
    .replace(/[œæßø]/g, (c) => SPECIAL[c] ?? c)
    .normalize('NFD')
    .replace(/\p{M}+/gu, '');
}
