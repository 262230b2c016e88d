/** Webmail display settings on the real server: density, reading-pane position, text instead of HTML (RFC 2046 §5.1.4 multipart/alternative), conversations; axe in English and in dark colour scheme. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { TestApp } from './helpers/app.ts';
import { browserSuite, mxSend } from './helpers/browser-suite.ts';
import { axe, hasChromium, jmapRequest, launchLoopback, signInPage } from './web-helpers.ts';

type Box = { x: number; y: number; width: number; height: number };

describe('display settings (browser, real server)', { skip: hasChromium ? false : 'chromium is not installed (/usr/bin/chromium)' }, () => {
  let app: TestApp;
  let browser: Browser;
  let base = '';
  browserSuite({}, (s) => ({ app, browser, base } = s));
  let karim: { id: number; address: string; password: string };

  const mx = (mail: Record<string, unknown>): Promise<void> => mxSend(app, { to: karim.address, ...mail });

  before(async () => {
    karim = await app.account('Karim', 'Benali');
    const claire = 'Claire Martin <claire.martin@mairie.example>';
    await mx({ from: claire, subject: 'Cantine', messageId: '<cantine-1@mairie.example>', text: 'Le menu de la semaine.' });
    await mx({ from: claire, subject: 'Re: Cantine', messageId: '<cantine-2@mairie.example>', inReplyTo: '<cantine-1@mairie.example>', references: ['<cantine-1@mairie.example>'], text: 'Et celui de la semaine suivante.' });
    // multipart/alternative: nodemailer puts text/plain first, text/html last (RFC 2046 §5.1.4).
    await mx({ from: claire, subject: 'Deux versions', text: 'Version texte brut.', html: '<p>Version <b>mise en forme</b>.</p>' });
    // Just under one binary megabyte once base64-encoded: more than 1 000 000 bytes, less than 1 MiB.
    await mx({ from: claire, subject: 'Presque un méga', text: 'Le dossier.', attachments: [{ filename: 'dossier.bin', content: Buffer.alloc(735_000, 7) }] });
  });

  const box = async (page: Page, sel: string): Promise<Box> => (await page.locator(sel).boundingBox())!;
  /** In-app navigation: a reload would run signInPage's init script again, which resets the preferences. */
  async function toSettings(page: Page, section = 'Affichage'): Promise<void> {
    await page.getByRole('link', { name: 'Paramètres' }).first().click();
    await page.getByRole('navigation', { name: 'Rubriques des paramètres' }).getByRole('link', { name: section }).click();
    await page.getByRole('heading', { name: section, level: 2 }).waitFor();
  }
  async function toInbox(page: Page): Promise<void> {
    await page.getByRole('link', { name: /Boîte de réception/ }).first().click();
    await page.locator('.row', { hasText: 'Deux versions' }).waitFor();
  }
  async function open(page: Page, subject: string): Promise<void> {
    await page.locator('.row', { hasText: subject }).first().locator('.row-link').click();
    await page.getByRole('heading', { name: subject, level: 1 }).waitFor();
  }
  const stored = (page: Page) => page.evaluate(() => JSON.parse(localStorage.getItem('preau.prefs') ?? '{}') as Record<string, unknown>);

  test('density: "compact" makes the rows lower and hides the preview', async () => {
    const page = await signInPage(browser, base, karim);
    const row = page.locator('.row', { hasText: 'Deux versions' });
    await row.waitFor();
    const before = (await row.boundingBox())!.height;
    assert.equal(await row.locator('.row-preview').isVisible(), true);
    await toSettings(page);
    await page.getByRole('group', { name: 'Densité de la liste' }).getByRole('radio', { name: 'Compacte' }).check();
    assert.equal((await stored(page)).density, 'compact');
    await toInbox(page);
    const after = (await row.boundingBox())!.height;
    assert.ok(after < before - 10, `compact row ${after}px, comfortable ${before}px`);
    assert.equal(await row.locator('.row-preview').isVisible(), false);
    await page.context().close();
  });

  test('reading pane: right, bottom, full screen', async () => {
    const page = await signInPage(browser, base, karim);
    await open(page, 'Deux versions');
    let list = await box(page, '.list-pane');
    let reader = await box(page, '.reader');
    assert.ok(reader.x >= list.x + list.width - 1, 'right of the list');
    assert.ok(Math.abs(reader.y - list.y) < 2, 'side by side');

    await toSettings(page);
    await page.getByRole('group', { name: 'Volet de lecture' }).getByRole('radio', { name: 'En bas' }).check();
    await toInbox(page);
    await open(page, 'Deux versions');
    list = await box(page, '.list-pane');
    reader = await box(page, '.reader');
    assert.ok(reader.y >= list.y + list.height - 1, `below the list (${JSON.stringify({ list, reader })})`);
    assert.ok(reader.width > 1000, 'full width');

    await toSettings(page);
    await page.getByRole('group', { name: 'Volet de lecture' }).getByRole('radio', { name: 'Plein écran' }).check();
    await toInbox(page);
    assert.equal(await page.locator('.list-pane').isVisible(), true, 'the list alone first');
    await open(page, 'Deux versions');
    assert.equal(await page.locator('.list-pane').isVisible(), false, 'the reader takes the screen');
    assert.ok((await box(page, '.reader')).width > 1000);
    await page.context().close();
  });

  test('"HTML when it exists" off shows the text/plain part of a multipart/alternative message', async () => {
    const page = await signInPage(browser, base, karim);
    await open(page, 'Deux versions');
    const frame = page.frameLocator('iframe.mail-frame');
    await frame.getByText('mise en forme').waitFor();
    assert.equal(await frame.locator('b').count(), 1);
    await toSettings(page);
    await page.getByRole('checkbox', { name: 'Afficher la version mise en forme (HTML) quand elle existe' }).uncheck();
    await toInbox(page);
    await open(page, 'Deux versions');
    await frame.getByText('Version texte brut.').waitFor();
    assert.equal(await frame.getByText('mise en forme').count(), 0);
    await page.context().close();
  });

  test('conversation view switched on from the settings page', async () => {
    const page = await signInPage(browser, base, karim);
    await page.locator('.row', { hasText: 'Cantine' }).nth(1).waitFor();
    assert.equal(await page.locator('.thread-count').count(), 0);
    await toSettings(page);
    const box = page.getByRole('checkbox', { name: 'Regrouper les messages par conversation' });
    assert.equal(await box.isChecked(), false);
    await box.check();
    await toInbox(page);
    const row = page.locator('.row', { hasText: 'Cantine' });
    await row.locator('.thread-count').waitFor();
    assert.equal(await row.count(), 1);
    assert.match((await row.locator('.thread-count').textContent()) ?? '', /^2\s*Conversation de 2 messages\.$/);
    await page.context().close();
  });

  /** Every screen of the task: the inbox, an open message, each settings section; axe on each. */
  async function axeEverywhere(page: Page, names: { inbox: RegExp; settings: string; sections: string[] }): Promise<string[]> {
    const out: string[] = [];
    const check = async (where: string) => out.push(...(await axe(page)).map((v) => `${where}: ${v}`));
    await page.locator('.row', { hasText: 'Deux versions' }).waitFor();
    await check('inbox');
    await page.locator('.row', { hasText: 'Deux versions' }).locator('.row-link').click();
    await page.getByRole('heading', { name: 'Deux versions', level: 1 }).waitFor();
    await check('reader');
    await page.getByRole('link', { name: names.settings }).first().click();
    for (const s of names.sections) {
      await page.locator('nav.tabs').getByRole('link', { name: s }).click();
      await page.locator('nav.tabs a[aria-current="page"]', { hasText: s }).waitFor();
      await page.locator('.settings section h2').first().waitFor();
      await page.waitForTimeout(200);
      await check(`settings/${s}`);
    }
    await page.getByRole('link', { name: names.inbox }).first().click();
    return out;
  }
  const FR = { inbox: /Boîte de réception/, settings: 'Paramètres', sections: ['Affichage', 'Notifications', 'Identités et signatures', 'Langue', 'Sécurité'] };
  const EN = { inbox: /Inbox/, settings: 'Settings', sections: ['Display', 'Notifications', 'Identities and signatures', 'Language', 'Security'] };

  test('axe: English interface on the inbox, the reader and the settings', async () => {
    const page = await signInPage(browser, base, karim);
    await toSettings(page, 'Langue');
    await page.getByRole('radio', { name: 'English' }).check();
    await page.getByRole('heading', { name: 'Language', level: 2 }).waitFor();
    assert.equal(await page.evaluate(() => (globalThis as any).document.documentElement.lang), 'en');
    await page.getByRole('link', { name: /Inbox/ }).first().click();
    assert.deepEqual(await axeEverywhere(page, EN), []);
    await page.context().close();
  });

  test('axe: dark colour scheme, in French and in English', async () => {
    const page = await signInPage(browser, base, karim, {}, undefined, { colorScheme: 'dark' });
    assert.equal(await page.evaluate(() => (globalThis as any).matchMedia('(prefers-color-scheme: dark)').matches), true);
    assert.deepEqual(await axeEverywhere(page, FR), []);
    await toSettings(page, 'Langue');
    await page.getByRole('radio', { name: 'English' }).check();
    await page.getByRole('link', { name: /Inbox/ }).first().click();
    assert.deepEqual(await axeEverywhere(page, EN), []);
    await page.context().close();
  });

  test('English: units, sizes and errors are translated (no French left, no raw error)', async () => {
    const page = await signInPage(browser, base, karim);
    await toSettings(page, 'Langue');
    await page.getByRole('radio', { name: 'English' }).check();
    await page.locator('nav.tabs').getByRole('link', { name: 'Display' }).click();
    const undo = page.getByRole('combobox', { name: 'Time to undo a send' });
    assert.deepEqual((await undo.locator('option').allTextContents()).map((s) => s.trim()), ['5 seconds', '10 seconds', '20 seconds', '30 seconds']);

    // The security page when the server cannot be reached: a translated message, not "TypeError: Failed to fetch".
    await page.route('**/api/security', (r) => r.abort('connectionrefused'));
    await page.locator('nav.tabs').getByRole('link', { name: 'Security' }).click();
    const toast = page.locator('.toast.error');
    await toast.first().waitFor();
    assert.equal(await toast.first().locator('span').first().textContent(), 'The server cannot be reached. Check your connection, then try again.');
    await page.unroute('**/api/security');

    // Storage: the thresholds read in the interface's units, and agree with the sizes shown.
    const size = (await jmapRequest(base, karim, [['Email/query', { filter: { subject: 'Presque un méga' } }, 'q'], ['Email/get', { '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' }, properties: ['size'] }, 'g']]))[1]![1].list[0].size as number;
    assert.ok(size > 1_000_000 && size < 1024 * 1024, `precondition: ${size} bytes`);
    await page.goto(`${base}/espace`);
    await page.getByRole('heading', { name: 'Free up space', level: 1 }).waitFor();
    const min = page.getByRole('combobox', { name: 'Minimum size' });
    assert.deepEqual((await min.locator('option').allTextContents()).map((s) => s.trim()), ['Any', '1 MB', '5 MB', '10 MB']);
    const big = page.locator('.messages-table tr', { hasText: 'Presque un méga' });
    await big.waitFor();
    assert.match((await big.locator('td').nth(1).textContent()) ?? '', /^9\d\d KB$/, 'shown under 1 MB');
    await min.selectOption({ label: '1 MB' });
    await page.getByText('No message found.').waitFor();
    assert.equal(await big.count(), 0, 'a message shown as 98x KB is not listed under "1 MB" minimum');
    await page.context().close();
  });

  test('the "mail service not answering" screen says why in words, not a raw error, and axe passes', async () => {
    const first = await signInPage(browser, base, karim);
    // A new tab of the same browser: signed in (cookie), but no boot data and no cached JMAP session.
    const page = await first.context().newPage();
    await page.route('**/api/me', async (r) => {
      const res = await r.fetch();
      const body = (await res.json()) as Record<string, unknown>;
      delete body.jmap;
      await r.fulfill({ response: res, json: body });
    });
    await page.route('**/.well-known/jmap', (r) => r.abort('connectionrefused'));
    await page.goto(`${base}/mail`);
    const card = page.getByRole('alert');
    await card.getByRole('heading', { name: 'La messagerie ne répond pas' }).waitFor();
    assert.equal(await card.locator('p').textContent(), 'Le serveur est injoignable. Vérifiez votre connexion, puis réessayez.');
    assert.equal(await card.getByRole('button', { name: 'Réessayer' }).isVisible(), true);
    assert.deepEqual(await axe(page), []);
    await first.context().close();
  });

  test('at 360 px the settings fit without horizontal scrolling', async () => {
    const page = await signInPage(browser, base, karim, {}, { width: 360, height: 740 });
    await page.goto(`${base}/parametres/affichage`);
    await page.getByRole('heading', { name: 'Affichage', level: 2 }).waitFor();
    assert.equal(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), true);
    await page.context().close();
  });
});
