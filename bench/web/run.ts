/** Webmail benchmark in headless Chromium: cold load, warm reload, open a message, search, first-screen bytes. JSON on stdout. */
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { FakeBackend, USER } from '../../test/web-fake-backend.ts';
import { launch, hasChromium, CHROMIUM, TEST_PREFS } from '../../test/web-helpers.ts';

// Usage: node bench/web/run.ts [messages=100000] [runs=5]
const MESSAGES = Number(process.argv[2] ?? 100_000);
const RUNS = Number(process.argv[3] ?? 5);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x: number) => Math.round(x * 10) / 10;

async function signIn(page: Page): Promise<void> {
  await page.getByLabel('Identifiant').fill(USER.identifier);
  await page.getByLabel('Mot de passe').fill(USER.password);
}

async function main(): Promise<void> {
  if (!hasChromium) {
    console.log(JSON.stringify({ skipped: `no chromium at ${CHROMIUM}` }));
    return;
  }
  const backend = new FakeBackend();
  backend.twoFactor = false;
  for (let i = 0; i < MESSAGES; i++) {
    backend.addEmail({ subject: `Message ${i} — ${i % 7 === 0 ? 'conseil de classe' : 'information'}`, text: `Corps du message ${i}`, keywords: i % 4 ? { $seen: true } : {} });
  }
  await backend.start();
  const browser = await launch();
  const cold: number[] = [];
  const warm: number[] = [];
  const open: number[] = [];
  const search: number[] = [];
  let firstScreenBytes = 0;
  let firstScreenRequests = 0;
  try {
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await context.addInitScript((prefs) => localStorage.setItem('preau.prefs', JSON.stringify(prefs)), TEST_PREFS);
      const page = await context.newPage();
      const sizes: Promise<number>[] = [];
      page.on('requestfinished', (r) => sizes.push(r.sizes().then((s) => s.responseBodySize + s.responseHeadersSize)));
      await page.goto(backend.url);
      await page.getByLabel('Identifiant').waitFor();
      if (run === 0) {
        firstScreenBytes = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
        firstScreenRequests = sizes.length;
      }
      // Cold: from "Se connecter" on the sign-in page to the first list rows painted.
      await signIn(page);
      let t0 = performance.now();
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.locator('.row-link').first().waitFor();
      cold.push(performance.now() - t0);
      // Warm: reload with the assets in the browser cache and the session open.
      t0 = performance.now();
      await page.reload();
      await page.locator('.row-link').first().waitFor();
      warm.push(performance.now() - t0);
      // Open a message: click to its body painted in the iframe.
      t0 = performance.now();
      await page.locator('.row-link').nth(2).click();
      await page.frameLocator('iframe.mail-frame').getByText('Corps du message').waitFor();
      open.push(performance.now() - t0);
      // Search: Enter to the first result row.
      await page.getByRole('searchbox').fill(`Message ${MESSAGES - 3 - run}`);
      t0 = performance.now();
      await page.keyboard.press('Enter');
      await page.locator('.row-subject', { hasText: `Message ${MESSAGES - 3 - run} ` }).first().waitFor();
      search.push(performance.now() - t0);
      await page.getByRole('button', { name: 'Se déconnecter' }).first().click();
      await context.close();
    }
  } finally {
    await browser.close();
    await backend.stop();
  }
  const result = {
    bench: 'web',
    backend: 'test/web-fake-backend.ts (in-memory JMAP double; the real server adds its own query time)',
    messages: MESSAGES,
    runs: RUNS,
    coldLoadMs: round(median(cold)),
    warmReloadMs: round(median(warm)),
    openMessageMs: round(median(open)),
    searchMs: round(median(search)),
    firstScreenBytes,
    firstScreenRequests,
    targets: { coldLoadMs: 500, warmReloadMs: 200, openMessageMs: 100, searchMs: 100, firstScreenBytes: 200_000 },
    distBuilt: existsSync(new URL('../../web/dist/index.html', import.meta.url)),
  };
  console.log(JSON.stringify(result, null, 2));
}

await main();
