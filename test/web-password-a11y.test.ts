/** Sign-in pages in the browser on the real server: axe, 360 px wide without horizontal scrolling, keyboard, English. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { generateSync } from 'otplib';
import type { TestApp } from './helpers/app.ts';
import { browserSuite } from './helpers/browser-suite.ts';
import { createAccount } from '../src/accounts/service.ts';
import { Client } from './helpers/auth.ts';
import { axe, hasChromium, launchLoopback, TEST_PREFS } from './web-helpers.ts';

const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 800 };

describe('sign-in pages: accessibility and language (browser, real server)', { skip: hasChromium ? false : 'chromium is not installed (/usr/bin/chromium)' }, () => {
  let app: TestApp;
  let browser: Browser;
  let base = '';
  browserSuite({}, (s) => ({ app, browser, base } = s));

  async function fresh(path: string, viewport: { width: number; height: number }): Promise<Page> {
    const context = await browser.newContext({ locale: 'fr-FR', viewport });
    await context.addInitScript((p) => localStorage.setItem('preau.prefs', JSON.stringify(p)), TEST_PREFS);
    const page = await context.newPage();
    await page.goto(base + path);
    return page;
  }

  /** No axe violation, and no horizontal scrolling (meaningful at 360 px). */
  async function check(page: Page, what: string): Promise<void> {
    assert.deepEqual(await axe(page), [], `axe: ${what}`);
    const [scroll, inner] = (await page.evaluate('[document.documentElement.scrollWidth, innerWidth]')) as number[];
    assert.ok(scroll <= inner, `${what}: ${scroll}px wide in a ${inner}px window`);
  }

  async function signIn(page: Page, identifier: string, password: string): Promise<void> {
    await page.getByLabel('Identifiant').fill(identifier);
    await page.getByLabel('Mot de passe', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
  }

  for (const viewport of [DESKTOP, PHONE]) {
    test(`sign-in, lost-password and reset pages at ${viewport.width} px`, async () => {
      const page = await fresh('/', viewport);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await check(page, 'sign-in');
      // A refused sign-in shows its message; the page stays clean.
      await signIn(page, 'personne.inconnue', 'pas le bon mot de passe');
      await page.getByRole('alert').filter({ hasText: 'Identifiant ou mot de passe incorrect.' }).waitFor();
      await check(page, 'sign-in with an error');
      await page.getByRole('link', { name: 'Mot de passe perdu ?' }).click();
      await page.getByRole('heading', { name: 'Mot de passe perdu', level: 1 }).waitFor();
      await check(page, 'lost password');
      await page.getByLabel('Identifiant').fill('personne.inconnue');
      await page.getByRole('button', { name: 'Envoyer le lien' }).click();
      await page.getByRole('status').waitFor();
      await check(page, 'lost password, sent');
      await page.goto(base + '/reset-password#token=' + 'A'.repeat(43));
      await page.getByRole('heading', { name: 'Nouveau mot de passe', level: 1 }).waitFor();
      await check(page, 'reset');
      await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('lanterne rouge au port');
      await page.getByLabel('Confirmez le nouveau mot de passe').fill('lanterne rouge au port');
      await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
      await page.getByRole('alert').waitFor();
      await check(page, 'reset, refused link');
      await page.context().close();
    });
  }

  test('the change-password screen and the second-factor step pass axe at both widths', async () => {
    const anne = await createAccount(app!.ctx.store, { domain: app!.domain, firstName: 'Anne', lastName: 'Provisoire' });
    // Two-factor turned on over the API, as a user would on the security page.
    const totp = await app!.account('Théo', 'Double');
    const c = new Client(base);
    c.origin = base;
    assert.equal((await c.login(totp.address, totp.password)).status, 200);
    const setup = await c.post('/api/security/totp/setup', {});
    const conf = await c.post('/api/security/totp/confirm', { code: generateSync({ secret: setup.body.secret }) });
    assert.equal(conf.status, 200, JSON.stringify(conf.body));
    const recovery = conf.body.recoveryCodes as string[];
    let used = 0;
    for (const viewport of [DESKTOP, PHONE]) {
      const p = await fresh('/', viewport);
      await signIn(p, anne.address, anne.oneTimePassword!);
      await p.getByRole('heading', { name: 'Choisissez un nouveau mot de passe' }).waitFor();
      await check(p, `change password at ${viewport.width}px`);
      await p.getByRole('button', { name: 'Changer le mot de passe' }).click();
      await p.getByLabel('Mot de passe actuel').fill(anne.oneTimePassword!);
      await p.getByLabel('Nouveau mot de passe', { exact: true }).fill('court');
      await p.getByLabel('Confirmez le nouveau mot de passe').fill('court');
      await p.getByRole('button', { name: 'Changer le mot de passe' }).click();
      await p.getByRole('alert').waitFor();
      await check(p, `change password with an error at ${viewport.width}px`);
      await p.context().close();

      const q = await fresh('/', viewport);
      await signIn(q, totp.address, totp.password);
      await q.getByRole('heading', { name: 'Vérification en deux étapes' }).waitFor();
      await check(q, `second factor at ${viewport.width}px`);
      await q.getByRole('button', { name: 'Utiliser un code de secours' }).click();
      await check(q, `second factor, recovery code at ${viewport.width}px`);
      // Keyboard only: the code field, then Enter.
      await q.getByLabel('Code de secours').focus();
      await q.keyboard.type(recovery[used++]!);
      await q.keyboard.press('Enter');
      await q.getByRole('heading', { name: 'Boîte de réception' }).waitFor();
      await q.context().close();
    }
  });

  test('sign-in by keyboard alone', async () => {
    const kim = await app!.account('Kim', 'Clavier');
    const page = await fresh('/', DESKTOP);
    await page.getByRole('heading', { level: 1 }).waitFor();
    // The heading holds the focus on arrival: the next Tab reaches the identifier.
    assert.equal(await page.evaluate('document.activeElement?.tagName'), 'H1');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement?.id'), 'login-user');
    await page.keyboard.type(kim.address);
    await page.keyboard.press('Tab');
    await page.keyboard.type(kim.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Boîte de réception' }).waitFor();
    await page.context().close();
  });

  test('in English: the sign-in and lost-password pages', async () => {
    const page = await fresh('/', DESKTOP);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Sign in to your mail', level: 1 }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.getByRole('link', { name: 'Forgotten password?' }).click();
    await page.getByRole('heading', { name: 'Forgotten password', level: 1 }).waitFor();
    await page.getByLabel('Identifier').fill('nobody.here');
    await page.getByRole('button', { name: 'Send the link' }).click();
    assert.match((await page.getByRole('status').textContent())!, /^If this account exists/);
    await check(page, 'lost password in English');
    await page.getByRole('link', { name: 'Back to sign-in' }).click();
    await page.getByRole('heading', { name: 'Sign in to your mail', level: 1 }).waitFor();
    // The choice stays for the next visit.
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in to your mail', level: 1 }).waitFor();
    await page.context().close();
  });
});
