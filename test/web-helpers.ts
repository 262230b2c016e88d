/** Browser helpers for the webmail tests: headless Chromium through playwright-core, axe-core checks. */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = process.env.PREAU_CHROMIUM ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Run axe-core (WCAG 2.0/2.1 A and AA rules) on the page; returns the violations, compactly. */
export async function axe(page: Page): Promise<string[]> {
  // Injected through the DevTools protocol: the page's CSP does not apply to it.
  await page.evaluate(axeSource);
  const r = (await page.evaluate("axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })")) as {
    violations: { id: string; nodes: { target: string[] }[] }[];
  };
  return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`);
}

/** Preferences that keep tests independent of the wall clock (working time all week, short undo). */
export const TEST_PREFS = { undoSeconds: 1, workDays: [1, 2, 3, 4, 5, 6, 7], workStart: '00:00', workEnd: '23:59' };

/** Chromium where every host name resolves to loopback, so the app's configured publicUrl (and its Origin) works. */
export function launchLoopback(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage', '--host-resolver-rules=MAP * 127.0.0.1'],
  });
}

/** A French-speaking user signs in through the form (no second factor); returns the page on the inbox. `colorScheme` emulates prefers-color-scheme. */
export async function signInPage(browser: Browser, base: string, who: { address: string; password: string }, prefs: Record<string, unknown> = {}, viewport = { width: 1280, height: 800 }, opts: { colorScheme?: 'light' | 'dark' } = {}): Promise<Page> {
  const context = await browser.newContext({ locale: 'fr-FR', ignoreHTTPSErrors: true, viewport, colorScheme: opts.colorScheme ?? 'light' });
  // Top-level documents only: the reader's about:blank frames run init scripts too, and their write would
  // reach the app as a `storage` event (web/src/prefs.ts follows other tabs) and undo the test's own changes.
  await context.addInitScript((p) => { const g = globalThis as any; if (g.top === g.self) localStorage.setItem('preau.prefs', JSON.stringify(p)); }, { ...TEST_PREFS, ...prefs });
  const page = await context.newPage();
  await page.goto(base);
  await page.getByLabel('Identifiant').fill(who.address);
  await page.getByLabel('Mot de passe').fill(who.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('heading', { name: 'Boîte de réception' }).waitFor();
  return page;
}

/** JMAP over HTTP Basic authentication (RFC 8620 §3.3): the method responses of one request. */
export async function jmapRequest(base: string, who: { id: number; address: string; password: string }, methodCalls: [string, Record<string, unknown>, string][]): Promise<[string, any, string][]> {
  const accountId = `a${who.id}`;
  const r = await fetch(`${base}/jmap/api`, {
    method: 'POST',
    headers: { authorization: 'Basic ' + Buffer.from(`${who.address}:${who.password}`).toString('base64'), 'content-type': 'application/json' },
    body: JSON.stringify({ using: ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail'], methodCalls: methodCalls.map(([n, a, id]) => [n, { accountId, ...a }, id]) }),
  });
  if (r.status !== 200) throw new Error(`JMAP HTTP ${r.status}: ${await r.text()}`);
  return ((await r.json()) as { methodResponses: [string, any, string][] }).methodResponses;
}

/** Where each message of the account is: subject → mailbox names and keywords (server side, over JMAP). */
export async function mailState(base: string, who: { id: number; address: string; password: string }): Promise<{ id: string; subject: string; threadId: string; mailboxes: string[]; keywords: Record<string, boolean> }[]> {
  const r = await jmapRequest(base, who, [
    ['Mailbox/get', { ids: null, properties: ['id', 'name'] }, 'b'],
    ['Email/query', { filter: null, sort: [{ property: 'receivedAt', isAscending: true }] }, 'q'],
    ['Email/get', { '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' }, properties: ['id', 'subject', 'threadId', 'mailboxIds', 'keywords'] }, 'g'],
  ]);
  const names = new Map<string, string>((r[0]![1].list as { id: string; name: string }[]).map((b) => [b.id, b.name]));
  return (r[2]![1].list as { id: string; subject: string; threadId: string; mailboxIds: Record<string, boolean>; keywords: Record<string, boolean> }[]).map((e) => ({
    id: e.id, subject: e.subject, threadId: e.threadId, keywords: e.keywords, mailboxes: Object.keys(e.mailboxIds).map((id) => names.get(id) ?? id),
  }));
}

/**
 * A field's value once it equals `want` (a screen that fills its fields after a request, such as
 * a composer opening a draft), or the last value seen after `ms`: for assert.equal.
 */
export async function settledValue(field: Locator, want: string, ms = 5000): Promise<string> {
  const end = Date.now() + ms;
  let v = await field.inputValue();
  while (v !== want && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
    v = await field.inputValue();
  }
  return v;
}
