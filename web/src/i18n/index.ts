/** Message catalogues (French by default, English) and locale-aware formatting with Intl. */
import { useSyncExternalStore } from 'react';
import { fr, type Messages } from './fr.ts';
import { en } from './en.ts';

export type Lang = 'fr' | 'en';
export type Key = keyof Messages;

const catalogues: Record<Lang, Messages> = { fr, en };
const listeners = new Set<() => void>();

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem('preau.lang');
    if (saved === 'fr' || saved === 'en') return saved;
  } catch {
    // ignore
  }
  return 'fr';
}

let lang: Lang = initialLang();
document.documentElement.lang = lang;

export function getLang(): Lang {
  return lang;
}

export function setLang(next: Lang): void {
  lang = next;
  document.documentElement.lang = next;
  try {
    localStorage.setItem('preau.lang', next);
  } catch {
    // ignore
  }
  for (const l of listeners) l();
}

/** Translate a key, replacing {name} placeholders. */
export function t(key: Key, vars?: Record<string, string | number>): string {
  let s = catalogues[lang][key] ?? fr[key] ?? key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
  return s;
}

/** Plural: uses key + "_one" / "_other" with Intl.PluralRules. */
export function tn(base: string, n: number, vars?: Record<string, string | number>): string {
  const rule = cached('p', {}, (l) => new Intl.PluralRules(l)).select(n) === 'one' ? 'one' : 'other';
  return t(`${base}_${rule}` as Key, { n: formatNumber(n), ...vars });
}

/** Re-render on language change. */
export function useLang(): Lang {
  return useSyncExternalStore(
    (cb) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    () => lang,
  );
}

const locale = (): string => (lang === 'fr' ? 'fr-FR' : 'en-GB');

// Intl objects are costly to build (a list renders dozens of dates and sizes): one per locale and options.
const formats = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.PluralRules>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.PluralRules>(kind: string, opts: object, make: (loc: string) => T): T {
  const key = `${kind}|${locale()}|${JSON.stringify(opts)}`;
  let f = formats.get(key) as T | undefined;
  if (!f) formats.set(key, (f = make(locale())));
  return f;
}
const numberFormat = (o: Intl.NumberFormatOptions = {}) => cached('n', o, (l) => new Intl.NumberFormat(l, o));
const dateFormat = (o: Intl.DateTimeFormatOptions) => cached('d', o, (l) => new Intl.DateTimeFormat(l, o));

export function formatNumber(n: number): string {
  return numberFormat().format(n);
}

/** Sizes in the user's language: "1,2 Mo" / "1.2 MB". */
export function formatSize(bytes: number): string {
  const units = lang === 'fr' ? ['o', 'ko', 'Mo', 'Go', 'To'] : ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const digits = v < 10 && i > 0 ? 1 : 0;
  return `${numberFormat({ maximumFractionDigits: digits }).format(v)} ${units[i]}`;
}

/** Short date for lists: time today, day+month this year, else full date. */
export function formatListDate(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  if (d.toDateString() === now.toDateString()) return dateFormat({ hour: '2-digit', minute: '2-digit' }).format(d);
  if (d.getFullYear() === now.getFullYear()) return dateFormat({ day: 'numeric', month: 'short' }).format(d);
  return dateFormat({ dateStyle: 'short' }).format(d);
}

export function formatFullDate(iso: string | number | Date): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return dateFormat({ dateStyle: 'full', timeStyle: 'short' }).format(d);
}

/** A day and a time, short: "sam. 30 nov., 10:30" (scheduled sends in the list). */
export function formatShortDateTime(iso: string | number | Date): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return dateFormat({ weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }).format(d);
}

export function formatPercent(fraction: number): string {
  return numberFormat({ style: 'percent', maximumFractionDigits: 0 }).format(fraction);
}
