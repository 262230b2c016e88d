/** Small webmail defects on the real server: Security heading, long attachment names, control border contrast (WCAG 2.1 SC 1.4.11), HTML turned off, preferences across tabs, translated required-field messages. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import type { Browser, Page } from 'playwright-core';
import type { TestApp } from './helpers/app.ts';
import { browserSuite } from './helpers/browser-suite.ts';
import { axe, hasChromium, launchLoopback, signInPage, TEST_PREFS } from './web-helpers.ts';

const LONG_NAME = 'Compte-rendu du conseil de classe de la sixième A du deuxième trimestre, avec les appréciations de chaque enseignant et les décisions.pdf';

describe('webmail polish: reading, settings, sign-in (browser, real server)', { skip: hasChromium ? false : 'chromium is not installed (/usr/bin/chromium)' }, () => {
  let app: TestApp;
  let browser: Browser;
  let base = '';
  browserSuite({}, (s) => ({ app, browser, base } = s));
  let tom: { id: number; address: string; password: string };

  before(async () => {
    tom = await app.account('Tom', 'Girard');
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: app.ports.smtp, secure: false, ignoreTLS: true });
    await t.sendMail({ from: 'Claire Martin <claire.martin@mairie.example>', to: tom.address, subject: 'Conseil de classe', text: 'Voici le compte-rendu.', attachments: [{ filename: LONG_NAME, content: Buffer.from('%PDF-1.4\n%%EOF\n'), contentType: 'application/pdf' }] });
    // HTML only (no text/plain part), written to do harm: scripts, handlers, trackers, remote CSS, a form, a deceptive link.
    await t.sendMail({
      from: 'Banque <alerte@banque.example>', to: tom.address, subject: 'Piège HTML',
      html: '<html><head><title>Titre caché</title><style>@import url(http://evil.example/x.css); body { background: url(http://evil.example/bg.png) }</style></head><body>'
        + '<p>Bonjour les <b>parents</b>,</p><script>alert(1)</script><img src="http://tracker.example/p.gif" onerror="alert(2)" alt="">'
        + '<p><a href="javascript:alert(3)">cliquez ici</a> ou <a href="http://evil.example/login">Votre banque</a></p>'
        + '<svg><image href="http://evil.example/s.png"/></svg><form action="http://evil.example/"><input name="x" value="secret"><button>Valider</button></form>'
        + '<div onmouseover="alert(4)" style="background:url(//evil.example/y.png)">Merci de votre confiance.</div></body></html>',
    });
    t.close();
  });

  async function open(page: Page, subject: string): Promise<void> {
    await page.locator('.row', { hasText: subject }).first().locator('.row-link').click();
    await page.getByRole('heading', { name: subject, level: 1 }).waitFor();
  }
  async function toSettings(page: Page, section: string): Promise<void> {
    await page.getByRole('link', { name: 'Paramètres' }).first().click();
    await page.getByRole('navigation', { name: 'Rubriques des paramètres' }).getByRole('link', { name: section }).click();
    await page.getByRole('heading', { name: section, level: 2 }).waitFor({ timeout: 5000 });
  }

  test('the Security tab has its "Sécurité" heading like the other sections; axe clean', async () => {
    const page = await signInPage(browser, base, tom);
    await toSettings(page, 'Sécurité');
    await page.getByRole('heading', { name: 'Conseils pour votre compte', level: 3 }).waitFor();
    assert.equal(await page.getByRole('heading', { level: 2 }).count(), 1, 'one h2: the section; its parts are h3');
    assert.deepEqual(await axe(page), []);
    await page.context().close();
  });

  test('a long attachment name is shown whole (wrapped, not cut), to the eye and in the download link\'s name; no sideways scrolling at 360 px', async () => {
    const page = await signInPage(browser, base, tom, {}, { width: 360, height: 740 });
    await open(page, 'Conseil de classe');
    const name = page.locator('.attachment .att-name');
    assert.equal((await name.textContent())?.trim(), LONG_NAME);
    const cut = await name.evaluate((e) => e.scrollWidth > e.clientWidth || (globalThis as any).getComputedStyle(e).textOverflow === 'ellipsis');
    assert.equal(cut, false, 'not cut with an ellipsis');
    assert.ok((await name.boundingBox())!.height > 30, 'wrapped over several lines');
    await page.getByRole('link', { name: `Télécharger ${LONG_NAME}` }).waitFor();
    assert.equal(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth <= (globalThis as any).innerWidth), true, 'no horizontal scrolling');
    assert.deepEqual(await axe(page), []);
    await page.context().close();
  });

  for (const scheme of ['light', 'dark'] as const) {
    test(`form controls' borders have 3:1 contrast against their surroundings (${scheme} scheme, WCAG 2.1 SC 1.4.11)`, async () => {
      const page = await signInPage(browser, base, tom, {}, undefined, { colorScheme: scheme });
      /** Contrast of the element's border against the first opaque background behind it. */
      const contrast = (sel: string) => page.locator(sel).first().evaluate((el) => {
        const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
        const lum = ([r, g, b]: number[]) => [r!, g!, b!].map((v) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; }).reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i]!, 0);
        let p = el.parentElement;
        let bg = 'rgb(255, 255, 255)';
        for (; p; p = p.parentElement) {
          const c = (globalThis as any).getComputedStyle(p).backgroundColor;
          if (!/rgba\(.*, 0\)$/.test(c) && c !== 'transparent') { bg = c; break; }
        }
        if (!p) bg = (globalThis as any).getComputedStyle((globalThis as any).document.body).backgroundColor;
        const [a, b] = [lum(rgb((globalThis as any).getComputedStyle(el).borderTopColor)), lum(rgb(bg))];
        return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      });
      const search = await contrast('#search-q');
      assert.ok(search >= 3, `search field ${search.toFixed(2)}:1`);
      await toSettings(page, 'Affichage');
      const select = await contrast('.settings select');
      assert.ok(select >= 3, `select on the page ${select.toFixed(2)}:1`);
      await page.context().close();
    });
  }

  test('HTML turned off, HTML-only hostile message: its text only, from the server-sanitised HTML; no dialog, no foreign request', async () => {
    const page = await signInPage(browser, base, tom, { preferHtml: false });
    const dialogs: string[] = [];
    const foreign: string[] = [];
    const host = new URL(base).host;
    page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
    page.on('request', (r) => { if (!r.url().startsWith('data:') && !r.url().startsWith('about:') && new URL(r.url()).host !== host) foreign.push(r.url()); });
    await open(page, 'Piège HTML');
    const frame = page.frameLocator('iframe[title="Contenu du message « Piège HTML »"]');
    await frame.locator('pre').waitFor();
    const text = (await frame.locator('body').innerText()).trim();
    assert.match(text, /Bonjour les parents,/);
    assert.match(text, /Votre banque <http:\/\/evil\.example\/login>/, 'a link shows where it goes');
    assert.match(text, /Merci de votre confiance\./);
    assert.doesNotMatch(text, /alert|@import|Titre caché|secret/, 'no script, style, title or form content');
    const tags = await frame.locator('body *').evaluateAll((els) => [...new Set(els.map((e) => e.tagName.toLowerCase()))].sort());
    assert.deepEqual(tags.filter((x) => x !== 'a'), ['pre'], `text only, got ${tags.join(',')}`);
    await frame.locator('pre').hover();
    await page.waitForTimeout(300);
    assert.deepEqual(dialogs, []);
    assert.deepEqual(foreign, []);
    await page.context().close();
  });

  test('a preference changed in one tab is followed by the other tab of the same browser', async () => {
    const one = await signInPage(browser, base, tom);
    const two = await one.context().newPage();
    await two.goto(`${base}/parametres/affichage`);
    await two.getByRole('heading', { name: 'Affichage', level: 2 }).waitFor();
    assert.equal(await two.getByRole('radio', { name: 'Compacte' }).isChecked(), false);
    await toSettings(one, 'Affichage');
    await one.getByRole('radio', { name: 'Compacte' }).check();
    await two.waitForFunction(() => ((globalThis as any).document.querySelector('input[name="density"][value="compact"]') as any)?.checked === true, null, { timeout: 5000 });
    await one.getByRole('checkbox', { name: /HTML/ }).uncheck();
    await two.waitForFunction(() => (Array.from((globalThis as any).document.querySelectorAll('label.check')) as any[]).find((l) => /HTML/.test(l.textContent ?? '')).querySelector('input').checked === false, null, { timeout: 5000 });
    await one.context().close();
  });

  for (const lang of ['fr', 'en'] as const) {
    test(`empty required fields on the sign-in pages get the page's own message (${lang}): alert, aria-invalid, focus`, async () => {
      const context = await browser.newContext({ locale: lang === 'fr' ? 'fr-FR' : 'en-GB', ignoreHTTPSErrors: true });
      await context.addInitScript((p) => { const g = globalThis as any; if (g.top === g.self) localStorage.setItem('preau.prefs', JSON.stringify(p)); }, TEST_PREFS);
      const page = await context.newPage();
      const w = lang === 'fr'
        ? { user: 'Identifiant', pass: 'Mot de passe', submit: 'Se connecter', needUser: 'Le champ « Identifiant » est à remplir.', needPass: 'Le champ « Mot de passe » est à remplir.', lost: 'Mot de passe perdu ?', send: 'Envoyer le lien' }
        : { user: 'Identifier', pass: 'Password', submit: 'Sign in', needUser: 'Please fill in “Identifier”.', needPass: 'Please fill in “Password”.', lost: 'Forgotten password?', send: 'Send the link' };
      let posts = 0;
      page.on('request', (r) => { if (r.method() === 'POST') posts++; });
      await page.goto(base);
      await page.locator('#login-user').waitFor();
      // The interface is French by default: switch with the page's own control.
      if (lang === 'en' && (await page.getByRole('button', { name: 'English' }).count())) await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('button', { name: w.submit }).click();
      await page.getByRole('alert').filter({ hasText: w.needUser }).waitFor({ timeout: 5000 });
      const user = page.getByLabel(w.user);
      assert.equal(await user.getAttribute('aria-invalid'), 'true');
      assert.match((await user.getAttribute('aria-describedby')) ?? '', /auth-error/);
      assert.equal(await user.evaluate((e) => e === (globalThis as any).document.activeElement), true, 'focus on the empty field');
      assert.deepEqual(await axe(page), []);
      await user.fill(tom.address);
      await page.keyboard.press('Enter');
      await page.getByRole('alert').filter({ hasText: w.needPass }).waitFor({ timeout: 5000 });
      assert.equal(await user.getAttribute('aria-invalid'), null, 'the filled field is no longer marked');
      assert.equal(await page.getByLabel(w.pass, { exact: true }).evaluate((e) => e === (globalThis as any).document.activeElement), true);
      assert.equal(posts, 0, 'nothing sent');
      await page.getByRole('link', { name: w.lost }).click();
      await page.getByRole('button', { name: w.send }).click();
      await page.getByRole('alert').filter({ hasText: w.needUser }).waitFor({ timeout: 5000 });
      assert.equal(await page.getByLabel(w.user).evaluate((e) => e === (globalThis as any).document.activeElement), true);
      assert.equal(posts, 0, 'nothing sent');
      await context.close();
    });
  }
});
