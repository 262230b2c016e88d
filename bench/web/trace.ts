/**
 * Breakdown mode of bench/web/run.ts (env BENCH_TRACE=1): the waterfall of one phase (cold load,
 * warm reload, open a message) from the page's own Resource Timing and marks, plus the JMAP
 * method names of each API request and the long tasks. Printed on stderr, one table per phase.
 */
import type { CDPSession, Page, Request } from 'playwright-core';

interface Entry { name: string; initiatorType: string; startTime: number; requestStart: number; responseStart: number; responseEnd: number; transferSize: number; encodedBodySize: number; serverTiming?: { name: string; dur: number }[] }

export const TRACE = process.env.BENCH_TRACE === '1';
/** BENCH_PROFILE=1 (with BENCH_TRACE=1): the page's JavaScript CPU profile of each phase, top functions by self time. */
const PROFILE = process.env.BENCH_PROFILE === '1';
/** BENCH_TIMELINE=1: Chromium's timeline of each phase (style, layout, paint, parse, script), totals per event on the page's main thread. */
const TIMELINE = process.env.BENCH_TIMELINE === '1';

/** Installed before any page script: long tasks and paint entries kept for the trace. */
export async function installTrace(page: Page): Promise<void> {
  // Page-side code as text: this file is type-checked without the DOM library.
  await page.addInitScript(`
    window.__benchLong = [];
    try {
      new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__benchLong.push({ start: e.startTime, dur: e.duration }); }).observe({ type: 'longtask', buffered: true });
    } catch {}
    addEventListener('load', (e) => { if (e.target && e.target.tagName === 'IFRAME') performance.mark('bench:iframe-load'); }, true);
    for (const t of ['pointerdown', 'click', 'submit']) addEventListener(t, () => { performance.mark('bench:' + t); requestAnimationFrame(() => performance.mark('bench:' + t + '-next-frame')); }, true);
  `);
}

export class Tracer {
  private page: Page;
  private bodies = new Map<string, string[]>();
  private t0 = 0;
  private cdp: CDPSession | null = null;
  private traceOrigin = 0;
  constructor(page: Page) {
    this.page = page;
    page.on('request', (r: Request) => {
      if (r.method() !== 'POST' || !r.url().includes('/jmap/api')) return;
      try {
        const calls = (JSON.parse(r.postData() ?? '{}') as { methodCalls?: [string][] }).methodCalls ?? [];
        const list = this.bodies.get(r.url()) ?? [];
        list.push(calls.map((c) => c[0]).join('+'));
        this.bodies.set(r.url(), list);
      } catch {
        // Not JSON.
      }
    });
  }

  /** Wall-clock start of the phase (call just before the click or the reload). */
  async begin(): Promise<void> {
    if (PROFILE) {
      this.cdp ??= await this.page.context().newCDPSession(this.page);
      await this.cdp.send('Profiler.enable');
      await this.cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await this.cdp.send('Profiler.start');
    }
    if (TIMELINE) await this.page.context().browser()!.startTracing(this.page, { categories: ['devtools.timeline', 'blink', 'loading', 'toplevel'] });
    this.t0 = performance.timeOrigin + performance.now();
    this.bodies.clear();
  }

