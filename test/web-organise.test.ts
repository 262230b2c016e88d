/** Organising mail in the webmail on the real server: copy (RFC 8621 §4.3 mailboxIds patch), flag ($flagged, §4.1.1), junk and back, Shift+click ranges, the "?" shortcuts dialog. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Locator, Page } from 'playwright-core';
import type { TestApp } from './helpers/app.ts';
import { browserSuite, mxSend } from './helpers/browser-suite.ts';
import { axe, hasChromium, jmapRequest, launchLoopback, mailState, signInPage } from './web-helpers.ts';

describe('organising mail (browser, real server)', { skip: hasChromium ? false : 'chromium is not installed (/usr/bin/chromium)' }, () => {
  let app: TestApp;
  let browser: Browser;
  let base = '';
  browserSuite({}, (s) => ({ app, browser, base } = s));
  let karim: { id: number; address: string; password: string };
  const FOLDER = 'Projets';

  const mx = (mail: Record<string, unknown>): Promise<void> => mxSend(app, { from: 'Claire Martin <claire.martin@mairie.example>', to: karim.address, text: 'Bonjour.', ...mail });

  before(async () => {
    karim = await app.account('Karim', 'Benali');
    for (const subject of ['Copie du budget', 'Étoile du jour', 'Offre suspecte', 'Lot 1', 'Lot 2', 'Lot 3', 'Lot 4', 'Lot 5']) await mx({ subject });
    const r = await jmapRequest(base, karim, [['Mailbox/set', { create: { f: { name: FOLDER, parentId: null } } }, 'm']]);
    assert.ok(r[0]![1].created?.f, 'folder created');
  });

  const row = (page: Page, subject: string): Locator => page.locator('.row', { has: page.locator('.row-subject', { hasText: subject }) });
  const where = async (subject: string) => (await mailState(base, karim)).find((m) => m.subject === subject)!;
  const toolbar = (page: Page) => page.locator('.reader-toolbar');
  /** A toast with this text appears; it is closed then, so that the next identical one can be awaited. */
  async function toastSays(page: Page, text: string): Promise<void> {
    const t = page.locator('.toast', { hasText: text });
    await t.waitFor();
    await t.getByRole('button', { name: 'Fermer' }).click();
  }
  async function open(page: Page, subject: string): Promise<void> {
    await row(page, subject).locator('.row-link').click();
    await page.getByRole('heading', { name: subject, level: 1 }).waitFor();
  }

  test('copy a message to another folder: it is in both, the toast says so, it stays in the list', async () => {
    const page = await signInPage(browser, base, karim);
    await open(page, 'Copie du budget');
    await toolbar(page).getByLabel('Copier vers…').selectOption({ label: FOLDER });
    await toastSays(page, 'Message copié.');
    // A copy leaves the message where it is: the reader stays open.
    await page.getByRole('heading', { name: 'Copie du budget', level: 1 }).waitFor();
    assert.deepEqual((await where('Copie du budget')).mailboxes.sort(), ['INBOX', FOLDER].sort());
    // A copy is not a move: the message stays in the inbox list.
    await row(page, 'Copie du budget').waitFor();
    await page.locator('#folders-nav a.folder', { hasText: FOLDER }).click();
    await row(page, 'Copie du budget').waitFor();
    await page.context().close();
  });

  test('flag and unflag with the button and the "s" key: the star in the row, $flagged on the server', async () => {
    const page = await signInPage(browser, base, karim);
    await open(page, 'Étoile du jour');
    const star = row(page, 'Étoile du jour').locator('.flag');
    // The button (it sits behind "Plus" on a phone, visible on a desktop).
    await toolbar(page).getByRole('button', { name: 'Suivre', exact: true }).click();
    await toastSays(page, 'Message suivi.');
    await star.waitFor();
    assert.equal((await where('Étoile du jour')).keywords.$flagged, true);
    // The open message stays open and its button now says the opposite.
    await page.getByRole('heading', { name: 'Étoile du jour', level: 1 }).waitFor();
    await toolbar(page).getByRole('button', { name: 'Ne plus suivre' }).waitFor();
    // "s" toggles back.
    await page.locator('body').press('s');
    await toastSays(page, 'Suivi retiré.');
    await star.waitFor({ state: 'detached' });
    assert.equal((await where('Étoile du jour')).keywords.$flagged, undefined);
    await page.locator('body').press('s');
    await toastSays(page, 'Message suivi.');
    await star.waitFor();
    assert.equal((await where('Étoile du jour')).keywords.$flagged, true);
    // From a checked row (no message open), "s" unflags a selection that is all flagged, and the
    // list's button says so.
    await page.locator('body').press('u');
    await row(page, 'Étoile du jour').getByRole('checkbox').check();
    await page.locator('.list-head').getByRole('button', { name: 'Ne plus suivre' }).waitFor();
    await page.locator('body').press('s');
    await toastSays(page, 'Suivi retiré.');
    await star.waitFor({ state: 'detached' });
    assert.equal((await where('Étoile du jour')).keywords.$flagged, undefined);
    await page.context().close();
  });

  test('a failed action says why in the user\'s words: no raw "Failed to fetch" nor server type', async () => {
    const page = await signInPage(browser, base, karim);
    await open(page, 'Lot 5');
    // The network drops the change; then the server refuses it with a SetError type.
    await page.route('**/jmap/api', (r) => (r.request().postData()?.includes('Email/set') ? r.abort('internetdisconnected') : r.fallback()));
    await toolbar(page).getByRole('button', { name: 'Suivre' }).click();
    await toastSays(page, 'L’action a échoué : le serveur est injoignable (vérifiez votre connexion)');
    await page.unroute('**/jmap/api');
    await page.route('**/jmap/api', async (r) => {
      if (!r.request().postData()?.includes('Email/set')) return r.fallback();
      await r.fulfill({ contentType: 'application/json', body: JSON.stringify({ methodResponses: [['error', { type: 'forbidden', description: 'raw English detail' }, '0']], sessionState: 'x' }) });
    });
    await toolbar(page).getByRole('button', { name: 'Suivre' }).click();
    await toastSays(page, 'L’action a échoué : vous n’avez pas le droit de faire cela');
    assert.equal(await page.getByText(/Failed to fetch|raw English detail|forbidden/).count(), 0);
    await page.context().close();
  });

  test('"Indésirable" moves to Junk; from Junk, "Pas indésirable" brings it back to the inbox', async () => {
    const page = await signInPage(browser, base, karim);
    await open(page, 'Offre suspecte');
    await toolbar(page).getByRole('button', { name: 'Indésirable', exact: true }).click();
    await toastSays(page, 'Message classé indésirable.');
    await row(page, 'Offre suspecte').waitFor({ state: 'detached' });
    assert.deepEqual((await where('Offre suspecte')).mailboxes, ['Junk']);
    await page.locator('#folders-nav a.folder', { hasText: 'Indésirables' }).click();
    await open(page, 'Offre suspecte');
    await toolbar(page).getByRole('button', { name: 'Pas indésirable' }).click();
    await toastSays(page, 'Message remis dans la boîte de réception.');
    await row(page, 'Offre suspecte').waitFor({ state: 'detached' });
    assert.deepEqual((await where('Offre suspecte')).mailboxes, ['INBOX']);
    await page.locator('#folders-nav a.folder', { hasText: 'Boîte de réception' }).click();
    await row(page, 'Offre suspecte').waitFor();
    await page.context().close();
  });

  test('Shift+click selects a range; archiving moves every message of it', async () => {
    const page = await signInPage(browser, base, karim);
    await row(page, 'Lot 5').waitFor();
    await row(page, 'Lot 5').getByRole('checkbox').click();
    await row(page, 'Lot 2').getByRole('checkbox').click({ modifiers: ['Shift'] });
    for (const s of ['Lot 5', 'Lot 4', 'Lot 3', 'Lot 2']) assert.equal(await row(page, s).getByRole('checkbox').isChecked(), true, `${s} checked`);
    assert.equal(await row(page, 'Lot 1').getByRole('checkbox').isChecked(), false);
    await page.locator('.list-head').getByRole('button', { name: 'Archiver' }).click();
    await toastSays(page, '4 messages archivés.');
    for (const s of ['Lot 2', 'Lot 3', 'Lot 4', 'Lot 5']) {
      await row(page, s).waitFor({ state: 'detached' });
      assert.deepEqual((await where(s)).mailboxes, ['Archive'], s);
    }
    assert.deepEqual((await where('Lot 1')).mailboxes, ['INBOX']);
    await page.context().close();
  });

  test('the "?" shortcuts dialog: axe, Escape closes it, the focus returns where it was', async () => {
    const page = await signInPage(browser, base, karim);
    const link = row(page, 'Lot 1').locator('.row-link');
    await link.focus();
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Raccourcis clavier' });
    await dialog.waitFor();
    assert.equal(await dialog.getByRole('cell', { name: 'Suivre / ne plus suivre' }).count(), 1);
    assert.deepEqual(await axe(page), [], 'axe with the dialog open');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await link.evaluate((e) => e === (globalThis as any).document.activeElement), true, 'focus back on the row');
    await page.context().close();
  });
});
