/** Webmail benchmark in headless Chromium against the real server (`preau serve` in a child process) with a seeded inbox: cold load, warm reload, open a message, search, first-screen bytes. JSON on stdout. */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { emptyResolver, freePort, startTestApp } from '../../test/helpers/app.ts';
import { startApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/load.ts';
import { createLogger } from '../../src/log/index.ts';
import { launch, hasChromium, CHROMIUM, TEST_PREFS } from '../../test/web-helpers.ts';
import { ingest } from '../../src/mail/ingest.ts';
import type { AccountId } from '../../src/store/ids.ts';
import { installTrace, TRACE, Tracer } from './trace.ts';
import { measureScroll, type ScrollResult } from './scroll.ts';

// Usage: node bench/web/run.ts [messages=100000] [runs=5]   (env PREAU_BENCH_PG=postgres://… for PostgreSQL;
// BENCH_TRACE=1 prints each phase's waterfall on stderr, see trace.ts; BENCH_KEEP=1 keeps the seeded data
// directory and prints its path on stderr, BENCH_DATA_DIR=<that path> reuses it without seeding; SQLite only)
const MESSAGES = Number(process.argv[2] ?? 100_000);
const RUNS = Number(process.argv[3] ?? 5);
// Parallel ingests in flight while seeding (each is one blob write and one transaction).
const PARALLEL = 16;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x: number) => Math.round(x * 10) / 10;
const load = () => loadavg().map((x) => Math.round(x * 100) / 100);

const TOPICS = ['conseil de classe', 'sortie pédagogique', 'réunion parents-professeurs', 'emploi du temps', 'information', 'projet d’établissement', 'examens blancs'];

/** A distinct small message: sender, subject, body and Message-ID vary with i. */
function message(i: number, to: string): Buffer {
  const topic = TOPICS[i % TOPICS.length];
  return Buffer.from(
    `From: Parent ${i} <parent${i}@famille.example>\r\nTo: ${to}\r\nSubject: Message ${i} — ${topic}\r\nMessage-ID: <web-bench-${i}@famille.example>\r\n` +
      `Date: Mon, 2 Nov 2026 10:00:00 +0100\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n` +
      `Bonjour,\r\n\r\nCorps du message ${i} au sujet de : ${topic}.\r\n\r\nCordialement,\r\nParent ${i}\r\n`,
  );
}

async function signIn(page: Page, who: { address: string; password: string }): Promise<void> {
  await page.getByLabel('Identifiant').fill(who.address);
  await page.getByLabel('Mot de passe').fill(who.password);
}

