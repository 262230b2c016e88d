/**
 * Windowing for a list of fixed-height rows: which rows to render for the scroll position, in
 * constant time whatever the count. (A general virtualiser keeps a measurement per row: with a
 * 100 000-message folder that was 100 000 objects built each time the count arrived.)
 */
import { useCallback, useEffect, useState, type RefObject } from 'react';

export interface WindowRow {
  index: number;
  key: number;
  start: number;
  size: number;
}

export function useWindow(opts: { count: number; rowHeight: number; parentRef: RefObject<HTMLElement | null>; overscan: number }) {
  const { count, rowHeight, parentRef, overscan } = opts;
  const [view, setView] = useState({ top: 0, height: 800 });

  // The scroll element appears once the list has rows: (re)subscribe when it changes, not per render.
  const [el, setEl] = useState<HTMLElement | null>(null);
  useEffect(() => {
    if (parentRef.current !== el) setEl(parentRef.current);
  });
  useEffect(() => {
    if (!el) return;
    let frame = 0;
    const read = () => {
      frame = 0;
      setView((v) => (v.top === el.scrollTop && v.height === el.clientHeight ? v : { top: el.scrollTop, height: el.clientHeight }));
    };
    const onScroll = () => {
      if (!frame) frame = requestAnimationFrame(read);
    };
    read();
    el.addEventListener('scroll', onScroll, { passive: true });
    const resize = new ResizeObserver(onScroll);
    resize.observe(el);
    return () => {
      el.removeEventListener('scroll', onScroll);
      resize.disconnect();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [el]);

  const first = Math.max(0, Math.floor(view.top / rowHeight) - overscan);
  const last = Math.min(count - 1, Math.ceil((view.top + view.height) / rowHeight) + overscan);
  const items: WindowRow[] = [];
  for (let i = first; i <= last; i++) items.push({ index: i, key: i, start: i * rowHeight, size: rowHeight });

  /** Scroll the least needed to show row `index` whole. */
  const scrollToIndex = useCallback(
    (index: number) => {
      const el = parentRef.current;
      if (!el) return;
      const top = index * rowHeight;
      if (top < el.scrollTop) el.scrollTop = top;
      else if (top + rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = top + rowHeight - el.clientHeight;
    },
    [parentRef, rowHeight],
  );

  return { items, totalSize: count * rowHeight, scrollToIndex };
}
