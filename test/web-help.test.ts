/** The help centre on the real server: every article, server names and ports and the support contact from the running configuration, French and English, axe, 360 px. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { TestApp } from './helpers/app.ts';
import { browserSuite } from './helpers/browser-suite.ts';
import { axe, hasChromium, launchLoopback, TEST_PREFS } from './web-helpers.ts';

const SUPPORT = 'Assistance DANE : assistance@ac-test.fr, 01 23 45 67 89';

describe('help centre (browser, real server)', { skip: hasChromium ? false : 'chromium is not installed (/usr/bin/chromium)' }, () => {
  let app: TestApp;
  let browser: Browser;
  let base = '';
  browserSuite({ supportContact: SUPPORT }, (s) => ({ app, browser, base } = s));

  async function page(path: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
    const context = await browser.newContext({ locale: 'fr-FR', viewport });
    await context.addInitScript((p) => localStorage.setItem('preau.prefs', JSON.stringify(p)), TEST_PREFS);
    const p = await context.newPage();
    await p.goto(base + path);
    return p;
  }
  const article = (p: Page) => p.getByRole('article');

  test('without signing in: every article, the support contact from the configuration, axe on each', async () => {
    const p = await page('/aide');
    await p.getByRole('heading', { name: 'Aide', level: 1 }).waitFor();
    const nav = p.getByRole('navigation', { name: /Sommaire|Contenu|Rubriques/ });
    const titles = (await nav.getByRole('link').allTextContents()).map((s) => s.trim());
    assert.equal(titles.length, 7, titles.join(' | '));
    assert.match((await p.locator('.support-box').textContent()) ?? '', new RegExp(SUPPORT.replace(/[.+]/g, '\\$&')));
    for (const title of titles) {
      await nav.getByRole('link', { name: title }).click();
      await article(p).getByRole('heading', { name: title }).waitFor();
      assert.deepEqual(await axe(p), [], `axe on "${title}"`);
    }
    await p.context().close();
  });

  test('Thunderbird and phones: the server name and ports this server runs with', async () => {
    const c = app!.ctx.config;
    const imapPort = String(c.imapsPort || c.imapPort);
    const smtpPort = String(c.submissionsPort || c.submissionPort);
    for (const path of ['/aide/thunderbird', '/aide/telephone']) {
      const p = await page(path);
      const text = (await article(p).textContent()) ?? '';
      assert.ok(text.includes(c.hostname), `${path}: ${c.hostname} in ${text}`);
      assert.ok(text.includes(imapPort), `${path}: IMAP port ${imapPort}`);
      assert.ok(text.includes(smtpPort), `${path}: SMTP port ${smtpPort}`);
      await p.context().close();
    }
  });

  test('common problems and their fixes are all there; the same in English', async () => {
    const p = await page('/aide/problemes');
    const fr = (await article(p).textContent()) ?? '';
    for (const want of [/Mot de passe oublié/, /Impossible de se connecter/, /Messagerie pleine/, /Message non reçu/, /Indésirables/, /règles de filtrage/, /Problème d’affichage/, /cache/, /autre navigateur/]) assert.match(fr, want);
    // English through the sign-in page's language switch, then back to the help.
    await p.goto(base + '/connexion');
    await p.getByRole('button', { name: 'English' }).click();
    await p.goto(base + '/aide/problemes');
    await p.getByRole('heading', { name: 'Help', level: 1 }).waitFor();
    const en = (await article(p).textContent()) ?? '';
    for (const want of [/[Ff]orgotten password/, /Junk/, /filter rules/, /cache/]) assert.match(en, want);
    assert.match((await p.locator('.support-box').textContent()) ?? '', /assistance@ac-test\.fr/);
    assert.deepEqual(await axe(p), []);
    await p.context().close();
  });

  test('at 360 px the help fits without horizontal scrolling', async () => {
    const p = await page('/aide/thunderbird', { width: 360, height: 740 });
    await article(p).waitFor();
    assert.equal(await p.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), true);
    await p.context().close();
  });
});
