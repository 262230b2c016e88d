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
let prefs: Prefs = load();

function load(): Prefs {
  try {
    const raw = localStorage.getItem('preau.prefs');
    if (raw) return { ...defaults, ...(JSON.parse(raw) as Partial<Prefs>) };
  } catch {
    // ignore
  }
  return { ...defaults };
}

export function getPrefs(): Prefs {
  return prefs;
}

export function setPrefs(patch: Partial<Prefs>): void {
  prefs = { ...prefs, ...patch };
  try {
    localStorage.setItem('preau.prefs', JSON.stringify(prefs));
  } catch {
    // ignore
  }
  listeners.forEach((l) => l());
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
export function isWorkingTime(d: Date, p: Prefs = prefs): boolean {
  const day = d.getDay() === 0 ? 7 : d.getDay();
  if (!p.workDays.includes(day)) return false;
  const m = d.getHours() * 60 + d.getMinutes();
  return m >= minutes(p.workStart) && m < minutes(p.workEnd);
}

/** The next working morning at workStart, strictly after d. */
export function nextWorkingMorning(d: Date, p: Prefs = prefs): Date {
  const start = minutes(p.workStart);
  const n = new Date(d);
  n.setHours(Math.floor(start / 60), start % 60, 0, 0);
  if (n <= d) n.setDate(n.getDate() + 1);
  for (let i = 0; i < 8; i++) {
    const day = n.getDay() === 0 ? 7 : n.getDay();
    if (p.workDays.includes(day)) return n;
    n.setDate(n.getDate() + 1);
  }
  return n;
}
