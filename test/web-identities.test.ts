/** Settings › Identities and signatures on the real server (RFC 8621 §6 Identity/set): name, reply-to and signature; an identity for an alias; someone else's address refused; removal. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { addAlias } from '../src/accounts/service.ts';
import type { TestApp } from './helpers/app.ts';
import { browserSuite } from './helpers/browser-suite.ts';
import { jmapSubmission } from './web-compose-helpers.ts';
import { axe, hasChromium, signInPage } from './web-helpers.ts';

describe('identities and signatures (browser, real server)', { skip: hasChromium ? false : 'chromium is not installed (/usr/bin/chromium)' }, () => {
  let app: TestApp;
  let browser: Browser;
  let base = '';
  browserSuite({}, (s) => ({ app, browser, base } = s));

  test('edit name, reply-to and signature; add an identity for an alias, not for a colleague’s address; remove it', async () => {
    const nadia = await app.account('Nadia', 'Roux');
    const karim = await app.account('Karim', 'Benali');
    const cdi = await addAlias(app.ctx.store, nadia.address, 'cdi');
    const identities = async () => (await jmapSubmission(base, nadia, [['Identity/get', { ids: null }, 'g']]))[0]![1].list as { id: string; name: string; email: string; replyTo: { email: string }[] | null; textSignature: string }[];

    const page = await signInPage(browser, base, nadia);
    await page.goto(base + '/parametres/signatures');
    await page.getByRole('heading', { name: 'Identités et signatures', level: 2 }).waitFor();
    const mine = page.getByRole('form', { name: nadia.address });
    await mine.getByLabel('Nom affiché').fill('Nadia Roux (documentaliste)');
    await mine.getByLabel('Répondre à (facultatif)').fill('pas-une-adresse');
    await mine.getByRole('button', { name: 'Enregistrer' }).click();
    await mine.getByRole('alert').filter({ hasText: 'n’est pas une adresse électronique valide' }).waitFor();
    assert.equal((await identities())[0]!.name, 'Nadia Roux', 'nothing saved while the form is wrong');
    await mine.getByLabel('Répondre à (facultatif)').fill(cdi);
    await mine.getByLabel(`Signature pour ${nadia.address}`).fill('Nadia Roux\nProfesseure documentaliste');
    await mine.getByRole('button', { name: 'Enregistrer' }).click();
    await page.locator('.toast', { hasText: 'Enregistré.' }).waitFor();
    const saved = (await identities())[0]!;
    assert.equal(saved.name, 'Nadia Roux (documentaliste)');
    assert.deepEqual(saved.replyTo?.map((a) => a.email), [cdi]);
    assert.equal(saved.textSignature, 'Nadia Roux\nProfesseure documentaliste');

    // A new identity: an incomplete address, then a colleague's, are refused with a clear message.
    const add = page.getByRole('form', { name: 'Ajouter une identité' });
    await add.getByLabel('Adresse').fill('cdi');
    await add.getByRole('button', { name: 'Ajouter' }).click();
    await add.getByRole('alert').filter({ hasText: 'Saisissez une adresse électronique complète' }).waitFor();
    await add.getByLabel('Adresse').fill(karim.address);
    await add.getByRole('button', { name: 'Ajouter' }).click();
    await add.getByRole('alert').filter({ hasText: 'Vous ne pouvez envoyer qu’avec votre adresse et ses alias' }).waitFor();
    assert.equal((await identities()).length, 1);
    await add.getByLabel('Adresse').fill(cdi);
    await add.getByLabel('Nom affiché').fill('CDI du collège');
    await add.getByRole('button', { name: 'Ajouter' }).click();
    await page.locator('.toast', { hasText: `Identité ${cdi} ajoutée.` }).waitFor();
    await page.getByRole('form', { name: cdi }).waitFor();
    assert.deepEqual((await identities()).map((i) => [i.email, i.name]), [[nadia.address, 'Nadia Roux (documentaliste)'], [cdi, 'CDI du collège']]);
    assert.deepEqual(await axe(page), []);

    await page.getByRole('form', { name: cdi }).getByRole('button', { name: `Supprimer l’identité ${cdi}` }).click();
    await page.locator('.toast', { hasText: `Identité ${cdi} supprimée.` }).waitFor();
    assert.equal(await page.getByRole('form', { name: cdi }).count(), 0);
    assert.deepEqual((await identities()).map((i) => i.email), [nadia.address]);
    await page.context().close();
  });
});
