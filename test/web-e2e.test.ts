/** Webmail against the whole server (src/app.ts): write to a colleague who receives it, search, archive, delete, a hostile mail from the Internet. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { axe, CHROMIUM, hasChromium, TEST_PREFS } from './web-helpers.ts';
import { chromium } from 'playwright-core';
import { generateSync } from 'otplib';

describe('webmail on the real server', { skip: hasChromium ? false : 'chromium is not installed (/usr/bin/chromium)' }, () => {
  let app: TestApp | null = null;
  let browser: Browser;
  let base = '';
  let elodie: { address: string; password: string };
  let karim: { address: string; password: string };

  before(async () => {
    app = await startTestApp();
    assert.ok(app.ports.http > 0 && app.ports.smtp > 0, 'the app serves HTTP and SMTP');
    elodie = await app.account('Élodie', 'Lefèvre');
    karim = await app.account('Karim', 'Benali');
    base = app.ctx.config.publicUrl.replace(/\/+$/, '');
    // Every host name resolves to loopback, so the configured publicUrl (and its Origin) works.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--host-resolver-rules=MAP * 127.0.0.1'],
    });
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  async function signedIn(who: { address: string; password: string }): Promise<{ page: Page; dialogs: string[]; foreign: string[]; framed: string[] }> {
    const context = await browser.newContext({ locale: 'fr-FR', ignoreHTTPSErrors: true });
    await context.addInitScript((prefs) => localStorage.setItem('preau.prefs', JSON.stringify(prefs)), TEST_PREFS);
    const page = await context.newPage();
    const dialogs: string[] = [];
    const foreign: string[] = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
    page.on('request', (r) => { const u = new URL(r.url()); if (/^https?:$/.test(u.protocol) && u.origin !== new URL(base).origin) foreign.push(r.url()); });
    // Requests of frames other than the page itself (mail bodies, the code-cache frame).
    const framed: string[] = [];
    page.on('request', (r) => { if (r.frame() !== page.mainFrame() && /^https?:/.test(r.url())) framed.push(new URL(r.url()).pathname); });
    await page.goto(base);
    await page.getByLabel('Identifiant').fill(who.address);
    await page.getByLabel('Mot de passe').fill(who.password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('heading', { name: 'Boîte de réception' }).waitFor();
    return { page, dialogs, foreign, framed };
  }

  test('Élodie writes to Karim, who receives, finds, archives and deletes it', async (t) => {
    const { page } = await signedIn(elodie);
    assert.deepEqual(await axe(page), []);
    await page.getByRole('button', { name: /Nouveau message/ }).click();
    const to = page.getByRole('combobox', { name: 'À' });
    await to.fill(karim.address);
    await to.press('Enter');
    await page.getByLabel('Objet').fill('Conseil pédagogique de mardi');
    await page.locator('.editor-area').click();
    await page.keyboard.type('Bonjour Karim, voici l’ordre du jour.');
    await page.locator('input[type=file]').first().setInputFiles({ name: 'ordre-du-jour.txt', mimeType: 'text/plain', buffer: Buffer.from('1. Projets\n2. Sorties\n') });
    await page.locator('.uploads li').filter({ hasText: 'ordre-du-jour.txt' }).waitFor();
    await page.locator('.uploads progress').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await page.getByText('Message envoyé.').waitFor({ timeout: 15_000 });

    const k = await signedIn(karim);
    await k.page.getByText('Conseil pédagogique de mardi').first().waitFor({ timeout: 15_000 });
    await k.page.getByRole('searchbox', { name: 'Rechercher dans les messages' }).fill('pédagogique');
    await k.page.keyboard.press('Enter');
    await k.page.locator('.row-subject', { hasText: 'Conseil pédagogique de mardi' }).click();
    await k.page.frameLocator('iframe.mail-frame').getByText('voici l’ordre du jour').waitFor();
    const link = k.page.getByRole('link', { name: /Télécharger ordre-du-jour\.txt/ });
    const res = await k.page.request.get(new URL((await link.getAttribute('href'))!, base).toString());
    assert.equal(res.status(), 200);
    assert.equal(await res.text(), '1. Projets\n2. Sorties\n');
    await k.page.locator('body').press('e');
    await k.page.getByText('Message archivé.').waitFor();
    await k.page.getByRole('link', { name: /Archives/ }).click();
    await k.page.locator('.row-subject', { hasText: 'Conseil pédagogique de mardi' }).click();
    await k.page.locator('body').press('#');
    await k.page.getByText('Message mis à la corbeille.').waitFor();
  });

  test('a hostile mail from the Internet is shown without running or loading anything', async (t) => {
    const mx = nodemailer.createTransport({ host: '127.0.0.1', port: app!.ports.smtp, secure: false, ignoreTLS: true });
    await mx.sendMail({
      from: 'Service RH <rh@evil.example>',
      to: karim.address,
      subject: 'Mise à jour de votre dossier',
      html: `<p>Bonjour</p><script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">ici</a>
        <svg><script>alert(4)</script></svg><img src="https://tracker.evil.example/p.gif"><div style="background:url(https://evil.example/b.png)">x</div>`,
    });
    const k = await signedIn(karim);
    await k.page.getByText('Mise à jour de votre dossier').first().click();
    await k.page.frameLocator('iframe.mail-frame').getByText('Bonjour').waitFor();
    await k.page.waitForTimeout(300);
    assert.deepEqual(k.dialogs, []);
    assert.deepEqual(k.foreign, []);
    assert.deepEqual(await axe(k.page), []);
    // Beyond the sanitiser: the document in the frame cannot run anything at all (its sandbox has
    // no allow-scripts), whatever gets into it, and it carries the strict CSP of html.ts.
    const frame = await k.page.evaluate(() => {
      const d = (globalThis as any).document.querySelector('iframe.mail-frame').contentDocument;
      const s = d.createElement('script');
      s.textContent = 'window.top.__ranInMail = true';
      d.body.append(s);
      const img = d.createElement('img');
      img.setAttribute('onerror', 'window.top.__ranInMail = true');
      img.src = 'data:,nope';
      d.body.append(img);
      return { csp: d.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content ?? '', sandbox: d.defaultView.frameElement.getAttribute('sandbox') };
    });
    await k.page.waitForTimeout(200);
    assert.equal(await k.page.evaluate('window.__ranInMail ?? false'), false, 'no script runs in the mail document');
    assert.match(frame.csp, /script-src 'none'/);
    assert.doesNotMatch(/img-src [^;]*/.exec(frame.csp)?.[0] ?? 'missing', /https:|missing/, 'remote images not allowed by default');
    assert.doesNotMatch(frame.sandbox, /allow-scripts/);
    assert.deepEqual(k.dialogs, []);
  });

  test('two-factor: enrol with the QR page, then sign in with a recovery code', async (t) => {
    const { page } = await signedIn(elodie);
    await page.goto(`${base}/parametres/securite`);
    await page.getByRole('button', { name: 'Activer avec une application' }).click();
    await page.locator('img.qr').waitFor();
    assert.deepEqual(await axe(page), []);
    const secret = ((await page.locator('code.secret').textContent()) ?? '').replace(/\s/g, '');
    await page.getByLabel('Saisissez le code à 6 chiffres affiché par l’application').fill(generateSync({ secret }));
    await page.getByRole('button', { name: 'Activer', exact: true }).click();
    await page.locator('.codes li').first().waitFor();
    const recovery = ((await page.locator('.codes li').first().textContent()) ?? '').trim();
    await page.getByRole('button', { name: 'Se déconnecter', exact: true }).first().click();
    await page.getByLabel('Identifiant').fill(elodie.address);
    await page.getByLabel('Mot de passe').fill(elodie.password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('button', { name: 'Utiliser un code de secours' }).click();
    await page.getByLabel('Code de secours').fill(recovery);
    await page.getByRole('button', { name: 'Vérifier' }).click();
    await page.getByRole('heading', { name: 'Boîte de réception' }).waitFor();
  });

  test('the open row follows the open message; Back and Forward move between opened messages', async () => {
    const lea = await app!.account('Léa', 'Moreau');
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: app!.ports.smtp, secure: false, ignoreTLS: true });
    for (const subject of ['Conseil de classe de 3e B', 'Sortie au musée']) await t.sendMail({ from: 'claire.martin@mairie.example', to: lea.address, subject, text: `Bonjour, ${subject}.` });
    t.close();
    const { page } = await signedIn(lea);
    const current = page.locator('.row-link[aria-current="true"] .row-subject');
    const openOne = async (subject: string) => {
      await page.locator('.row-subject', { hasText: subject }).click();
      await page.getByRole('heading', { name: subject, level: 1 }).waitFor();
    };
    await openOne('Conseil de classe de 3e B');
    await page.waitForURL(/\/mail\/[^/]+\/[^/]+$/);
    const first = page.url();
    assert.deepEqual(await current.allTextContents(), ['Conseil de classe de 3e B']);
    await openOne('Sortie au musée');
    await page.waitForURL((u) => u.href !== first);
    // The row opened before is no longer marked (rows re-render when their own state changes).
    assert.deepEqual(await current.allTextContents(), ['Sortie au musée']);
    // Each opening left its history entry (written after the paint).
    await page.goBack();
    await page.getByRole('heading', { name: 'Conseil de classe de 3e B', level: 1 }).waitFor();
    assert.equal(page.url(), first);
    assert.deepEqual(await current.allTextContents(), ['Conseil de classe de 3e B']);
    await page.goForward();
    await page.getByRole('heading', { name: 'Sortie au musée', level: 1 }).waitFor();
    await page.context().close();
  });

  test('when new mail shifts the list, the focused row keeps its message', async () => {
    const noe = await app!.account('Noé', 'Girard');
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: app!.ports.smtp, secure: false, ignoreTLS: true });
    const send = (subject: string) => t.sendMail({ from: 'claire.martin@mairie.example', to: noe.address, subject, text: `Bonjour, ${subject}.` });
    for (const subject of ['Cantine de lundi', 'Photos de classe']) await send(subject);
    const { page } = await signedIn(noe);
    const focused = () => page.evaluate(() => (globalThis as any).document.activeElement?.getAttribute('aria-label') ?? null);
    await page.getByRole('checkbox', { name: 'Sélectionner « Cantine de lundi »' }).focus();
    // New mail arrives (JMAP push): every row moves down by one.
    await send('Conseil d’école');
    await page.locator('.row-subject', { hasText: 'Conseil d’école' }).waitFor();
    assert.equal(await focused(), 'Sélectionner « Cantine de lundi »', 'the focus stays on the same message');
    await page.keyboard.press('Space');
    assert.deepEqual(await page.locator('.row.checked .row-subject').allTextContents(), ['Cantine de lundi']);
    t.close();
    await page.context().close();
  });

  test('once per build, a hidden frame runs the scripts again for the code cache, without rendering or asking the server', async () => {
    const page404 = await fetch(`${base}/_code-cache`, { headers: { accept: 'text/html' } });
    assert.equal(page404.status, 200);
    assert.match(page404.headers.get('content-security-policy') ?? '', /frame-ancestors 'self'/);
    assert.equal(page404.headers.get('x-frame-options'), 'SAMEORIGIN');
    assert.match(await page404.text(), /<script type="module"[^>]*src="\/assets\//);
    // Every other page still refuses to be framed.
    assert.match((await fetch(`${base}/mail`)).headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);

    const { page, framed, dialogs } = await signedIn(karim);
    await page.waitForFunction(() => performance.getEntriesByName('preau:code-cache').length > 0, undefined, { timeout: 15_000 });
    assert.ok(framed.includes('/_code-cache'), `the frame loaded: ${framed.join(' ')}`);
    // Only the page and its scripts and styles: no /api/me, no JMAP request from the frame.
    assert.deepEqual(framed.filter((p) => p !== '/_code-cache' && !p.startsWith('/assets/')), []);
    assert.match(String(await page.evaluate(`localStorage.getItem('preau.codeCache')`)), /\/assets\/.+\.js$/);
    assert.deepEqual(dialogs, []);
    // The next load of the same build does not run it again.
    framed.length = 0;
    await page.reload();
    await page.getByRole('heading', { name: 'Boîte de réception' }).waitFor();
    await page.waitForTimeout(2500);
    assert.ok(!framed.includes('/_code-cache'), 'not run again for the same build');
    await page.context().close();
  });
});
