/** Lost password without a recovery address: the helpdesk's one-time code typed on the lost-password page; the rate limit said, not hidden. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { TestApp } from './helpers/app.ts';
import { browserSuite } from './helpers/browser-suite.ts';
import { Client } from './helpers/auth.ts';
import type { AuthDeps } from '../src/auth/index.ts';
import { axe, hasChromium, launchLoopback, TEST_PREFS } from './web-helpers.ts';

describe('lost password, helpdesk code (browser, real server)', { skip: hasChromium ? false : 'chromium is not installed (/usr/bin/chromium)' }, () => {
  let app: TestApp;
  let browser: Browser;
  let base = '';
  browserSuite({}, (s) => ({ app, browser, base } = s));

  async function fresh(path: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
    const context = await browser.newContext({ locale: 'fr-FR', viewport });
    await context.addInitScript((p) => localStorage.setItem('preau.prefs', JSON.stringify(p)), TEST_PREFS);
    const page = await context.newPage();
    await page.goto(base + path);
    return page;
  }

  function client(): Client {
    const c = new Client(base);
    c.origin = base;
    return c;
  }

  test('the code from the helpdesk sets a new password once; a wrong code is said clearly', async () => {
    const sam = await app!.account('Sam', 'Oubli');
    const agent = await app!.account('Alex', 'Assistance', { role: 'helpdesk' });
    const a = client();
    assert.equal((await a.login(agent.address, agent.password)).status, 200);
    const issued = await a.post('/api/helpdesk/reset-code', { address: sam.address });
    assert.equal(issued.status, 200, JSON.stringify(issued.body));
    const code = issued.body.code as string;

    for (const viewport of [{ width: 1280, height: 800 }, { width: 360, height: 740 }]) {
      const page = await fresh('/connexion/mot-de-passe-perdu', viewport);
      await page.getByLabel('Identifiant').fill('sam.oubli');
      await page.getByRole('button', { name: 'J’ai un code de l’assistance' }).click();
      await page.getByRole('heading', { name: 'Code de l’assistance', level: 1 }).waitFor();
      assert.equal(await page.getByLabel('Identifiant').inputValue(), 'sam.oubli', 'the identifier follows');
      assert.deepEqual(await axe(page), []);
      const [scroll, inner] = (await page.evaluate('[document.documentElement.scrollWidth, innerWidth]')) as number[];
      assert.ok(scroll <= inner, `${scroll}px in ${inner}px`);
      await page.context().close();
    }

    const page = await fresh('/connexion/mot-de-passe-perdu');
    await page.getByRole('button', { name: 'J’ai un code de l’assistance' }).click();
    await page.getByLabel('Identifiant').fill('sam.oubli');
    await page.getByLabel('Code à usage unique').fill('ABCD-EFGH-IJKL');
    await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('hibou gris sous la lune');
    await page.getByLabel('Confirmez le nouveau mot de passe').fill('hibou gris sous la lune');
    await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
    assert.match((await page.getByRole('alert').textContent())!, /^Ce code n’est pas valable pour cet identifiant/);
    assert.equal(await page.getByLabel('Nouveau mot de passe', { exact: true }).inputValue(), 'hibou gris sous la lune', 'nothing typed is lost');
    await page.getByLabel('Code à usage unique').fill(code.toLowerCase());
    await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
    await page.getByRole('status').filter({ hasText: 'Votre mot de passe est changé.' }).waitFor();
    assert.equal((await client().login('sam.oubli', sam.password)).body.code, 'invalid-credentials');
    assert.equal((await client().login('sam.oubli', 'hibou gris sous la lune')).body.status, 'ok');
    // Used once: the same code again is refused.
    const again = await client().post('/api/password/reset', { identifier: 'sam.oubli', code, newPassword: 'renard roux dans la neige' });
    assert.equal(again.body.code, 'invalid-token');
    await page.getByRole('link', { name: 'Retour à la connexion' }).click();
    await page.getByRole('heading', { name: 'Connexion à votre messagerie', level: 1 }).waitFor();
    await page.context().close();
  });

  test('too many lost-password requests: the page says to wait instead of claiming a link was sent', async () => {
    // Each request counts for its identifier (docs/security.md); past the allowance the delays
    // double. Counted here straight into the shared limiter, so the delay (a minute) outlasts the test.
    const { limiter } = app!.ctx.auth as AuthDeps;
    for (let i = 0; i < 12; i++) limiter.fail(['reset:lea.presse']);
    assert.equal((await client().post('/api/password/forgot', { identifier: 'lea.presse' })).status, 429);
    const page = await fresh('/connexion/mot-de-passe-perdu');
    await page.getByLabel('Identifiant').fill('lea.presse');
    await page.getByRole('button', { name: 'Envoyer le lien' }).click();
    assert.equal(await page.getByRole('alert').textContent(), 'Trop de tentatives. Patientez quelques instants avant de réessayer.');
    assert.equal(await page.getByRole('status').count(), 0);
    assert.equal(await page.getByLabel('Identifiant').inputValue(), 'lea.presse');
    await page.context().close();
  });
});
