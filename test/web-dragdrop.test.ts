/** Drag and drop in the webmail on the real server: rows onto folders (HTML drag events), several at once, whole conversations, and the keyboard equivalent. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Locator, Page } from 'playwright-core';
import type { TestApp } from './helpers/app.ts';
import { browserSuite, mxSend } from './helpers/browser-suite.ts';
import { hasChromium, jmapRequest, launchLoopback, mailState, signInPage } from './web-helpers.ts';

describe('drag and drop (browser, real server)', { skip: hasChromium ? false : 'chromium is not installed (/usr/bin/chromium)' }, () => {
  let app: TestApp;
  let browser: Browser;
  let base = '';
  browserSuite({}, (s) => ({ app, browser, base } = s));
  let karim: { id: number; address: string; password: string };
  const FOLDER = 'Classe 4e B';

  const mx = (mail: Record<string, unknown>): Promise<void> => mxSend(app, { from: 'Claire Martin <claire.martin@mairie.example>', to: karim.address, text: 'Bonjour.', ...mail });

  before(async () => {
    karim = await app.account('Karim', 'Benali');
    for (const subject of ['Facture cantine', 'Sortie scolaire', 'Bulletin trimestriel', 'Réunion de rentrée', 'Clés du gymnase']) await mx({ subject });
    await mx({ subject: 'Voyage en Espagne', messageId: '<voyage-1@mairie.example>' });
    await mx({ subject: 'Re: Voyage en Espagne', messageId: '<voyage-2@mairie.example>', inReplyTo: '<voyage-1@mairie.example>', references: ['<voyage-1@mairie.example>'] });
    const r = await jmapRequest(base, karim, [['Mailbox/set', { create: { f: { name: FOLDER, parentId: null } } }, 'm']]);
    assert.ok(r[0]![1].created?.f, 'folder created');
  });

  const row = (page: Page, subject: string): Locator => page.locator('.row', { has: page.locator('.row-subject', { hasText: subject }) });
  const folder = (page: Page, name: string): Locator => page.locator('#folders-nav a.folder', { hasText: name });
  const where = async (subject: string) => (await mailState(base, karim)).filter((m) => m.subject === subject).map((m) => m.mailboxes);

  /** Press on the row, move over the folder (checking the highlight), release. */
  async function drag(page: Page, from: Locator, to: Locator): Promise<void> {
    await from.locator('.row-subject').hover();
    await page.mouse.down();
    const box = (await to.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
    await page.mouse.move(box.x + box.width / 2 + 2, box.y + box.height / 2, { steps: 2 });
    assert.match((await to.getAttribute('class')) ?? '', /\bdrop\b/, 'the folder under the pointer is highlighted');
    await page.mouse.up();
  }

  test('drag one message onto a folder: it leaves the list, the folder counts it, the server has moved it', async () => {
    const page = await signInPage(browser, base, karim);
    await row(page, 'Facture cantine').waitFor();
    assert.equal(await folder(page, FOLDER).locator('.badge').count(), 0, 'the folder starts empty');
    await drag(page, row(page, 'Facture cantine'), folder(page, FOLDER));
    await page.getByText('Message déplacé.').waitFor();
    await row(page, 'Facture cantine').waitFor({ state: 'detached' });
    await folder(page, FOLDER).locator('.badge', { hasText: '1 non lu' }).waitFor();
    assert.deepEqual(await where('Facture cantine'), [[FOLDER]]);
    // The folder shows it.
    await folder(page, FOLDER).click();
    await row(page, 'Facture cantine').waitFor();
    await page.context().close();
  });

  test('drag several selected messages at once', async () => {
    const page = await signInPage(browser, base, karim);
    await row(page, 'Sortie scolaire').waitFor();
    await row(page, 'Sortie scolaire').getByRole('checkbox').check();
    await row(page, 'Bulletin trimestriel').getByRole('checkbox').check();
    await drag(page, row(page, 'Bulletin trimestriel'), folder(page, 'Archives'));
    await page.getByText('2 messages déplacés.').waitFor();
    await row(page, 'Sortie scolaire').waitFor({ state: 'detached' });
    await row(page, 'Bulletin trimestriel').waitFor({ state: 'detached' });
    assert.deepEqual(await where('Sortie scolaire'), [['Archive']]);
    assert.deepEqual(await where('Bulletin trimestriel'), [['Archive']]);
    assert.deepEqual(await where('Réunion de rentrée'), [['INBOX']], 'an unselected message stays');
    await page.context().close();
  });

  test('in the conversation view, dragging a conversation moves all its messages', async () => {
    const page = await signInPage(browser, base, karim, { conversations: true });
    await row(page, 'Voyage en Espagne').waitFor();
    await drag(page, row(page, 'Voyage en Espagne'), folder(page, FOLDER));
    await page.getByText('2 messages déplacés.').waitFor();
    await row(page, 'Voyage en Espagne').waitFor({ state: 'detached' });
    assert.deepEqual(await where('Voyage en Espagne'), [[FOLDER]]);
    assert.deepEqual(await where('Re: Voyage en Espagne'), [[FOLDER]]);
    await page.context().close();
  });

  test('keyboard equivalent: select with the keyboard, then "Déplacer vers…"', async () => {
    const page = await signInPage(browser, base, karim);
    await row(page, 'Réunion de rentrée').waitFor();
    await row(page, 'Réunion de rentrée').getByRole('checkbox').focus();
    await page.keyboard.press('Space');
    const move = page.locator('.list-head').getByRole('combobox', { name: 'Déplacer vers…' });
    await move.focus();
    await move.selectOption({ label: FOLDER });
    await page.getByText('Message déplacé.').waitFor();
    await row(page, 'Réunion de rentrée').waitFor({ state: 'detached' });
    assert.deepEqual(await where('Réunion de rentrée'), [[FOLDER]]);
    await page.context().close();
  });
});
