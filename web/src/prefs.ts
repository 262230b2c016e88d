/** User preferences kept in this browser (display, notifications, quiet hours). */
import { useSyncExternalStore } from 'react';

export interface Prefs {
  density: 'comfortable' | 'compact';
  conversations: boolean;
  readingPane: 'right' | 'bottom' | 'off';
  preferHtml: boolean;
  remoteImages: 'ask' | 'always';
  trustedSenders: string[];
  notifications: boolean;
  quietHours: boolean;
  workStart: string; // "08:00"
  workEnd: string; // "18:30"
  workDays: number[]; // 1 = Monday … 6 = Saturday (ISO), 7 = Sunday
  undoSeconds: number;
  composeHtml: boolean;
}

const defaults: Prefs = {
  density: 'comfortable',
  conversations: false,
  readingPane: 'right',
  preferHtml: true,
  remoteImages: 'ask',
  trustedSenders: [],
  notifications: false,
  quietHours: true,
  workStart: '08:00',
  workEnd: '18:30',
  workDays: [1, 2, 3, 4, 5],
  undoSeconds: 10,
  composeHtml: true,
};

const listeners = new Set<() => void>();
let stored: Partial<Prefs> = {};
let prefs: Prefs = load();
/** School holidays from the server configuration (inclusive ISO dates "YYYY-MM-DD"). */
let holidays: { start: string; end: string }[] = [];

function load(): Prefs {
  try {
    const raw = localStorage.getItem('preau.prefs');
    if (raw) stored = JSON.parse(raw) as Partial<Prefs>;
    if (raw) return { ...defaults, ...stored };
  } catch {
    // ignore
  }
  return { ...defaults };
}

export function getPrefs(): Prefs {
  return prefs;
}

/** The institution's calendar (GET /api/webmail/config): working time becomes the default, holidays are off time. */
export function applyServerCalendar(c: { workingTime?: { start: string; end: string; days: number[] }; schoolHolidays?: { start: string; end: string }[] }): void {
  holidays = (c.schoolHolidays ?? []).filter((h) => /^\d{4}-\d{2}-\d{2}$/.test(h.start) && /^\d{4}-\d{2}-\d{2}$/.test(h.end));
  const w = c.workingTime;
  if (w) {
    defaults.workStart = w.start;
    defaults.workEnd = w.end;
    defaults.workDays = w.days;
    // The user's own choices (settings page) win over the institution's defaults.
    prefs = { ...defaults, ...stored };
  }
  listeners.forEach((l) => l());
}

export function setPrefs(patch: Partial<Prefs>): void {
  prefs = { ...prefs, ...patch };
  stored = { ...stored, ...patch };
  try {
    localStorage.setItem('preau.prefs', JSON.stringify(stored));
  } catch {
    // ignore
  }
  listeners.forEach((l) => l());
}

// Another tab of this browser changed the preferences: take them here too (the `storage` event
// fires in every other same-origin document, never in the one that wrote; HTML Living Standard §12.2.1).
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (e) => {
    if (e.key !== 'preau.prefs' && e.key !== null) return;
    stored = {};
    prefs = load();
    listeners.forEach((l) => l());
  });
}

export function usePrefs(): Prefs {
  return useSyncExternalStore(
    (cb) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    () => prefs,
  );
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h || 0) * 60 + (m || 0);
}

/** Is this moment inside working time (droit à la déconnexion)? */
function localDay(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Is this day (local time) inside a school holiday range? */
export function isHoliday(d: Date): boolean {
  const day = localDay(d);
  return holidays.some((h) => h.start <= day && day <= h.end);
}

export function isWorkingTime(d: Date, p: Prefs = prefs): boolean {
  if (isHoliday(d)) return false;
  const day = d.getDay() === 0 ? 7 : d.getDay();
  if (!p.workDays.includes(day)) return false;
  const m = d.getHours() * 60 + d.getMinutes();
  return m >= minutes(p.workStart) && m < minutes(p.workEnd);
}

/** The next working morning at workStart, strictly after d, outside school holidays. */
export function nextWorkingMorning(d: Date, p: Prefs = prefs): Date {
  const start = minutes(p.workStart);
  const n = new Date(d);
  n.setHours(Math.floor(start / 60), start % 60, 0, 0);
  if (n <= d) n.setDate(n.getDate() + 1);
  // Holidays can last weeks (summer): look up to a year ahead.
  for (let i = 0; i < 400; i++) {
    const day = n.getDay() === 0 ? 7 : n.getDay();
    if (p.workDays.includes(day) && !isHoliday(n)) return n;
    n.setDate(n.getDate() + 1);
  }
  return n;
}
