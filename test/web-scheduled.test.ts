/** Scheduled send in the webmail on the real server: a message waiting to leave is marked in Sent and can be called back from its reader at any time (RFC 8621 §7 undoStatus, §7.5 onSuccessUpdateEmail on the cancel; RFC 4865 HOLDUNTIL); once released by the queue it shows as sent. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { startOutboundWorker, type OutboundWorker } from '../src/queue/index.ts';
import { axe, hasChromium, launchLoopback, mailState, settledValue, signInPage } from './web-helpers.ts';
import { addRecipient, jmapSubmission, received, waitReceived, type Who } from './web-compose-helpers.ts';

describe('scheduled send: marked in Sent, called back from the reader, released by the queue (browser, real server)', { skip: hasChromium ? false : 'chromium is not installed (/usr/bin/chromium)' }, () => {
  let app: TestApp | null = null;
  let worker: OutboundWorker | null = null;
  let browser: Browser;
  let base = '';
  let karim: Who;
  // The server's clock runs with the wall clock plus `ahead` ms: the release test moves it forward.
  let ahead = 0;

  before(async () => {
    app = await startTestApp({}, { clock: () => Date.now() + ahead });
    worker = startOutboundWorker(app.ctx, { autoStart: false });
    karim = await app.account('Karim', 'Benali');
    base = app.ctx.config.publicUrl.replace(/\/+$/, '');
    browser = await launchLoopback();
  });

  after(async () => {
    await browser?.close();
    await worker?.stop();
    await app?.stop();
  });

  const p2 = (n: number) => String(n).padStart(2, '0');
  const localInput = (d: Date) => `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}T${p2(d.getHours())}:${p2(d.getMinutes())}`;
  const hhmm = (d: Date) => `${p2(d.getHours())}:${p2(d.getMinutes())}`;

  /** Write to Karim and schedule the message for `at` (minute precision) from the composer. */
  async function schedule(page: Page, subject: string, text: string, at: Date) {
    await page.getByRole('button', { name: /Nouveau message/ }).click();
    await page.getByRole('heading', { name: 'Nouveau message' }).waitFor();
    await addRecipient(page, 'À', karim.address);
    await page.getByLabel('Objet').fill(subject);
    await page.locator('.editor-area').click();
    await page.keyboard.type(text);
    await page.getByText('Programmer…').click();
    await page.getByLabel('À une date précise').fill(localInput(at));
    await page.getByRole('button', { name: 'Programmer l’envoi' }).click();
    await page.locator('.toast').filter({ hasText: new RegExp(`Message programmé : il partira le .*${hhmm(at)}`) }).waitFor({ timeout: 10_000 });
  }

  /** Reload (nothing kept from the toast) and open Sent, once the page has asked which sends are pending. */
  async function sentAfterReload(page: Page) {
    const asked = page.waitForResponse((r) => r.url().includes('/jmap') && !!r.request().postData()?.includes('EmailSubmission/query'));
    await page.reload();
    await asked;
    await page.getByRole('navigation', { name: 'Dossiers' }).getByRole('link', { name: /Envoyés/ }).click();
    await page.getByRole('heading', { name: 'Envoyés', level: 1 }).waitFor();
  }
  const rowOf = (page: Page, subject: string) => page.locator('.row').filter({ hasText: subject });

  const submissions = async (who: Who) => (await jmapSubmission(base, who, [['EmailSubmission/get', { ids: null }, 'g']]))[0]![1].list as { undoStatus: string; sendAt: string }[];

  test('after a reload the message is marked “Programmé” in Sent; its reader says when it leaves and calls it back to Drafts', async () => {
    const luc = await app!.account('Luc', 'Moreau');
    const page = await signInPage(browser, base, luc);
    const at = new Date(Date.now() + 2 * 86400_000);
    at.setHours(10, 30, 0, 0);
    await schedule(page, 'Réunion parents-professeurs', 'Rappel : jeudi à 18 h.', at);

    await sentAfterReload(page);
    const row = rowOf(page, 'Réunion parents-professeurs');
    await row.getByText(/^Programmé : .*10:30$/).waitFor();
    assert.deepEqual(await axe(page), [], 'the list with the mark');

    await row.getByRole('link').click();
    const banner = page.getByRole('note').filter({ hasText: /Ce message n’est pas encore parti : il partira le .*10:30/ });
    await banner.waitFor();
    assert.deepEqual(await axe(page), [], 'the reader with the banner');
    assert.deepEqual(await received(base, karim, 'Réunion parents-professeurs'), [], 'not delivered');

    // Keyboard: the banner's button is reached and pressed like any button.
    await banner.getByRole('button', { name: 'Annuler l’envoi' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('.toast').filter({ hasText: 'Envoi annulé : le message est revenu dans vos brouillons.' }).waitFor();
    await page.getByRole('heading', { name: 'Nouveau message' }).waitFor();
    assert.equal(await settledValue(page.getByLabel('Objet'), 'Réunion parents-professeurs'), 'Réunion parents-professeurs');
    await page.locator('.editor-area', { hasText: 'Rappel : jeudi à 18 h.' }).waitFor();

    assert.deepEqual((await submissions(luc)).map((s) => s.undoStatus), ['canceled'], 'the submission is canceled on the server');
    const state = (await mailState(base, luc)).filter((m) => m.subject === 'Réunion parents-professeurs');
    assert.deepEqual(state.map((m) => [m.mailboxes, !!m.keywords.$draft]), [[['Drafts'], true]], 'a draft again, out of Sent');
    assert.deepEqual(await received(base, karim, 'Réunion parents-professeurs'), [], 'nothing delivered');
    await page.context().close();
  });

  test('when its time comes the queue releases it: Karim receives it, and Sent shows it as sent, without the mark or the banner', async () => {
    const lea = await app!.account('Léa', 'Dubois');
    const page = await signInPage(browser, base, lea);
    // The nearest time the composer schedules (more than a minute ahead, to the minute).
    const at = new Date(Date.now() + 3 * 60_000);
    at.setSeconds(0, 0);
    await schedule(page, 'Sortie au musée', 'Départ à 8 h 15.', at);
    await sentAfterReload(page);
    await rowOf(page, 'Sortie au musée').getByText(/^Programmé : /).waitFor();

    // Small screen: the mark fits, nothing scrolls sideways.
    const small = await signInPage(browser, base, lea, {}, { width: 360, height: 740 });
    await small.getByRole('button', { name: 'Menu des dossiers' }).click();
    await small.getByRole('navigation', { name: 'Dossiers' }).getByRole('link', { name: /Envoyés/ }).click();
    await rowOf(small, 'Sortie au musée').getByText(/^Programmé : /).waitFor();
    const widths = await small.evaluate(() => ({ doc: (globalThis as any).document.documentElement.scrollWidth, view: (globalThis as any).document.documentElement.clientWidth }));
    assert.ok(widths.doc <= widths.view, JSON.stringify(widths));
    await small.context().close();

    assert.equal(await worker!.runOnce(), 0, 'held until its time');
    ahead = at.getTime() - Date.now() + 1000;
    assert.equal(await worker!.runOnce(), 1, 'released at its time');
    const [mail] = await waitReceived(base, karim, 'Sortie au musée');
    assert.match(mail!.text, /Départ à 8 h 15\./);
    assert.deepEqual((await submissions(lea)).map((s) => s.undoStatus), ['final']);

    await sentAfterReload(page);
    const row = rowOf(page, 'Sortie au musée');
    await row.waitFor();
    assert.equal(await row.getByText(/Programmé/).count(), 0, 'no mark once sent');
    await row.getByRole('link').click();
    await page.locator('#reader-subject', { hasText: 'Sortie au musée' }).waitFor();
    assert.equal(await page.getByText(/pas encore parti/).count(), 0, 'no banner once sent');
    const state = (await mailState(base, lea)).filter((m) => m.subject === 'Sortie au musée');
    assert.deepEqual(state.map((m) => [m.mailboxes, !!m.keywords.$draft]), [[['Sent'], false]]);
    await page.context().close();
  });
});
