/** Sign-in pages in the browser on the real server: forced password change, lost password and reset link, shared computer. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { TestApp } from './helpers/app.ts';
import { browserSuite } from './helpers/browser-suite.ts';
import { createAccount } from '../src/accounts/service.ts';
import { Client } from './helpers/auth.ts';
import { axe, hasChromium, jmapRequest, launchLoopback, settledValue, TEST_PREFS } from './web-helpers.ts';

describe('sign-in pages (browser, real server)', { skip: hasChromium ? false : 'chromium is not installed (/usr/bin/chromium)' }, () => {
  let app: TestApp;
  let browser: Browser;
  let base = '';
  browserSuite({}, (s) => ({ app, browser, base } = s));

  async function fresh(path = '/', viewport = { width: 1280, height: 800 }): Promise<Page> {
    const context = await browser.newContext({ locale: 'fr-FR', viewport });
    await context.addInitScript((p) => localStorage.setItem('preau.prefs', JSON.stringify(p)), TEST_PREFS);
    const page = await context.newPage();
    await page.goto(base + path);
    return page;
  }

  async function signIn(page: Page, identifier: string, password: string): Promise<void> {
    await page.getByLabel('Identifiant').fill(identifier);
    await page.getByLabel('Mot de passe', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
  }

  /** The sign-in answer over the API (as a script would do it): status or problem code. */
  async function apiLogin(identifier: string, password: string): Promise<string> {
    const c = new Client(base);
    c.origin = base;
    const r = await c.login(identifier, password);
    return r.status === 200 ? r.body.status : r.body.code;
  }

  test('one-time password: the change screen refuses a short, a mismatched and a weak password in French, then the inbox', async () => {
    const r = await createAccount(app!.ctx.store, { domain: app!.domain, firstName: 'Anne', lastName: 'Provisoire' });
    const otp = r.oneTimePassword!;
    assert.ok(otp);
    const page = await fresh();
    await signIn(page, r.address, otp);
    await page.getByRole('heading', { name: 'Choisissez un nouveau mot de passe' }).waitFor();
    const alert = page.getByRole('alert');
    const fill = async (current: string, next: string, confirm: string) => {
      await page.getByLabel('Mot de passe actuel').fill(current);
      await page.getByLabel('Nouveau mot de passe', { exact: true }).fill(next);
      await page.getByLabel('Confirmez le nouveau mot de passe').fill(confirm);
      await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
    };
    await fill(otp, 'court', 'court');
    assert.equal(await alert.textContent(), 'Le mot de passe doit contenir au moins 12 caractères.');
    await fill(otp, 'girafe bleue du mardi', 'girafe bleue du jeudi');
    assert.equal(await alert.textContent(), 'Les deux mots de passe ne sont pas identiques.');
    await fill(otp, 'azerty123456', 'azerty123456');
    await alert.filter({ hasText: /courant|fréquent|connu/i }).waitFor();
    // Nothing typed is lost after a refusal.
    assert.equal(await page.getByLabel('Nouveau mot de passe', { exact: true }).inputValue(), 'azerty123456');
    await fill(otp, 'girafe bleue du mardi', 'girafe bleue du mardi');
    await page.getByRole('heading', { name: 'Boîte de réception' }).waitFor();
    await page.context().close();

    assert.equal(await apiLogin(r.address, otp), 'invalid-credentials', 'the one-time password is gone');
    const again = await fresh();
    await signIn(again, r.address, 'girafe bleue du mardi');
    await again.getByRole('heading', { name: 'Boîte de réception' }).waitFor();
    await again.context().close();
  });

  test('lost password: same neutral answer for any identifier; the link in the recovery mailbox works once', async () => {
    const luc = await app!.account('Luc', 'Perdu');
    // The recovery address is another local account, so the mail can be read over JMAP.
    const box = await app!.account('Boite', 'Secours');
    // Luc sets it on his security page (password required; his own mailbox is refused).
    const me = await fresh();
    await signIn(me, luc.address, luc.password);
    await me.getByRole('heading', { name: 'Boîte de réception' }).waitFor();
    await me.goto(base + '/parametres/securite');
    const section = me.getByRole('region', { name: 'Adresse de secours' });
    await section.getByText('Aucune adresse de secours').waitFor();
    const field = section.getByLabel('Adresse de secours (personnelle)');
    await field.fill(luc.address);
    await section.getByLabel('Mot de passe actuel').fill(luc.password);
    await section.getByRole('button', { name: 'Enregistrer' }).click();
    await section.getByRole('alert').filter({ hasText: 'Choisissez une autre adresse que celle de votre messagerie' }).waitFor();
    await field.fill(box.address);
    await section.getByLabel('Mot de passe actuel').fill('pas le bon mot de passe');
    await section.getByRole('button', { name: 'Enregistrer' }).click();
    await section.getByRole('alert').waitFor();
    assert.doesNotMatch((await section.getByRole('alert').textContent()) ?? '', /Choisissez une autre/);
    await section.getByLabel('Mot de passe actuel').fill(luc.password);
    await section.getByRole('button', { name: 'Enregistrer' }).click();
    await me.locator('.toast', { hasText: 'Adresse de secours enregistrée.' }).waitFor();
    await section.getByText(`Adresse de secours actuelle : ${box.address}`).waitFor();
    assert.equal(await settledValue(field, box.address), box.address);
    assert.deepEqual(await axe(me), []);
    await me.context().close();

    const page = await fresh('/connexion');
    await page.getByRole('link', { name: 'Mot de passe perdu ?' }).click();
    await page.getByRole('heading', { name: 'Mot de passe perdu', level: 1 }).waitFor();
    await page.getByLabel('Identifiant').fill('personne.inconnue');
    await page.getByRole('button', { name: 'Envoyer le lien' }).click();
    const unknown = await page.getByRole('status').textContent();
    await page.goto(base + '/connexion/mot-de-passe-perdu');
    await page.getByLabel('Identifiant').fill('luc.perdu');
    await page.getByRole('button', { name: 'Envoyer le lien' }).click();
    assert.equal(await page.getByRole('status').textContent(), unknown, 'no account enumeration');
    assert.match(unknown!, /Si ce compte existe/);

    const link = await resetLink(box);
    assert.ok(link.startsWith(base + '/reset-password#token='), link);
    await page.goto(link);
    await page.getByRole('heading', { name: 'Nouveau mot de passe', level: 1 }).waitFor();
    await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('lanterne rouge au port');
    await page.getByLabel('Confirmez le nouveau mot de passe').fill('lanterne rouge au port');
    await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
    await page.getByRole('status').filter({ hasText: 'Votre mot de passe est changé.' }).waitFor();
    assert.equal(await apiLogin('luc.perdu', luc.password), 'invalid-credentials');
    assert.equal(await apiLogin('luc.perdu', 'lanterne rouge au port'), 'ok');

    // The same link a second time.
    await page.goto(base + '/connexion');
    await page.goto(link);
    await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('phare blanc sur la falaise');
    await page.getByLabel('Confirmez le nouveau mot de passe').fill('phare blanc sur la falaise');
    await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
    assert.equal(await page.getByRole('alert').textContent(), 'Ce lien n’est plus valable. Demandez-en un nouveau.');
    assert.equal(await page.getByLabel('Nouveau mot de passe', { exact: true }).inputValue(), 'phare blanc sur la falaise', 'nothing typed is lost');
    assert.equal(await apiLogin('luc.perdu', 'lanterne rouge au port'), 'ok');
    await page.context().close();
  });

  test('an unknown, truncated or missing reset token gets a clear message, and a way to ask again', async () => {
    const invalid = 'Ce lien n’est plus valable. Demandez-en un nouveau.';
    // Well-formed but unknown (as an expired one): refused when sent.
    const page = await fresh('/reset-password#token=' + 'A'.repeat(43));
    await page.getByRole('heading', { name: 'Nouveau mot de passe', level: 1 }).waitFor();
    await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('lanterne rouge au port');
    await page.getByLabel('Confirmez le nouveau mot de passe').fill('lanterne rouge au port');
    await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
    assert.equal(await page.getByRole('alert').textContent(), invalid);
    await page.context().close();
    // Cut by a mail reader, or without a token at all: said at once, nothing to type in vain.
    for (const hash of ['#token=abc', '']) {
      const p = await fresh('/reset-password' + hash);
      await p.getByRole('heading', { name: 'Nouveau mot de passe', level: 1 }).waitFor();
      assert.equal(await p.getByRole('alert').textContent(), invalid, `token ${JSON.stringify(hash)}`);
      assert.equal(await p.getByLabel('Nouveau mot de passe', { exact: true }).count(), 0);
      await p.getByRole('link', { name: 'Demander un nouveau lien' }).click();
      await p.getByRole('heading', { name: 'Mot de passe perdu', level: 1 }).waitFor();
      await p.context().close();
    }
    // docs/api.md: the API answers `invalid-token` for any token it does not know, whatever its shape.
    for (const token of ['abc', '', 'x'.repeat(43)]) {
      const r = await fetch(base + '/api/password/reset', { method: 'POST', headers: { origin: base, 'content-type': 'application/json' }, body: JSON.stringify({ token, newPassword: 'lanterne rouge au port' }) });
      assert.equal(r.status, 400);
      assert.equal(((await r.json()) as { code: string }).code, 'invalid-token', `token ${JSON.stringify(token)}`);
    }
  });

  test('shared computer: a session cookie (no expiry); otherwise a persistent one', async () => {
    const eve = await app!.account('Ève', 'Partage');
    for (const shared of [true, false]) {
      const page = await fresh();
      await page.getByLabel('Identifiant').fill(eve.address);
      await page.getByLabel('Mot de passe', { exact: true }).fill(eve.password);
      if (shared) await page.getByLabel('Ordinateur partagé').check();
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.getByRole('heading', { name: 'Boîte de réception' }).waitFor();
      const cookie = (await page.context().cookies()).find((k) => k.name === 'preau_session');
      assert.ok(cookie, 'session cookie set');
      assert.ok(cookie.httpOnly);
      if (shared) assert.equal(cookie.expires, -1, 'dies with the browser');
      else assert.ok(cookie.expires > Date.now() / 1000 + 3600, `persistent: ${cookie.expires}`);
      await page.context().close();
    }
  });

  /** The reset link from the mail delivered to the recovery mailbox (read over JMAP). */
  async function resetLink(box: { id: number; address: string; password: string }): Promise<string> {
    for (let i = 0; i < 100; i++) {
      const r = await jmapRequest(base, box, [
        ['Email/query', { filter: { subject: 'Réinitialisation' } }, 'q'],
        ['Email/get', { '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' }, properties: ['textBody', 'bodyValues'], fetchTextBodyValues: true }, 'g'],
      ]);
      const list = r[1]![1].list as { bodyValues: Record<string, { value: string }> }[];
      const text = list.flatMap((e) => Object.values(e.bodyValues).map((v) => v.value)).join('\n');
      const m = /https?:\/\/\S+\/reset-password#token=[A-Za-z0-9_-]+/.exec(text);
      if (m) return m[0];
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error('no reset mail in the recovery mailbox');
  }
});
