/**
 * Chromium keeps the compiled code of a script only from its second run (V8 "code caching": the
 * first run marks the script, the second one serialises its code, the third one reuses it), and
 * that serialisation runs on the page's main thread, ahead of the first render. A user's first
 * reload would pay for it. After the first list is painted, once per build, an invisible frame
 * runs the client's scripts a second time without rendering anything (window.name), so that the
 * next reload of the webmail already starts from compiled code.
 */
const NAME = 'preau-code-cache';

/** True inside that frame: the scripts run, nothing renders and no request leaves. */
export const WARMING = typeof window !== 'undefined' && window.name === NAME;

export function warmCodeCache(): void {
  if (WARMING || window.top !== window || typeof requestIdleCallback !== 'function') return;
  const build = import.meta.url;
  try {
    if (localStorage.getItem('preau.codeCache') === build) return;
  } catch {
    return;
  }
  requestIdleCallback(() => {
    const frame = document.createElement('iframe');
    frame.name = NAME;
    frame.hidden = true;
    frame.tabIndex = -1;
    frame.title = 'preau-code-cache';
    frame.setAttribute('aria-hidden', 'true');
    frame.src = '/_code-cache';
    frame.addEventListener('load', () => {
      try {
        localStorage.setItem('preau.codeCache', build);
      } catch {
        // Storage disabled.
      }
      // The serialisation follows the scripts' run: give it time, then tell (bench/web waits for this mark).
      setTimeout(() => performance.mark('preau:code-cache'), 300);
      setTimeout(() => frame.remove(), 2000);
    });
    document.body.append(frame);
  }, { timeout: 2000 });
}