  private async timeline(): Promise<string[]> {
    if (!TIMELINE) return [];
    const buf = await this.page.context().browser()!.stopTracing();
    const events = (JSON.parse(buf.toString('utf8')) as { traceEvents: { name: string; ph: string; dur?: number; tid: number; pid: number; args?: { name?: string } }[] }).traceEvents;
    const main = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
    // Trace clock → phase-relative time: the first task after begin() is at most a few ms late.
    this.traceOrigin = Math.min(...events.filter((e) => e.ph === 'X' && (e as { ts?: number }).ts).map((e) => (e as unknown as { ts: number }).ts));
    const tot = new Map<string, { ms: number; n: number }>();
    for (const e of events) {
      if (e.ph !== 'X' || !e.dur || !main.has(`${e.pid}:${e.tid}`)) continue;
      const t = tot.get(e.name) ?? { ms: 0, n: 0 };
      t.ms += e.dur / 1000;
      t.n++;
      tot.set(e.name, t);
    }
    // Long main-thread tasks (≥ 4 ms) in order, with their heaviest nested events.
    const t0us = this.t0 * 1000;
    const onMain = events.filter((e) => e.ph === 'X' && e.dur && main.has(`${e.pid}:${e.tid}`)) as unknown as { name: string; ts: number; dur: number }[];
    const tasks = onMain.filter((e) => /RunTask$/.test(e.name) && e.dur >= 4000).sort((x, y) => x.ts - y.ts).filter((t, i, a) => !a.slice(0, i).some((o) => o.ts <= t.ts && o.ts + o.dur >= t.ts + t.dur));
    const wall = (ts: number) => ((ts - this.traceOrigin) / 1000).toFixed(1);
    const taskLines = tasks.map((t) => {
      const inner = onMain.filter((e) => e.ts >= t.ts && e.ts + e.dur <= t.ts + t.dur && !/RunTask$/.test(e.name));
      const top = new Map<string, number>();
      for (const e of inner) top.set(e.name, (top.get(e.name) ?? 0) + e.dur / 1000);
      return `task  at ${wall(t.ts)} ${(t.dur / 1000).toFixed(1)} ms: ${[...top].sort((x, y) => y[1] - x[1]).slice(0, 5).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`;
    });
    void t0us;
    return [...taskLines, ...[...tot].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12).map(([k, v]) => `tl    ${v.ms.toFixed(1).padStart(7)} ms ×${v.n}  ${k}`)];
  }

  private async profile(): Promise<string[]> {
    if (!this.cdp) return [];
    const { profile } = (await this.cdp.send('Profiler.stop')) as { profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }[]; samples: number[]; timeDeltas: number[] } };
    const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
    const self = new Map<string, number>();
    profile.samples.forEach((id, i) => {
      const f = byNode.get(id)!.callFrame as { functionName: string; url: string; lineNumber: number; columnNumber?: number };
      const k = `${f.functionName || '(anon)'} ${f.url.replace(/^.*\//, '')}:${f.lineNumber}:${f.columnNumber ?? 0}`;
      self.set(k, (self.get(k) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
    });
    return [...self].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, ms]) => `prof  ${ms.toFixed(1).padStart(7)} ms  ${k}`);
  }

  /** Print the waterfall of the phase, relative to begin(). */
  async end(label: string, frame?: boolean): Promise<void> {
    const end = performance.timeOrigin + performance.now() - this.t0;
    const data = (await this.page.evaluate(`({
      origin: performance.timeOrigin,
      resources: performance.getEntriesByType('resource').map((r) => ({ name: r.name, initiatorType: r.initiatorType, startTime: r.startTime, requestStart: r.requestStart, responseStart: r.responseStart, responseEnd: r.responseEnd, transferSize: r.transferSize, encodedBodySize: r.encodedBodySize, serverTiming: (r.serverTiming || []).map((s) => ({ name: s.name + (s.description ? ':' + s.description : ''), dur: s.duration })) })),
      nav: (performance.getEntriesByType('navigation')[0] || { toJSON: () => undefined }).toJSON(),
      marks: performance.getEntriesByType('mark').map((m) => ({ name: m.name, t: m.startTime })),
      paints: performance.getEntriesByType('paint').map((m) => ({ name: m.name, t: m.startTime })),
      long: window.__benchLong || [],
    })`)) as { origin: number; resources: Entry[]; nav?: Record<string, number>; marks: { name: string; t: number }[]; paints: { name: string; t: number }[]; long: { start: number; dur: number }[] };
    const rel = (t: number) => Math.round((data.origin + t - this.t0) * 10) / 10;
    const jmapNames = new Map([...this.bodies].map(([k, v]) => [k, [...v]]));
    const lines: string[] = [`--- trace ${label}: ${Math.round(end)} ms (times relative to the action) ---`];
    if (data.nav && rel(data.nav.startTime ?? 0) >= -1) {
      lines.push(`nav   ${rel(data.nav.startTime ?? 0)} → ttfb ${rel(data.nav.responseStart)} → dcl ${rel(data.nav.domContentLoadedEventEnd)} → load ${rel(data.nav.loadEventEnd)}`);
    }
    for (const e of data.resources as Entry[]) {
      if (rel(e.startTime) < -1) continue;
      const url = new URL(e.name);
      const methods = url.pathname.startsWith('/jmap/api') ? jmapNames.get(e.name)?.shift() ?? '?' : '';
      const st = e.serverTiming?.length ? ` server[${e.serverTiming.map((s) => `${s.name}=${Math.round(s.dur * 10) / 10}`).join(' ')}]` : '';
      lines.push(`${e.initiatorType.padEnd(6)} ${String(rel(e.startTime)).padStart(7)} → ${String(rel(e.responseEnd)).padStart(7)}  (${String(Math.round(e.responseEnd - e.startTime)).padStart(4)} ms, ttfb ${Math.round(e.responseStart - e.requestStart)} ms, ${e.transferSize} B)  ${url.pathname}${methods ? ` ${methods}` : ''}${st}`);
    }
    for (const m of [...data.marks, ...data.paints]) if (rel(m.t) >= -1) lines.push(`mark  ${String(rel(m.t)).padStart(7)}  ${m.name}`);
    for (const l of data.long) if (rel(l.start) >= -1) lines.push(`long  ${String(rel(l.start)).padStart(7)}  ${Math.round(l.dur)} ms task`);
    if (frame) lines.push('(body painted at the end of the phase)');
    lines.push(...(await this.profile()), ...(await this.timeline()));
    process.stderr.write(lines.join('\n') + '\n');
  }
}
