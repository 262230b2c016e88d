/** Webmail reading pane on the real server: remote images (ask, once, always for a sender, never for phishing), protection banners (external sender; SPF RFC 7208 / DMARC RFC 7489 failure), attachments. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import nodemailer from 'nodemailer';
import type { Browser, Page } from 'playwright-core';
import { emptyResolver, freePort, startTestApp, type TestApp } from './helpers/app.ts';
import { axe, hasChromium, jmapRequest, launchLoopback, mailState, signInPage } from './web-helpers.ts';

/** A 2×1 PNG (red, blue). */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAAD0lEQVR4nGP4z8DAwPAfAAcAAf9+CLHQAAAAAElFTkSuQmCC', 'base64');

describe('reading pane (browser, real server)', { skip: hasChromium ? false : 'chromium is not installed (/usr/bin/chromium)' }, () => {
  let app: TestApp | null = null;
  let browser: Browser;
  let base = '';
  let karim: { id: number; address: string; password: string };
  let images: Server;
  let imgBase = '';
  /** Paths the remote image host was asked for. */
  const fetched: string[] = [];
  const partner = 'Lucie Petit <lucie.petit@partenaire.example>';
  const colleague = 'Nadia Roux <nadia.roux@ac-test.fr>';

  async function mx(mail: Record<string, unknown>): Promise<void> {
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: app!.ports.smtp, secure: false, ignoreTLS: true });
    await t.sendMail({ to: karim.address, ...mail });
    t.close();
  }

  /** Internal mail: submitted by an authenticated colleague over JMAP (RFC 8621 §7.5 EmailSubmission/set). */
  async function sendInternal(who: { id: number; address: string; password: string }, subject: string, text: string): Promise<void> {
    const accountId = `a${who.id}`;
    const call = async (methodCalls: [string, Record<string, unknown>, string][]) => {
      const r = await fetch(`${base}/jmap/api`, {
        method: 'POST',
        headers: { authorization: 'Basic ' + Buffer.from(`${who.address}:${who.password}`).toString('base64'), 'content-type': 'application/json' },
        body: JSON.stringify({ using: ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail', 'urn:ietf:params:jmap:submission'], methodCalls: methodCalls.map(([n, a, id]) => [n, { accountId, ...a }, id]) }),
      });
      return ((await r.json()) as { methodResponses: [string, any, string][] }).methodResponses;
    };
    const [ident, boxes] = await call([['Identity/get', {}, 'i'], ['Mailbox/get', { ids: null, properties: ['id', 'role'] }, 'm']]);
    const drafts = (boxes![1].list as { id: string; role: string }[]).find((b) => b.role === 'drafts')!.id;
    const r = await call([
      ['Email/set', { create: { d: { mailboxIds: { [drafts]: true }, from: [{ email: who.address }], to: [{ email: karim.address }], subject, textBody: [{ partId: '1', type: 'text/plain' }], bodyValues: { '1': { value: text } } } } }, 'e'],
      ['EmailSubmission/set', { create: { s: { identityId: ident![1].list[0].id, emailId: '#d' } } }, 's'],
    ]);
    assert.ok(r[1]![1].created?.s, JSON.stringify(r));
  }

  before(async () => {
    // DNS as the outside world would publish it (RFC 7208 §4, RFC 7489 §6.1): fraude.example only
    // sends from 192.0.2.44, so mail from loopback fails SPF, hence DMARC (p=none: still delivered).
    const resolver = emptyResolver({
      'TXT:fraude.example': [['v=spf1 ip4:192.0.2.44 -all']],
      'TXT:_dmarc.fraude.example': [['v=DMARC1; p=none']],
    });
    app = await startTestApp({}, { resolver });
    karim = await app.account('Karim', 'Benali');
    base = app.ctx.config.publicUrl.replace(/\/+$/, '');
    const port = await freePort();
    images = createServer((req, res) => {
      fetched.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'no-store' });
      res.end(PNG);
    });
    await new Promise<void>((r) => images.listen(port, '127.0.0.1', r));
    // Any host name resolves to loopback in the browser (launchLoopback).
    imgBase = `http://images.partenaire.example:${port}`;
    await mx({ from: partner, subject: 'Lettre 1', html: `<p>Bonjour, voici notre logo.</p><img src="${imgBase}/logo-1.png" alt="Logo du partenaire" width="40" height="20">` });
    await mx({ from: partner, subject: 'Lettre 2', html: `<p>Deuxième lettre.</p><img src="${imgBase}/logo-2.png" alt="Logo du partenaire" width="40" height="20">` });
    // Internal mail is submitted by an authenticated colleague (RFC 8621 §7.5 EmailSubmission/set).
    await sendInternal(await app.account('Nadia', 'Roux'), 'Note interne', 'Réunion de service lundi.');
    await mx({ from: 'Service informatique <support@fraude.example>', subject: 'Vérification', text: 'Merci de confirmer votre inscription.' });
    // A password form in a message is phishing whatever the sender (src/security/verdict.ts).
    await mx({
      from: 'Lucie Petit <lucie.petit@partenaire.example>', subject: 'Compte bloqué',
      html: `<p>Votre compte est bloqué.</p><form action="https://collecte.example/login"><input type="password" name="mdp"></form><img src="${imgBase}/phish.png" alt="">`,
    });
    await mx({
      from: colleague, subject: 'Photos de la sortie', text: 'Voici la photo et le programme.',
      attachments: [{ filename: 'photo.png', content: PNG, contentType: 'image/png' }, { filename: 'programme.txt', content: 'Départ à 8 h 30\n', contentType: 'text/plain' }],
    });
    await mx({
      from: partner, subject: 'Facture_2026_reference_tres_longue_sans_espace_aucun_pour_tester_le_retour_a_la_ligne', text: 'Voir la facture.',
      attachments: [{ filename: 'facture-du-mois-de-novembre-2026-pour-le-college-jean-moulin.exe', content: Buffer.from('MZ\x90\x00fake'), contentType: 'application/octet-stream' }],
    });
    browser = await launchLoopback();
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
    await new Promise((r) => images?.close(r));
  });

  async function open(page: Page, subject: string): Promise<void> {
    await page.locator('.row', { hasText: subject }).first().locator('.row-link').click();
    await page.getByRole('heading', { name: subject, level: 1 }).waitFor();
  }
  async function junkId(): Promise<string> {
    const boxes = (await jmapRequest(base, karim, [['Mailbox/get', { ids: null, properties: ['id', 'role'] }, 'b']]))[0]![1].list as { id: string; role: string }[];
    return boxes.find((x) => x.role === 'junk')!.id;
  }
  const frame = (page: Page) => page.frameLocator('iframe.mail-frame');
  /** naturalWidth of the body's first image once it settled (0 when blocked). */
  async function imageWidth(page: Page): Promise<number> {
    const img = frame(page).locator('img').first();
    await img.waitFor({ state: 'attached' });
    await page.waitForTimeout(300);
    return img.evaluate((i: any) => (i.complete ? i.naturalWidth : -1));
  }

  test('the server judged the messages as expected (precondition)', async () => {
    const st = await mailState(base, karim);
    const junk = st.filter((m) => m.mailboxes.includes('Junk')).map((m) => m.subject);
    assert.deepEqual(junk, ['Vérification', 'Compte bloqué', 'Facture_2026_reference_tres_longue_sans_espace_aucun_pour_tester_le_retour_a_la_ligne']);
  });

  test('remote images: blocked, then "always for this sender" loads this and later messages; removed in Settings, blocked again', async () => {
    const page = await signInPage(browser, base, karim);
    await open(page, 'Lettre 1');
    const bar = page.locator('.images-bar');
    await bar.getByText('Les images distantes sont bloquées pour protéger votre vie privée.').waitFor();
    assert.equal(await imageWidth(page), 0, 'blocked');
    assert.deepEqual(fetched, [], 'nothing asked from the remote host');
    assert.deepEqual(await axe(page), []);

    await bar.getByRole('button', { name: 'Toujours pour Lucie Petit' }).click();
    await frame(page).getByText('Bonjour, voici notre logo.').waitFor();
    await page.waitForFunction(() => {
      const d = (globalThis as any).document.querySelector('iframe.mail-frame')?.contentDocument;
      const i = d?.querySelector('img');
      return i && i.complete && i.naturalWidth === 2;
    });
    assert.equal(await bar.count(), 0, 'the bar is gone');
    assert.deepEqual(fetched, ['/logo-1.png']);

    await open(page, 'Lettre 2');
    await frame(page).getByText('Deuxième lettre.').waitFor();
    await page.waitForFunction(() => (globalThis as any).document.querySelector('iframe.mail-frame')?.contentDocument?.querySelector('img')?.naturalWidth === 2);
    assert.equal(await bar.count(), 0, 'no question for a trusted sender');
    assert.deepEqual(fetched, ['/logo-1.png', '/logo-2.png']);

    // Settings: the sender is listed and can be removed. (In-app navigation: a reload would run
    // signInPage's init script again, which resets the stored preferences.)
    await page.getByRole('link', { name: 'Paramètres' }).first().click();
    const trusted = page.getByRole('heading', { name: 'Expéditeurs dont les images sont toujours affichées' });
    await trusted.waitFor();
    const item = page.locator('.plain-list li', { hasText: 'lucie.petit@partenaire.example' });
    assert.equal(await item.count(), 1);
    assert.deepEqual(await axe(page), []);
    // With the keyboard: the list goes away, the focus stays on the image setting (not lost to <body>).
    await item.getByRole('button', { name: 'Supprimer lucie.petit@partenaire.example' }).focus();
    await page.keyboard.press('Enter');
    await trusted.waitFor({ state: 'detached' });
    await page.waitForFunction(() => (globalThis as any).document.activeElement?.getAttribute('name') === 'images');
    assert.equal(await page.getByRole('radio', { name: 'Bloquer et demander' }).evaluate((e) => e === (globalThis as any).document.activeElement), true);

    await page.getByRole('link', { name: /Boîte de réception/ }).first().click();
    await open(page, 'Lettre 2');
    await bar.waitFor();
    assert.equal(await imageWidth(page), 0, 'blocked again');
    assert.deepEqual(fetched, ['/logo-1.png', '/logo-2.png'], 'no new request');
    // "Show images" once, with the keyboard: this message only; the focus stays in the message.
    await bar.getByRole('button', { name: 'Afficher les images' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => (globalThis as any).document.activeElement?.id === 'reader-subject');
    await page.waitForFunction(() => (globalThis as any).document.querySelector('iframe.mail-frame')?.contentDocument?.querySelector('img')?.naturalWidth === 2);
    await open(page, 'Lettre 1');
    await bar.waitFor();
    await page.context().close();
  });

  test('a message judged phishing never loads remote images, even from a trusted sender with "always show"', async () => {
    const page = await signInPage(browser, base, karim, { remoteImages: 'always', trustedSenders: ['lucie.petit@partenaire.example'] });
    await page.goto(`${base}/mail/${await junkId()}`);
    await open(page, 'Compte bloqué');
    await page.getByRole('alert').filter({ hasText: 'Hameçonnage suspecté !' }).waitFor();
    await frame(page).getByText('Votre compte est bloqué.').waitFor();
    await page.waitForTimeout(500);
    assert.equal(await page.locator('.images-bar').count(), 0, 'no offer to show them');
    assert.ok(!fetched.includes('/phish.png'), 'the remote host was never asked');
    assert.equal(await frame(page).locator('input, form').count(), 0, 'the form is gone');
    await page.context().close();
  });

  test('banners: external sender, failed authentication; none on internal mail', async () => {
    const page = await signInPage(browser, base, karim);
    await open(page, 'Lettre 1');
    const note = page.locator('.reader .banner:not(.images-bar)');
    assert.deepEqual((await note.allTextContents()).map((s) => s.trim()), ['Expéditeur extérieur. Ce message vient de l’extérieur de l’académie. Méfiez-vous des liens et des pièces jointes.']);
    assert.equal(await page.getByRole('note').filter({ hasText: 'Expéditeur extérieur.' }).count(), 1);

    await page.goto(`${base}/mail/${await junkId()}`);
    await open(page, 'Vérification');
    const alert = page.getByRole('alert').filter({ hasText: 'Expéditeur non vérifié.' });
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /Rien ne garantit que ce message vient vraiment de support@fraude\.example\./);
    assert.deepEqual(await axe(page), []);

    await page.getByRole('link', { name: /Boîte de réception/ }).first().click();
    await open(page, 'Note interne');
    await frame(page).getByText('Réunion de service lundi.').waitFor();
    assert.deepEqual(await page.locator('.reader .banner').allTextContents(), [], 'no banner on internal mail');
    await page.context().close();
  });

  test('dark colour scheme: the banners, the images bar and the attachments pass axe (contrast)', async () => {
    const page = await signInPage(browser, base, karim, {}, undefined, { colorScheme: 'dark' });
    const seen: string[] = [];
    for (const subject of ['Lettre 1', 'Photos de la sortie']) {
      await open(page, subject);
      await page.waitForTimeout(200);
      seen.push(...(await axe(page)).map((v) => `${subject}: ${v}`));
    }
    await page.goto(`${base}/mail/${await junkId()}`);
    for (const subject of ['Vérification', 'Compte bloqué']) {
      await open(page, subject);
      await page.waitForTimeout(200);
      seen.push(...(await axe(page)).map((v) => `${subject}: ${v}`));
    }
    assert.deepEqual(seen, []);
    await page.context().close();
  });

  test('a dangerous attachment: banner, marked, no preview; at 360 px and in dark scheme nothing overflows and axe passes', async () => {
    const st = await mailState(base, karim);
    const m = st.find((x) => x.subject.startsWith('Facture_2026'))!;
    const box = (await jmapRequest(base, karim, [['Mailbox/get', { ids: null, properties: ['id', 'name'] }, 'b']]))[0]![1].list.find((b: { name: string }) => b.name === m.mailboxes[0]).id as string;
    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await signInPage(browser, base, karim, {}, { width: 360, height: 740 }, { colorScheme });
      await page.goto(`${base}/mail/${box}`);
      await page.locator('.row', { hasText: 'Facture_2026' }).locator('.row-link').click();
      await page.getByRole('alert').filter({ hasText: 'Pièce jointe dangereuse.' }).waitFor();
      const att = page.locator('.attachments li', { hasText: 'facture-du-mois' });
      assert.match((await att.locator('.att-meta').textContent()) ?? '', /dangereuse, ne pas ouvrir/);
      assert.equal(await att.getByRole('link', { name: /Aperçu/ }).count(), 0);
      const wide = await page.evaluate(`[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > innerWidth + 0.5).map((e) => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 12)`);
      assert.equal(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), true, `no horizontal scrolling (${colorScheme}): ${JSON.stringify(wide)}`);
      assert.deepEqual(await axe(page), [], colorScheme);
      await page.context().close();
    }
  });

  test('attachments: type and size, image thumbnail that loads, download returns the bytes', async () => {
    const page = await signInPage(browser, base, karim);
    await open(page, 'Photos de la sortie');
    const att = page.locator('.attachments');
    await att.getByRole('heading', { name: 'Pièces jointes (2)' }).waitFor();
    const photo = att.locator('li', { hasText: 'photo.png' });
    assert.match((await photo.locator('.att-meta').textContent()) ?? '', /^image\/png · \d+ o$/);
    assert.match((await att.locator('li', { hasText: 'programme.txt' }).locator('.att-meta').textContent()) ?? '', /^text\/plain · 1[67] o$/);
    await page.waitForFunction(() => { const i = (globalThis as any).document.querySelector('.attachments img.thumb'); return i && i.complete && i.naturalWidth === 2; });

    // "Aperçu" opens the image itself, inline (same session cookie as the page).
    const href = await photo.getByRole('link', { name: 'Aperçu photo.png' }).getAttribute('href');
    const preview = await page.request.get(new URL(href!, base).href);
    assert.equal(preview.status(), 200);
    assert.equal(preview.headers()['content-type'], 'image/png');
    assert.match(preview.headers()['content-disposition'] ?? '', /^inline/);
    assert.deepEqual(await preview.body(), PNG);
    const [download] = await Promise.all([page.waitForEvent('download'), photo.getByRole('link', { name: 'Télécharger photo.png' }).click()]);
    assert.equal(download.suggestedFilename(), 'photo.png');
    const chunks: Buffer[] = [];
    for await (const c of (await download.createReadStream())) chunks.push(c as Buffer);
    assert.deepEqual(Buffer.concat(chunks), PNG);
    assert.deepEqual(await axe(page), []);
    await page.context().close();
  });
});
