/** Writing on the real server, recipients and bodies: reply-all (RFC 5322 §3.6.3) and its guard, forward with the original's attachments, Cc and Bcc (RFC 5322 §3.6.3: Bcc never shown), plain text only. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import type { TestApp } from './helpers/app.ts';
import { browserSuite } from './helpers/browser-suite.ts';
import { addAlias } from '../src/accounts/service.ts';
import { ingest } from '../src/mail/ingest.ts';
import type { AccountId } from '../src/store/ids.ts';
import { hasChromium, launchLoopback, settledValue, signInPage } from './web-helpers.ts';
import { addRecipient, chips, download, mixedMessage, received, waitReceived, type Who } from './web-compose-helpers.ts';

describe('writing: recipients and bodies (browser, real server)', { skip: hasChromium ? false : 'chromium is not installed (/usr/bin/chromium)' }, () => {
  let app: TestApp;
  let browser: Browser;
  let base = '';
  browserSuite({}, (s) => ({ app, browser, base } = s));
  let elodie: Who;
  let karim: Who;
  let sophie: Who;
  let marc: Who;

  before(async () => {
    elodie = await app.account('Élodie', 'Lefèvre');
    karim = await app.account('Karim', 'Benali');
    sophie = await app.account('Sophie', 'Durand');
    marc = await app.account('Marc', 'Petit');
  });

  /** Put a raw message in Élodie's inbox, as SMTP would. */
  const deliver = (raw: string) => ingest({ store: app!.ctx.store, blobs: app!.ctx.blobs }, { raw: Buffer.from(raw), targets: [{ account: elodie.id as AccountId }] });

  const open = async (page: Page, subject: string) => {
    await page.locator('.row-subject', { hasText: subject }).first().click();
    await page.getByRole('button', { name: 'Répondre à tous' }).first().waitFor();
  };

  test('reply-all: the sender in To, the others in Cc without me; past the threshold, a question that can be cancelled', async () => {
    // 18 more addresses (aliases of Sophie): with Karim and Sophie, the reply goes to 20 people.
    const more: string[] = [];
    for (let i = 1; i <= 18; i++) more.push(await addAlias(app!.ctx.store, sophie.address, `equipe${i}`));
    await deliver(mixedMessage({
      from: `Karim Benali <${karim.address}>`,
      to: [`Élodie Lefèvre <${elodie.address.toUpperCase()}>`, `Sophie Durand <${sophie.address}>`].join(', '),
      cc: more.join(', '),
      subject: 'Conseil de classe de 3e B', text: 'Qui peut venir jeudi ?', files: [],
    }));
    const page = await signInPage(browser, base, elodie);
    await open(page, 'Conseil de classe de 3e B');
    await page.getByRole('button', { name: 'Répondre à tous' }).first().click();
    await page.getByRole('heading', { name: 'Réponse' }).waitFor();
    assert.equal(await settledValue(page.getByLabel('Objet'), 'Re: Conseil de classe de 3e B'), 'Re: Conseil de classe de 3e B');
    assert.deepEqual(await chips(page, 'À'), ['Karim Benali']);
    const cc = await chips(page, 'Cc');
    assert.equal(cc.length, 19, `Cc: ${cc.join(', ')}`);
    assert.ok(cc.includes('Sophie Durand'));
    assert.ok(!cc.some((c) => /lef[eè]vre/i.test(c)), 'my own address is not in Cc (whatever its case)');

    await page.locator('.editor-area').click();
    await page.keyboard.type('Je serai là.');
    await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Répondre à tout le monde ?' });
    await dialog.waitFor();
    await dialog.getByText('Votre réponse partira à 20 personnes').waitFor();
    // Cancel: the question goes, the reply stays open with what was written.
    await dialog.getByRole('button', { name: 'Annuler' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText('Je serai là.').waitFor();
    assert.equal((await chips(page, 'Cc')).length, 19);
    await page.waitForTimeout(1500);
    assert.deepEqual(await received(base, karim, 'Re: Conseil de classe de 3e B'), [], 'nothing sent on cancel');

    await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await dialog.getByRole('button', { name: 'Oui, répondre à tous' }).click();
    await page.getByText('Message envoyé.').waitFor({ timeout: 15_000 });
    const [got] = await waitReceived(base, karim, 'Re: Conseil de classe de 3e B');
    assert.ok(got, 'Karim received the reply');
    assert.deepEqual(got.to?.map((a) => a.email), [karim.address]);
    assert.equal(got.cc?.length, 19);
    assert.ok(!got.cc?.some((a) => a.email.toLowerCase() === elodie.address));
    assert.ok(got.headers.some((h) => h.name.toLowerCase() === 'in-reply-to'), 'In-Reply-To (RFC 5322 §3.6.4)');
    assert.match(got.text, /Je serai là\./);
    await page.context().close();
  });

  test('forward: the original’s attachments come along, byte for byte, and the subject gets “Fwd:”', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(3000)]);
    const csv = Buffer.from('nom;note\nDupont;14\nMartin;16\n', 'utf8');
    await deliver(mixedMessage({
      from: 'Direction <direction@ac-test.fr>', to: elodie.address, subject: 'Emploi du temps',
      text: 'Voici les documents.', files: [{ name: 'emploi-du-temps.pdf', type: 'application/pdf', data: pdf }, { name: 'notes.csv', type: 'text/csv', data: csv }],
    }));
    const page = await signInPage(browser, base, elodie);
    await open(page, 'Emploi du temps');
    await page.getByRole('button', { name: 'Transférer' }).first().click();
    await page.getByRole('heading', { name: 'Transfert' }).waitFor();
    assert.equal(await settledValue(page.getByLabel('Objet'), 'Fwd: Emploi du temps'), 'Fwd: Emploi du temps');
    const list = page.getByRole('list', { name: 'Pièces jointes' });
    await list.getByText('emploi-du-temps.pdf').waitFor();
    await list.getByText('notes.csv').waitFor();
    await addRecipient(page, 'À', karim.address);
    await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await page.getByText('Message envoyé.').waitFor({ timeout: 15_000 });
    const [got] = await waitReceived(base, karim, 'Fwd: Emploi du temps');
    assert.ok(got, 'Karim received the forward');
    assert.match(got.text, /Message transféré/);
    assert.match(got.text, /Voici les documents\./);
    assert.deepEqual(got.attachments.map((a) => [a.name, a.type]), [['emploi-du-temps.pdf', 'application/pdf'], ['notes.csv', 'text/csv']]);
    assert.deepEqual(await download(base, karim, got.attachments[0]!.blobId), pdf, 'the PDF arrives with the same bytes');
    assert.deepEqual(await download(base, karim, got.attachments[1]!.blobId), csv, 'the CSV arrives with the same bytes');
    await page.context().close();
  });

  test('Cc and Bcc: the Cc recipient sees himself in Cc, the Bcc recipient receives it, nobody sees the Bcc address', async () => {
    const page = await signInPage(browser, base, elodie);
    await page.getByRole('button', { name: /Nouveau message/ }).click();
    await addRecipient(page, 'À', karim.address);
    await page.getByRole('button', { name: 'Ajouter Cc / Cci' }).click();
    await addRecipient(page, 'Cc', sophie.address);
    await addRecipient(page, 'Cci (copie cachée)', marc.address);
    await page.getByLabel('Objet').fill('Sortie au musée');
    await page.locator('.editor-area').click();
    await page.keyboard.type('Départ à 8 h.');
    await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await page.getByText('Message envoyé.').waitFor({ timeout: 15_000 });
    for (const who of [karim, sophie, marc]) {
      const [got] = await waitReceived(base, who, 'Sortie au musée');
      assert.ok(got, `${who.address} received it`);
      assert.deepEqual(got.to?.map((a) => a.email), [karim.address]);
      assert.deepEqual(got.cc?.map((a) => a.email), [sophie.address], `${who.address} sees Sophie in Cc`);
      assert.equal(got.bcc, null, `${who.address} sees no Bcc`);
      assert.ok(!got.headers.some((h) => h.name.toLowerCase() === 'bcc'), `no Bcc header at ${who.address}`);
      assert.ok(!got.headers.some((h) => h.value.toLowerCase().includes(marc.address)), `Marc’s address appears nowhere at ${who.address}`);
      assert.match(got.text, /Départ à 8 h\./);
    }
    await page.context().close();
  });

  test('plain text: the recipient gets text/plain only, with the text typed', async () => {
    const page = await signInPage(browser, base, elodie);
    await page.getByRole('button', { name: /Nouveau message/ }).click();
    await addRecipient(page, 'À', karim.address);
    await page.getByLabel('Objet').fill('Texte brut seulement');
    await page.getByRole('button', { name: 'Texte brut' }).click();
    const body = page.getByRole('textbox', { name: 'Texte du message' });
    await body.click();
    await body.pressSequentially('Bonjour,\n\nle cahier de textes est à jour.\n-- \nÉlodie');
    await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await page.getByText('Message envoyé.').waitFor({ timeout: 15_000 });
    const [got] = await waitReceived(base, karim, 'Texte brut seulement');
    assert.ok(got, 'Karim received it');
    assert.ok(!got.bodyTypes.includes('text/html'), `no text/html part: ${got.bodyTypes.join(', ')}`);
    assert.deepEqual(got.htmlTypes, ['text/plain']);
    assert.equal(got.text.replace(/\r\n/g, '\n').trimEnd(), 'Bonjour,\n\nle cahier de textes est à jour.\n-- \nÉlodie');
    await page.context().close();
  });
});
