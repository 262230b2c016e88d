/** Writing on the real server, around the message: identities and their signatures (RFC 8621 §6), upload checks against the quota (RFC 9425), scheduled send (RFC 8621 §7 sendAt, RFC 4865 FUTURERELEASE), accessibility and small screens. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { TestApp } from './helpers/app.ts';
import { browserSuite } from './helpers/browser-suite.ts';
import { addAlias } from '../src/accounts/service.ts';
import { axe, hasChromium, launchLoopback, mailState, settledValue, signInPage } from './web-helpers.ts';
import { addRecipient, jmapSubmission, received, waitReceived, type Who } from './web-compose-helpers.ts';

describe('writing: identities, uploads, scheduling (browser, real server)', { skip: hasChromium ? false : 'chromium is not installed (/usr/bin/chromium)' }, () => {
  let app: TestApp;
  let browser: Browser;
  let base = '';
  browserSuite({}, (s) => ({ app, browser, base } = s));
  let karim: Who;

  before(async () => {
    karim = await app.account('Karim', 'Benali');
  });

  const newMessage = async (page: Page) => {
    await page.getByRole('button', { name: /Nouveau message/ }).click();
    await page.getByRole('heading', { name: 'Nouveau message' }).waitFor();
  };
  const editorText = (page: Page) => page.locator('.editor-area').innerText();

  test('signatures: a new message starts with the identity’s signature; another From swaps it, keeping what was written', async () => {
    const nadia = await app!.account('Nadia', 'Roux');
    const cdi = await addAlias(app!.ctx.store, nadia.address, 'cdi');
    const got = await jmapSubmission(base, nadia, [['Identity/get', { ids: null }, 'g']]);
    const mine = got[0]![1].list[0].id as string;
    const set = await jmapSubmission(base, nadia, [['Identity/set', {
      update: { [mine]: { textSignature: 'Nadia Roux\nProfesseure documentaliste' } },
      create: { c: { name: 'CDI du collège', email: cdi, htmlSignature: '<p><strong>Le CDI</strong><br>Ouvert de 8 h à 17 h</p>' } },
    }, 's']]);
    assert.ok(set[0]![1].created?.c, JSON.stringify(set[0]));

    const page = await signInPage(browser, base, nadia);
    await newMessage(page);
    await page.waitForFunction(() => (globalThis as any).document.querySelector('.editor-area')?.innerText.includes('documentaliste'));
    await page.locator('.editor-area').focus();
    await page.keyboard.press('Control+Home');
    await page.keyboard.type('Bonjour à tous,');

    const from = page.getByLabel('De', { exact: true });
    await from.selectOption({ label: `CDI du collège <${cdi}>` });
    await page.waitForFunction(() => (globalThis as any).document.querySelector('.editor-area')?.innerText.includes('Le CDI'));
    let text = await editorText(page);
    assert.match(text, /Bonjour à tous,/, 'what was written stays');
    assert.match(text, /Ouvert de 8 h à 17 h/);
    assert.doesNotMatch(text, /documentaliste/, 'the previous signature is gone');

    await from.selectOption({ label: `Nadia Roux <${nadia.address}>` });
    await page.waitForFunction(() => (globalThis as any).document.querySelector('.editor-area')?.innerText.includes('documentaliste'));
    text = await editorText(page);
    assert.equal(text.match(/documentaliste/g)?.length, 1, 'one signature, not two');
    assert.doesNotMatch(text, /Le CDI/);
    assert.match(text, /Bonjour à tous,/);

    await from.selectOption({ label: `CDI du collège <${cdi}>` });
    await page.waitForFunction(() => (globalThis as any).document.querySelector('.editor-area')?.innerText.includes('Le CDI'));
    await addRecipient(page, 'À', karim.address);
    await page.getByLabel('Objet').fill('Horaires du CDI');
    await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await page.getByText('Message envoyé.').waitFor({ timeout: 15_000 });
    const [mail] = await waitReceived(base, karim, 'Horaires du CDI');
    assert.ok(mail, 'Karim received it');
    assert.deepEqual(mail.from?.map((a) => a.email), [cdi], 'sent from the chosen identity');
    assert.match(mail.text, /Bonjour à tous,/);
    assert.equal(mail.text.match(/Le CDI/g)?.length, 1);
    assert.doesNotMatch(mail.text, /documentaliste/);
    await page.context().close();
  });

  test('a file larger than the space left: a clear error next to it, no upload, and the message still goes', async () => {
    const paul = await app!.account('Paul', 'Martin', { quotaBytes: 200_000 });
    const page = await signInPage(browser, base, paul);
    const uploads: string[] = [];
    page.on('request', (r) => { if (r.url().includes('/jmap/upload')) uploads.push(r.url()); });
    await newMessage(page);
    await addRecipient(page, 'À', karim.address);
    await page.getByLabel('Objet').fill('Photos de la sortie');
    await page.locator('label', { hasText: 'Joindre un fichier' }).locator('input[type=file]').setInputFiles({ name: 'photos.zip', mimeType: 'application/zip', buffer: Buffer.alloc(300_000, 7) });
    const item = page.getByRole('list', { name: 'Pièces jointes' }).getByRole('listitem').filter({ hasText: 'photos.zip' });
    await item.getByRole('alert').filter({ hasText: 'Pas assez d’espace dans votre messagerie pour ce fichier.' }).waitFor();
    assert.deepEqual(uploads, [], 'nothing was uploaded');

    await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await page.getByText('Message envoyé.').waitFor({ timeout: 15_000 });
    const [mail] = await waitReceived(base, karim, 'Photos de la sortie');
    assert.ok(mail, 'the message went without the file');
    assert.deepEqual(mail.attachments, []);
    await page.context().close();
  });

  test('a full mailbox: the draft cannot be saved, the reason is said in French, and what was written stays', async () => {
    const ines = await app!.account('Inès', 'Garcia', { quotaBytes: 1500 });
    const page = await signInPage(browser, base, ines);
    await newMessage(page);
    await addRecipient(page, 'À', karim.address);
    await page.getByLabel('Objet').fill('Compte rendu');
    await page.locator('.editor-area').click();
    const long = 'Le conseil pédagogique a retenu trois projets. '.repeat(40);
    await page.keyboard.insertText(long);
    await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await page.locator('.toast.error').filter({ hasText: 'Le brouillon n’a pas pu être enregistré : votre messagerie est pleine : libérez de l’espace puis réessayez' }).waitFor();
    assert.equal(await settledValue(page.getByLabel('Objet'), 'Compte rendu'), 'Compte rendu');
    assert.equal((await editorText(page)).trim(), long.trim(), 'the text is still there');
    assert.deepEqual(await received(base, karim, 'Compte rendu'), []);
    await page.context().close();
  });

  test('scheduled send at a chosen time: not delivered now, the toast says when, the submission waits on the server', async () => {
    const luc = await app!.account('Luc', 'Moreau');
    const page = await signInPage(browser, base, luc);
    await newMessage(page);
    await addRecipient(page, 'À', karim.address);
    await page.getByLabel('Objet').fill('Réunion parents-professeurs');
    await page.locator('.editor-area').click();
    await page.keyboard.type('Rappel : jeudi à 18 h.');
    const at = new Date(Date.now() + 2 * 86400_000);
    at.setHours(10, 30, 0, 0);
    const p = (n: number) => String(n).padStart(2, '0');
    await page.getByText('Programmer…').click();
    await page.getByLabel('À une date précise').fill(`${at.getFullYear()}-${p(at.getMonth() + 1)}-${p(at.getDate())}T10:30`);
    await page.getByText(/^Envoi programmé le .*10:30/).waitFor();
    await page.getByRole('button', { name: 'Programmer l’envoi' }).click();
    // The toast, once the submission is made, says when it will leave.
    await page.locator('.toast').filter({ hasText: /Message programmé : il partira le .*10:30/ }).waitFor({ timeout: 10_000 });
    const r = await jmapSubmission(base, luc, [
      ['EmailSubmission/query', {}, 'q'],
      ['EmailSubmission/get', { '#ids': { resultOf: 'q', name: 'EmailSubmission/query', path: '/ids' } }, 'g'],
    ]);
    const subs = r[1]![1].list as { sendAt: string; undoStatus: string; envelope: { rcptTo: { email: string }[] } }[];
    assert.equal(subs.length, 1);
    assert.equal(subs[0]!.sendAt, at.toISOString().replace(/\.\d{3}Z$/, 'Z'), 'sendAt is the chosen time');
    assert.equal(subs[0]!.undoStatus, 'pending');
    assert.deepEqual(subs[0]!.envelope.rcptTo.map((a) => a.email), [karim.address]);
    await page.waitForTimeout(1500);
    assert.deepEqual(await received(base, karim, 'Réunion parents-professeurs'), [], 'not delivered now');

    // Called back from the toast: the submission is canceled, the message is a draft again and reopens.
    await page.locator('.toast').getByRole('button', { name: 'Annuler l’envoi' }).click();
    await page.locator('.toast').filter({ hasText: 'Envoi annulé : le message est revenu dans vos brouillons.' }).waitFor();
    await page.getByRole('heading', { name: 'Nouveau message' }).waitFor();
    assert.equal(await settledValue(page.getByLabel('Objet'), 'Réunion parents-professeurs'), 'Réunion parents-professeurs');
    await page.locator('.editor-area', { hasText: 'Rappel : jeudi à 18 h.' }).waitFor();
    const after = await jmapSubmission(base, luc, [['EmailSubmission/get', { ids: null }, 'g']]);
    assert.deepEqual(after[0]![1].list.map((x: { undoStatus: string }) => x.undoStatus), ['canceled']);
    const state = (await mailState(base, luc)).filter((m) => m.subject === 'Réunion parents-professeurs');
    assert.deepEqual(state.map((m) => [m.mailboxes, !!m.keywords.$draft]), [[['Drafts'], true]]);
    await page.context().close();
  });

  test('accessibility: the composer with Cc/Bcc open has no axe violation; at 360 × 740 nothing scrolls sideways', async () => {
    const zoe = await app!.account('Zoé', 'Lambert');
    const page = await signInPage(browser, base, zoe);
    await newMessage(page);
    await page.getByRole('button', { name: 'Ajouter Cc / Cci' }).click();
    await page.getByRole('combobox', { name: 'Cci (copie cachée)' }).waitFor();
    await addRecipient(page, 'À', karim.address);
    await addRecipient(page, 'Cc', 'parent.eleve@example.org');
    assert.deepEqual(await axe(page), []);
    await page.context().close();

    const small = await signInPage(browser, base, zoe, {}, { width: 360, height: 740 });
    await small.getByRole('button', { name: 'Menu des dossiers' }).click();
    await newMessage(small);
    await small.getByRole('button', { name: 'Ajouter Cc / Cci' }).click();
    await addRecipient(small, 'À', karim.address);
    await small.getByText('Programmer…').click();
    const widths = await small.evaluate(() => {
      const d = (globalThis as any).document;
      const c = d.querySelector('.composer');
      return { doc: d.documentElement.scrollWidth, view: d.documentElement.clientWidth, composer: c.scrollWidth, composerClient: c.clientWidth };
    });
    assert.ok(widths.doc <= widths.view, `page: ${JSON.stringify(widths)}`);
    assert.ok(widths.composer <= widths.composerClient, `composer: ${JSON.stringify(widths)}`);
    assert.deepEqual(await axe(small), []);
    await small.context().close();
  });
});
