/**
 * Scroll phase of bench/web/run.ts: how smooth the windowed list is over a 100 000-message folder.
 * Inside the page (free of Playwright's round trips): a fling — the list scrolled by `STEP` pixels
 * at every animation frame for `FRAMES` frames — with each frame's interval recorded, then a jump to
 * the middle of the folder timed until real rows (not placeholders) fill the view.
 */
import type { Page } from 'playwright-core';

const STEP = 400; // ≈ 5 rows of 76 px per frame: 24 000 px/s at 60 Hz, a fast fling
const FRAMES = 120;

export interface ScrollResult {
  /** Frame intervals during the fling (ms): median, 95th percentile, worst. */
  frameP50Ms: number;
  frameP95Ms: number;
  frameMaxMs: number;
  /** Frames that took more than 50 ms (a visible stutter). */
  framesOver50: number;
  /** Fling frames that showed at least one placeholder row in view (rows not loaded yet). */
  framesWithPlaceholders: number;
  /** Rows scrolled past during the fling. */
  rowsScrolled: number;
  /** Jump to the middle of the folder → the rows in view are real rows. */
  jumpMs: number;
}

export async function measureScroll(page: Page): Promise<ScrollResult> {
  // Page-side code as text: this file is type-checked without the DOM library.
  const r = (await page.evaluate(`(async () => {
    const list = document.querySelector('.message-list');
    if (!list) throw new Error('no message list');
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    await frame();
    const startTop = list.scrollTop;
    const box = list.getBoundingClientRect();
    const filled = () => {
      const slots = [...list.querySelectorAll('.row-slot')].filter((s) => {
        const b = s.getBoundingClientRect();
        return b.bottom > box.top && b.top < box.bottom;
      });
      return slots.length > 0 && slots.every((s) => s.querySelector('.row:not(.placeholder)'));
    };
    const gaps = [];
    let blank = 0;
    let last = performance.now();
    for (let i = 0; i < ${FRAMES}; i++) {
      list.scrollTop += ${STEP};
      await frame();
      const now = performance.now();
      gaps.push(now - last);
      last = now;
      if (!filled()) blank++;
    }
    const rowH = list.querySelector('.row-slot')?.getBoundingClientRect().height || 76;
    const rowsScrolled = Math.round((list.scrollTop - startTop) / rowH);
    // Jump: the rows in view must be real rows, not placeholders, within 15 s.
    const t0 = performance.now();
    list.scrollTop = list.scrollHeight / 2;
    while (!filled()) {
      if (performance.now() - t0 > 15000) throw new Error('rows did not fill the view within 15 s');
      await frame();
    }
    const jumpMs = performance.now() - t0;
    gaps.sort((a, b) => a - b);
    const q = (p) => gaps[Math.min(gaps.length - 1, Math.floor(p * gaps.length))];
    return { frameP50Ms: q(0.5), frameP95Ms: q(0.95), frameMaxMs: gaps[gaps.length - 1], framesOver50: gaps.filter((g) => g > 50).length, framesWithPlaceholders: blank, rowsScrolled, jumpMs };
  })()`)) as ScrollResult;
  return r;
}