/** RFC 8621 §4.4 Email/query + §4.3 Email/set destroy, with Basic authentication (RFC 7617). */
async function removeSignInNotices(base: string, user: { address: string; password: string }): Promise<void> {
  const headers = { authorization: `Basic ${Buffer.from(`${user.address}:${user.password}`).toString('base64')}`, 'content-type': 'application/json' };
  const call = async (methodCalls: unknown[]) => {
    const r = await fetch(`${base}/jmap/api`, { method: 'POST', headers, body: JSON.stringify({ using: ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail'], methodCalls }) });
    if (!r.ok) throw new Error(`JMAP ${r.status}: ${await r.text()}`);
    return ((await r.json()) as { methodResponses: [string, Record<string, unknown>, string][] }).methodResponses;
  };
  const [[, q]] = await call([['Email/query', { filter: { subject: 'Nouvelle connexion' }, limit: 1000 }, 'q']]);
  const ids = (q.ids as string[] | undefined) ?? [];
  if (ids.length) await call([['Email/set', { destroy: ids }, 'd']]);
}

async function main(): Promise<void> {
  if (!hasChromium) {
    console.log(JSON.stringify({ skipped: `no chromium at ${CHROMIUM}` }));
    return;
  }
  const loadAtStart = load();
  const reuse = process.env.BENCH_DATA_DIR && existsSync(join(process.env.BENCH_DATA_DIR, 'bench-web.json')) ? process.env.BENCH_DATA_DIR : null;
  let seedSeconds = 0;
  let dialect = 'sqlite';
  let seeder: Awaited<ReturnType<typeof startTestApp>> | null = null;
  let sc: { dataDir: string; domain: string; orgName: string; databaseUrl?: string };
  let user: { address: string; password: string };
  if (reuse) {
    ({ sc, user } = JSON.parse(readFileSync(join(reuse, 'bench-web.json'), 'utf8')) as { sc: typeof sc; user: typeof user });
  } else {
    // Seeding runs with the HTTP door closed; the server then restarts on the same data, so the
    // web client it serves is the web/dist of that moment (other work may rebuild it meanwhile).
    seeder = await startTestApp({ httpPort: 0 }, { pg: !!process.env.PREAU_BENCH_PG && !!process.env.PREAU_TEST_PG });
    const u = await seeder.account('Élodie', 'Lefèvre', { quotaBytes: 100 * 1024 ** 3, title: 'Professeure de lettres, collège Jean-Moulin' });
    user = u;
    const { store, blobs } = seeder.ctx;
    const t0 = performance.now();
    const start = Date.now() - MESSAGES * 60_000;
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < MESSAGES; i = next++) {
        await ingest({ store, blobs }, { raw: message(i, u.address), targets: [{ account: u.id as AccountId, keywords: i % 4 ? ['\\Seen'] : [] }], receivedAt: start + i * 60_000 });
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    seedSeconds = round((performance.now() - t0) / 1000);
    // Planner statistics, as the periodic `PRAGMA optimize` of src/app.ts gathers them in production.
    await sql`ANALYZE`.execute(store.db);
    dialect = store.dialect;
    const c = seeder.ctx.config;
    sc = { dataDir: c.dataDir, domain: c.domain, orgName: c.orgName, databaseUrl: c.databaseUrl };
    if (process.env.BENCH_KEEP === '1') {
      writeFileSync(join(c.dataDir, 'bench-web.json'), JSON.stringify({ sc, user }));
      console.error(`bench/web: seeded data kept in ${c.dataDir} (BENCH_DATA_DIR=${c.dataDir} reuses it)`);
    }
  }
  const loadAfterSeed = load();
  // The seeding instance stays open (idle) until the end: its stop() removes the data.
  const httpPort = await freePort();
  const config = loadConfig({}, { dataDir: sc.dataDir, domain: sc.domain, orgName: sc.orgName, logLevel: 'silent', databaseUrl: sc.databaseUrl, httpPort, smtpPort: 0, submissionPort: 0, imapPort: 0 });
  // The server runs as `preau serve` would, in a child process (BENCH_SERVER=inprocess: in this
  // process, as before): its work and the Playwright driver's no longer share one event loop.
  let app: { close(): Promise<void> };
  if (process.env.BENCH_SERVER === 'inprocess') {
    const a = await startApp(config, { log: createLogger('silent'), workers: false, resolver: emptyResolver() });
    if (!a.ports.http) throw new Error('the HTTP door is not started');
    app = a;
  } else {
    const child = spawn(process.execPath, ['src/main.ts', 'serve'], {
      // Only the server's own settings: it refuses unknown PREAU_* names (PREAU_BENCH_PG, PREAU_TEST_PG).
      env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PREAU_'))), PREAU_DATA_DIR: sc.dataDir, PREAU_DOMAIN: sc.domain, PREAU_ORG_NAME: sc.orgName, ...(sc.databaseUrl ? { PREAU_DATABASE_URL: sc.databaseUrl } : {}), PREAU_HTTP_PORT: String(httpPort), PREAU_SMTP_PORT: '0', PREAU_SUBMISSION_PORT: '0', PREAU_IMAP_PORT: '0', PREAU_LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d) => d.toString().includes('HTTP ') && resolve());
      child.once('exit', (code) => reject(new Error(`preau serve exited with code ${code}`)));
    });
    app = { close: () => new Promise<void>((r) => (child.exitCode !== null ? r() : (child.once('exit', () => r()), child.kill('SIGTERM')))) };
  }
  const base = config.publicUrl.replace(/\/+$/, '');
  // A kept data directory also holds the sign-in notices of earlier runs (one per new browser
  // context, src/auth/notices.ts): remove them so that every run lists the same inbox.
  if (reuse) await removeSignInNotices(base, user);

  const browser = await launch();
  const cold: number[] = [];
  const warm: number[] = [];
  const open: number[] = [];
  const openInPage: number[] = [];
  const warmInPage: number[] = [];
  const search: number[] = [];
  const scroll: ScrollResult[] = [];
  let firstScreenBytes = 0;
  let firstScreenRequests = 0;
  try {
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'fr-FR' });
      await context.addInitScript((prefs) => localStorage.setItem('preau.prefs', JSON.stringify(prefs)), TEST_PREFS);
      // BENCH_NO_CODE_CACHE=1: without the code-cache frame, to see what it saves.
      if (process.env.BENCH_NO_CODE_CACHE === '1') await context.route('**/_code-cache', (r) => r.abort());
      const page = await context.newPage();
      if (TRACE) await installTrace(page);
      const tracer = TRACE ? new Tracer(page) : null;
      const sizes: Promise<number>[] = [];
      page.on('requestfinished', (r) => sizes.push(r.sizes().then((s) => s.responseBodySize + s.responseHeadersSize, () => 0)));
      await page.goto(base);
      await page.getByLabel('Identifiant').waitFor();
      if (run === 0) {
        firstScreenBytes = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
        firstScreenRequests = sizes.length;
      }
      // Cold: from "Se connecter" on the sign-in page to the first list rows painted.
      await signIn(page, user);
      await tracer?.begin();
      let t = performance.now();
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.locator('.row-link').first().waitFor();
      cold.push(performance.now() - t);
      await tracer?.end(`cold run ${run}`);
      // Warm: reload with the assets in the browser cache and the session open.
      // The client has settled: its code-cache frame has run (web/src/codeCache.ts), at most 5 s.
      await page.waitForFunction(() => performance.getEntriesByName('preau:code-cache').length > 0, undefined, { timeout: 5000 }).catch(() => {});
      await tracer?.begin();
      t = performance.now();
      await page.reload();
      await page.locator('.row-link').first().waitFor();
      warm.push(performance.now() - t);
      // The same inside the page: navigation start → the client's mark once the first rows are
      // committed (web/src/mail/MailApp.tsx, preau:list-painted), free of Playwright's round trips.
      warmInPage.push((await page.evaluate(`performance.getEntriesByName('preau:list-painted')[0]?.startTime ?? NaN`)) as number);
      await tracer?.end(`warm run ${run}`);
      // Open a message: click to its body painted in the iframe.
      await tracer?.begin();
      t = performance.now();
      // Timed inside the page too: from the click to the frame holding the body loaded and two
      // animation frames later (painted), free of Playwright's polling steps (0, 20, 50, 100 ms…).
      const inPage = (await page.evaluate(`(async () => {
        // Rows of seeded messages only: a kept data directory also holds the sign-in notices of earlier runs.
        const row = [...document.querySelectorAll('.row-link')].filter((r) => r.textContent.includes('Corps du message'))[${2 + run}];
        const loaded = new Promise((resolve) => document.addEventListener('load', (e) => {
          const f = e.target;
          if (f instanceof HTMLIFrameElement && f.matches('iframe.mail-frame') && f.contentDocument?.body?.textContent?.includes('Corps du message')) resolve();
        }, { capture: true }));
        const t0 = performance.now();
        row.click();
        const late = new Promise((_, reject) => setTimeout(() => reject(new Error('the message body did not load within 15 s')), 15000));
        await Promise.race([loaded, late]);
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        return performance.now() - t0;
      })()`)) as number;
      await page.frameLocator('iframe.mail-frame').getByText('Corps du message').waitFor();
      open.push(performance.now() - t);
      openInPage.push(inPage);
      await tracer?.end(`open run ${run}`, true);
      // Search: Enter to the first result row.
      const wanted = MESSAGES - 3 - run * 1000;
      await page.getByRole('searchbox').fill(`Message ${wanted}`);
      t = performance.now();
      await page.keyboard.press('Enter');
      await page.locator('.row-subject', { hasText: `Message ${wanted} ` }).first().waitFor();
      search.push(performance.now() - t);
      // Scroll: back to the inbox, a fling through the list, then a jump to its middle (scroll.ts).
      await page.getByRole('link', { name: /Boîte de réception/ }).first().click();
      await page.locator('.row-link').first().waitFor();
      scroll.push(await measureScroll(page));
      await page.getByRole('button', { name: 'Se déconnecter' }).first().click();
      await context.close();
    }
  } finally {
    await browser.close();
    await app.close();
    // Closes the seeding instance, drops its PostgreSQL database and removes the data directory
    // (only closes it with BENCH_KEEP=1).
    if (seeder) await (process.env.BENCH_KEEP === '1' ? seeder.close() : seeder.stop());
  }
  const result = {
    bench: 'web',
    backend: `real server (${process.env.BENCH_SERVER === 'inprocess' ? 'src/app.ts startApp in the bench process' : 'preau serve in a child process'}, ${dialect}), inbox seeded through mail/ingest by test/helpers/app.ts startTestApp`,
    messages: MESSAGES,
    runs: RUNS,
    seedSeconds,
    coldLoadMs: round(median(cold)),
    warmReloadMs: round(median(warm)),
    openMessageMs: round(median(open)),
    openMessageInPageMs: round(median(openInPage)),
    warmReloadInPageMs: round(median(warmInPage)),
    searchMs: round(median(search)),
    scroll: {
      frameP50Ms: round(median(scroll.map((x) => x.frameP50Ms))),
      frameP95Ms: round(median(scroll.map((x) => x.frameP95Ms))),
      frameMaxMs: round(Math.max(...scroll.map((x) => x.frameMaxMs))),
      framesOver50: scroll.map((x) => x.framesOver50),
      framesWithPlaceholders: scroll.map((x) => x.framesWithPlaceholders),
      flingFrames: 120,
      rowsScrolled: scroll.map((x) => x.rowsScrolled),
      jumpToMiddleMs: round(median(scroll.map((x) => x.jumpMs))),
      allJumpMs: scroll.map((x) => round(x.jumpMs)),
    },
    all: { coldLoadMs: cold.map(round), warmReloadMs: warm.map(round), openMessageMs: open.map(round), openMessageInPageMs: openInPage.map(round), warmReloadInPageMs: warmInPage.map(round), searchMs: search.map(round) },
    firstScreenBytes,
    firstScreenRequests,
    targets: { coldLoadMs: 500, warmReloadMs: 200, openMessageMs: 100, searchMs: 100, firstScreenBytes: 200_000 },
    loadAverage: { atStart: loadAtStart, afterSeed: loadAfterSeed, atEnd: load() },
    distBuilt: existsSync(new URL('../../web/dist/index.html', import.meta.url)),
  };
  console.log(JSON.stringify(result, null, 2));
}

await main();
