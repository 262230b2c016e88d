/** A tiny history-API router: the server answers index.html for every non-API path. */
import { useSyncExternalStore } from 'react';

const listeners = new Set<() => void>();
/** The path the screen shows; the address bar follows one frame later (see navigate). */
let current = location.pathname + location.search;
let pending: { path: string; replace: boolean }[] = [];

window.addEventListener('popstate', () => {
  // Back or forward within a frame of a navigation: the browser's history wins.
  pending = [];
  current = location.pathname + location.search;
  listeners.forEach((l) => l());
});

/** Write the pending entries into the session history (in order). */
function flush(): void {
  const list = pending;
  pending = [];
  for (const p of list) {
    if (p.replace) history.replaceState(null, '', p.path);
    else history.pushState(null, '', p.path);
  }
}

/**
 * Show `path` now and record it in the session history after the next paint: a history entry
 * costs Chromium several milliseconds (same-document navigation bookkeeping), which opening a
 * message should not wait for. A hidden tab (no animation frames) records it within 100 ms.
 */
export function navigate(path: string, replace = false): void {
  if (path === current) return;
  current = path;
  pending.push({ path, replace });
  if (pending.length === 1) {
    const late = setTimeout(flush, 100);
    requestAnimationFrame(() => {
      clearTimeout(late);
      setTimeout(flush, 0);
    });
  }
  listeners.forEach((l) => l());
}

/** The path shown (path + search), which the address bar may not hold yet. */
export function currentPath(): string {
  return current;
}

/** Current path + search, re-rendering on navigation. */
export function useLocation(): string {
  return useSyncExternalStore(
    (cb) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    () => current,
  );
}

/** Split a path into decoded segments. */
export function segments(path: string): string[] {
  return path.split('?')[0].split('/').filter(Boolean).map((s) => decodeURIComponent(s));
}

export function query(path: string): URLSearchParams {
  const i = path.indexOf('?');
  return new URLSearchParams(i >= 0 ? path.slice(i + 1) : '');
}
