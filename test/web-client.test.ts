/** Webmail in headless Chromium against a JMAP/REST test double: sign-in with 2FA, read, hostile HTML, remote images, write, search, organise, quota, language, axe, 360 px. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { FakeBackend, USER } from './web-fake-backend.ts';
import { axe, hasChromium, launch, TEST_PREFS } from './web-helpers.ts';

const skip = hasChromium ? false : 'chromium is not installed (/usr/bin/chromium): apt-get install -y chromium';

describe('webmail (browser)', { skip }, () => {
  let backend: FakeBackend;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let remote: Server;
  const remoteHits: string[] = [];
  let remoteOrigin = '';
  const dialogs: string[] = [];
  const consoleErrors: string[] = [];
  const foreignRequests: string[] = [];

  before(async () => {
    remote = createServer((req, res) => {
      remoteHits.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end();
    });
    remote.listen(0, '127.0.0.1');
    await once(remote, 'listening');
    // A different host name is a different origin: "an unexpected host".
    remoteOrigin = `http://localhost:${(remote.address() as { port: number }).port}`;
    backend = new FakeBackend();
    for (let i = 0; i < 400; i++) backend.addEmail({ subject: `Bulletin ${i}`, text: `Contenu du bulletin ${i}`, keywords: i % 3 ? { $seen: true } : {} });
    backend.addEmail({ subject: 'Conseil de classe de 3e B', text: 'Bonjour, le conseil de classe aura lieu jeudi à 17 h.', receivedAt: '2026-11-28T09:00:00Z' });
    backend.addEmail({
      subject: 'Message piégé',
      receivedAt: '2026-11-28T08:59:00Z',
      from: [{ name: 'Inconnu', email: 'pirate@evil.example' }],
      preauVerdict: { external: true, phishing: true, verified: false, reasons: ['Le lien mène vers un site qui imite l’académie.'], dangerousAttachments: ['facture.exe'], auth: { spf: 'fail', dkim: 'none', dmarc: 'fail' } },
      html: `<p>Bonjour</p><script>alert('xss-script')</script><img src="x" onerror="alert('xss-onerror')">
        <a href="javascript:alert('xss-link')" id="jslink">Cliquez ici</a><svg><script>alert('svg')</script><circle onload="alert('svg-onload')"/></svg>
        <iframe src="javascript:alert('iframe')"></iframe><form action="${remoteOrigin}/steal"><input name="p"><button>OK</button></form>
        <div style="background:url(${remoteOrigin}/css-bg.png)">css</div><style>@import url(${remoteOrigin}/import.css); body{background:url(${remoteOrigin}/style-bg.png)}</style>
        <meta http-equiv="refresh" content="0;url=${remoteOrigin}/refresh"><object data="${remoteOrigin}/obj"></object><embed src="${remoteOrigin}/embed">
        <img src="${remoteOrigin}/pixel.png" alt="pixel"><base href="${remoteOrigin}/"><link rel="stylesheet" href="${remoteOrigin}/link.css">
        <a href="  java&#x09;script:alert('xss-entity')">x</a><math><mtext><img src=x onerror="alert('math')"></mtext></math>`,
    });
    backend.addEmail({ subject: 'Lettre avec images', receivedAt: '2026-11-28T08:58:00Z', from: [{ name: 'Lettre info', email: 'info@ville.example' }], html: `<p>Voici notre lettre.</p><img src="${remoteOrigin}/news.png" alt="logo">` });
    await backend.start();
    browser = await launch();
    context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 800 } });
    await context.addInitScript((prefs) => {
      if (!localStorage.getItem('preau.prefs')) localStorage.setItem('preau.prefs', JSON.stringify(prefs));
    }, TEST_PREFS);
    page = await context.newPage();
    page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(`${m.text()} @ ${m.location().url}`); });
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (!['data:', 'blob:', 'about:'].includes(u.protocol) && u.origin !== new URL(backend.url).origin) foreignRequests.push(r.url());
    });
  });

  after(async () => {
    await browser?.close();
    await backend?.stop();
    remote?.close();
  });

  test('sign-in page: French labels, no axe violation, language switch', async () => {
    await page.goto(backend.url);
    await page.getByLabel('Identifiant').waitFor();
    assert.ok(await page.getByLabel('Mot de passe').isVisible());
    assert.ok(await page.getByRole('button', { name: 'Se connecter' }).isVisible());
    assert.ok(await page.getByRole('link', { name: 'Mot de passe perdu ?' }).isVisible());
    assert.ok(await page.getByLabel('Ordinateur partagé').isVisible());
    assert.deepEqual(await axe(page), []);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByLabel('Identifier').waitFor();
    assert.equal(await page.evaluate('document.documentElement.lang'), 'en');
    await page.getByRole('button', { name: 'Français' }).click();
    await page.getByLabel('Identifiant').waitFor();
  });

  test('wrong password is refused, then the second factor signs in', async () => {
    await page.getByLabel('Identifiant').fill(USER.identifier);
    await page.getByLabel('Mot de passe').fill('mauvais');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('alert').filter({ hasText: 'incorrect' }).waitFor();
    await page.getByLabel('Mot de passe').fill(USER.password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByLabel('Code à 6 chiffres').fill('000000');
    await page.getByRole('button', { name: 'Vérifier' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByLabel('Code à 6 chiffres').fill(USER.totp);
    await page.getByRole('button', { name: 'Vérifier' }).click();
    await page.getByRole('heading', { name: 'Boîte de réception' }).waitFor();
    await page.getByText('Conseil de classe de 3e B').waitFor();
    await page.waitForURL(/\/mail/);
  });

  test('folder list with unread counts, virtualised list, no axe violation', async () => {
    const nav = page.getByRole('navigation', { name: 'Dossiers' });
    assert.match(await nav.innerText(), /Boîte de réception\s*\d+/);
    const rows = await page.locator('.row-slot').count();
    assert.ok(rows > 5 && rows < 60, `only the visible rows are in the DOM (${rows})`);
    assert.equal(await page.locator('.row-slot').first().getAttribute('aria-setsize'), '403');
    assert.deepEqual(await axe(page), []);
  });

  test('reading a message marks it read; axe passes on the reader', async () => {
    await page.getByText('Conseil de classe de 3e B').click();
    await page.getByRole('heading', { name: 'Conseil de classe de 3e B', level: 1 }).waitFor();
    const frame = page.frameLocator('iframe.mail-frame');
    await frame.getByText('le conseil de classe aura lieu jeudi').waitFor();
    const e = [...backend.emails.values()].find((x) => x.subject === 'Conseil de classe de 3e B')!;
    for (let i = 0; i < 50 && !e.keywords.$seen; i++) await page.waitForTimeout(50);
    assert.equal(e.keywords.$seen, true);
    assert.deepEqual(await axe(page), []);
  });

  test('a hostile message runs nothing and loads nothing from elsewhere', async () => {
    dialogs.length = 0;
    consoleErrors.length = 0;
    foreignRequests.length = 0;
    remoteHits.length = 0;
    await page.getByText('Message piégé').click();
    await page.getByRole('heading', { name: 'Message piégé', level: 1 }).waitFor();
    const iframe = page.locator('iframe.mail-frame');
    assert.equal(await iframe.getAttribute('sandbox'), 'allow-same-origin allow-popups allow-popups-to-escape-sandbox');
    const frame = page.frameLocator('iframe.mail-frame');
    await frame.getByText('Bonjour').waitFor();
    await frame.locator('#jslink').click();
    // Banners from the verdict.
    await page.getByText('Hameçonnage suspecté !').waitFor();
    assert.ok(await page.getByText('Pièce jointe dangereuse.').isVisible());
    assert.ok(await page.getByText('facture.exe').isVisible());
    // Phishing: no "show images" offer at all.
    assert.equal(await page.getByRole('button', { name: 'Afficher les images' }).count(), 0);
    const html = await frame.locator('body').innerHTML();
    assert.doesNotMatch(html, /<script|onerror|onload|javascript:|<iframe|<object|<embed|<form|<meta http-equiv="refresh"/i);
    await page.waitForTimeout(300);
    assert.deepEqual(dialogs, []);
    assert.equal(remoteHits.length, 0, remoteHits.join(' '));
    assert.deepEqual(foreignRequests, []);
    assert.deepEqual(consoleErrors, []);
  });

  test('remote images stay blocked until "Afficher les images"', async () => {
    remoteHits.length = 0;
    await page.getByText('Lettre avec images').click();
    await page.getByRole('heading', { name: 'Lettre avec images', level: 1 }).waitFor();
    await page.getByText('Les images distantes sont bloquées').waitFor();
    await page.waitForTimeout(200);
    assert.equal(remoteHits.length, 0, remoteHits.join(' '));
    await page.getByRole('button', { name: 'Afficher les images' }).click();
    for (let i = 0; i < 100 && !remoteHits.includes('/news.png'); i++) await page.waitForTimeout(30);
    assert.ok(remoteHits.includes('/news.png'), 'the image is fetched once allowed');
  });

  test('write to a colleague with an attachment: upload, draft, submission to Sent', async () => {
    const submitted = once(backend, 'submission');
    await page.keyboard.press('Escape');
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('c');
    await page.getByRole('heading', { name: 'Nouveau message' }).waitFor();
    const to = page.getByRole('combobox', { name: 'À' });
    await to.fill('karim');
    await page.getByRole('option', { name: /Karim Benali/ }).click();
    await page.getByLabel('Objet').fill('Réunion parents-professeurs');
    await page.locator('.editor-area').click();
    await page.keyboard.type('Bonjour Karim, la réunion est mardi.');
    await page.locator('input[type=file]').first().setInputFiles({ name: 'ordre-du-jour.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 test') });
    await page.locator('.uploads li').filter({ hasText: 'ordre-du-jour.pdf' }).waitFor();
    assert.deepEqual(await axe(page), []);
    await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
    const [submission, email] = (await submitted) as [{ identityId: string }, { subject: string; to: { email: string }[]; mailboxIds: Record<string, boolean>; attachments: { name: string }[]; text?: string }];
    assert.equal(submission.identityId, 'i1');
    assert.equal(email.subject, 'Réunion parents-professeurs');
    assert.equal(email.to[0].email, 'karim.benali@preau.test');
    assert.deepEqual(Object.keys(email.mailboxIds), ['mb-sent']);
    assert.equal(email.attachments[0].name, 'ordre-du-jour.pdf');
    assert.match(email.text ?? '', /la réunion est mardi/);
    assert.equal(backend.csrfMissing, 0, 'every state-changing request carried X-CSRF-Token');
  });

  test('many external recipients: the composer suggests Bcc', async () => {
    await page.keyboard.press('c');
    const to = page.getByRole('combobox', { name: 'À' });
    await to.fill('a@famille.example, b@famille.example, c@famille.example, d@famille.example, e@famille.example');
    await to.press('Enter');
    await page.getByLabel('Objet').fill('Sortie scolaire');
    await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await page.getByRole('heading', { name: 'Protéger les adresses des destinataires ?' }).waitFor();
    await page.getByRole('button', { name: 'Passer en Cci' }).click();
    assert.equal(await page.locator('.recipients').filter({ hasText: 'Cci' }).locator('.chip').count(), 5);
    await page.getByRole('button', { name: 'Supprimer le brouillon' }).click();
  });

  test('outside working time the composer offers the next working morning (scheduled send)', async () => {
    await page.evaluate(`localStorage.setItem('preau.prefs', JSON.stringify({ undoSeconds: 1, workDays: [], workStart: '08:00', workEnd: '18:00' }))`);
    await page.reload();
    await page.getByText('Conseil de classe de 3e B').waitFor();
    const submitted = once(backend, 'submission');
    await page.locator('body').press('c');
    const to = page.getByRole('combobox', { name: 'À' });
    await to.fill('karim.benali@preau.test');
    await to.press('Enter');
    await page.getByLabel('Objet').fill('Pour demain');
    await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await page.getByRole('heading', { name: 'Respecter le droit à la déconnexion ?' }).waitFor();
    await page.getByRole('button', { name: 'Envoyer au prochain matin travaillé' }).click();
    const [submission] = (await submitted) as [{ envelope?: { mailFrom: { parameters: { HOLDUNTIL: string } } } }];
    const at = new Date(submission.envelope!.mailFrom.parameters.HOLDUNTIL);
    assert.ok(at.getTime() > Date.now(), 'released later');
    await page.evaluate(`localStorage.setItem('preau.prefs', JSON.stringify(${JSON.stringify(TEST_PREFS)}))`);
    await page.reload();
    await page.getByText('Conseil de classe de 3e B').waitFor();
  });

  test('during configured school holidays the composer suggests the first working morning after them', async () => {
    // A holiday range around today (local dates, like the browser's): yesterday .. in three days.
    const day = (offset: number) => { const d = new Date(); d.setDate(d.getDate() + offset); return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`; };
    backend.config.schoolHolidays = `2026-02-07..2026-02-22,${day(-1)}..${day(3)}`;
    // Every day and almost every hour is working time: only the holiday can trigger the guard rail.
    await page.evaluate(`localStorage.setItem('preau.prefs', JSON.stringify({ undoSeconds: 1, workDays: [1, 2, 3, 4, 5, 6, 7], workStart: '08:00', workEnd: '23:59' }))`);
    try {
      await page.reload();
      await page.getByText('Conseil de classe de 3e B').waitFor();
      const submitted = once(backend, 'submission');
      await page.locator('body').press('c');
      const to = page.getByRole('combobox', { name: 'À' });
      await to.fill('karim.benali@preau.test');
      await to.press('Enter');
      await page.getByLabel('Objet').fill('Pendant les vacances');
      await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
      await page.getByRole('heading', { name: 'Respecter le droit à la déconnexion ?' }).waitFor();
      await page.getByText(/pendant les vacances scolaires/).waitFor();
      await page.getByRole('button', { name: 'Envoyer au prochain matin travaillé' }).click();
      const [submission] = (await submitted) as [{ envelope?: { mailFrom: { parameters: { HOLDUNTIL: string } } } }];
      const at = new Date(submission.envelope!.mailFrom.parameters.HOLDUNTIL);
      const local = (await page.evaluate(`(() => { const d = new Date(${JSON.stringify(at.toISOString())}); return [d.getFullYear(), String(d.getMonth() + 1).padStart(2, '0'), String(d.getDate()).padStart(2, '0')].join('-') + ' ' + d.toTimeString().slice(0, 5); })()`)) as string;
      assert.equal(local, `${day(4)} 08:00`, 'released on the morning after the holidays');
    } finally {
      backend.config.schoolHolidays = '';
      await page.evaluate(`localStorage.setItem('preau.prefs', JSON.stringify(${JSON.stringify(TEST_PREFS)}))`);
      await page.reload();
      await page.getByText('Conseil de classe de 3e B').waitFor();
    }
  });

  test('reply quotes the message; the draft is saved by itself and reopens from Drafts', async () => {
    await page.getByRole('link', { name: /Boîte de réception/ }).click();
    await page.locator('.row-subject', { hasText: 'Conseil de classe de 3e B' }).click();
    await page.getByRole('heading', { name: 'Conseil de classe de 3e B', level: 1 }).waitFor();
    await page.locator('body').press('r');
    await page.getByRole('heading', { name: 'Réponse' }).waitFor();
    assert.equal(await page.getByLabel('Objet').inputValue(), 'Re: Conseil de classe de 3e B');
    assert.match(await page.locator('.recipients').first().innerText(), /Karim Benali/);
    assert.match(await page.locator('.editor-area blockquote').innerText(), /conseil de classe aura lieu jeudi/);
    await page.locator('.editor-area p').first().click();
    await page.keyboard.type('Je serai présente.');
    await page.getByText('Brouillon enregistré').waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Fermer (le brouillon est conservé)' }).click();
    const draft = [...backend.emails.values()].find((x) => x.subject === 'Re: Conseil de classe de 3e B' && x.mailboxIds['mb-drafts']);
    assert.ok(draft, 'one draft in Drafts');
    assert.match(draft.html ?? '', /Je serai présente/);
    await page.getByRole('link', { name: /Brouillons/ }).click();
    await page.locator('.row-subject', { hasText: 'Re: Conseil de classe de 3e B' }).click();
    await page.getByLabel('Objet').waitFor();
    assert.equal(await page.getByLabel('Objet').inputValue(), 'Re: Conseil de classe de 3e B');
    await page.getByRole('button', { name: 'Supprimer le brouillon' }).click();
    await page.locator('.composer').waitFor({ state: 'detached' });
    assert.ok(![...backend.emails.values()].some((x) => x.mailboxIds['mb-drafts']), 'the draft is gone');
    await page.getByRole('link', { name: /Boîte de réception/ }).click();
  });

  test('search finds a message', async () => {
    await page.getByRole('searchbox', { name: 'Rechercher dans les messages' }).fill('conseil');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Résultats de recherche' }).waitFor();
    await page.locator('.row-subject', { hasText: 'Conseil de classe de 3e B' }).waitFor();
    assert.equal(await page.locator('.row-slot').count(), 1);
  });

  test('archive with "e", delete with "#", move from the menu', async () => {
    await page.getByRole('link', { name: /Boîte de réception/ }).click();
    await page.getByText('Bulletin 5', { exact: true }).click();
    await page.getByRole('heading', { name: 'Bulletin 5', level: 1 }).waitFor();
    await page.locator('body').press('e');
    await page.getByText('Message archivé.').waitFor();
    const b5 = [...backend.emails.values()].find((x) => x.subject === 'Bulletin 5')!;
    assert.deepEqual(Object.keys(b5.mailboxIds), ['mb-archive']);
    await page.getByText('Bulletin 6', { exact: true }).click();
    await page.getByRole('heading', { name: 'Bulletin 6', level: 1 }).waitFor();
    await page.locator('body').press('#');
    await page.getByText('Message mis à la corbeille.').waitFor();
    const b6 = [...backend.emails.values()].find((x) => x.subject === 'Bulletin 6')!;
    assert.deepEqual(Object.keys(b6.mailboxIds), ['mb-trash']);
    await page.getByText('Bulletin 7', { exact: true }).click();
    await page.getByRole('heading', { name: 'Bulletin 7', level: 1 }).waitFor();
    await page.getByRole('toolbar', { name: 'Actions sur les messages' }).getByLabel('Déplacer vers…').selectOption({ label: 'Indésirables' });
    await page.getByText('Message déplacé.').waitFor();
    const b7 = [...backend.emails.values()].find((x) => x.subject === 'Bulletin 7')!;
    assert.deepEqual(Object.keys(b7.mailboxIds), ['mb-junk']);
  });

  test('push: a new message appears without reloading', async () => {
    backend.addEmail({ subject: 'Arrivé en direct', receivedAt: '2026-11-28T10:00:00Z', text: 'push' });
    backend.push();
    await page.getByText('Arrivé en direct').waitFor();
  });

  test('a PDF attachment opens in an inline preview', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
    backend.blobs.set('blob-cr', { type: 'application/pdf', data: pdf });
    backend.addEmail({ subject: 'Compte rendu du CA', receivedAt: '2026-11-28T10:01:00Z', text: 'Ci-joint.', hasAttachment: true,
      attachments: [{ blobId: 'blob-cr', type: 'application/pdf', name: 'compte-rendu.pdf', size: pdf.length, partId: '2', disposition: 'attachment', cid: null }] });
    backend.push();
    await page.getByText('Compte rendu du CA').click();
    await page.getByRole('heading', { name: 'Compte rendu du CA', level: 1 }).waitFor();
    const response = page.waitForResponse((r) => r.url().includes('/blob-cr/') && r.url().includes('inline=1'));
    const button = page.getByRole('button', { name: 'Aperçu compte-rendu.pdf' });
    await button.click();
    const frame = page.locator('iframe.pdf-preview');
    await frame.waitFor();
    assert.equal(await frame.getAttribute('title'), 'Aperçu de compte-rendu.pdf');
    assert.match((await frame.getAttribute('src')) ?? '', /\/jmap\/download\/a1\/blob-cr\/compte-rendu\.pdf\?.*inline=1/);
    assert.equal(await button.getAttribute('aria-expanded'), 'true');
    assert.match((await (await response).allHeaders())['content-disposition'] ?? '', /^inline/);
    assert.deepEqual(await axe(page), []);
    await button.click();
    await frame.waitFor({ state: 'detached' });
  });

  test('quota at 92 %: warning and the "libérer de l’espace" assistant', async () => {
    backend.quota.used = 46_000_000;
    backend.addEmail({ subject: 'Photos de la sortie', size: 9_000_000, hasAttachment: true, receivedAt: '2026-11-01T10:00:00Z' });
    backend.push();
    await page.getByText(/presque pleine/).waitFor();
    await page.getByRole('button', { name: 'Libérer de l’espace' }).first().click();
    await page.getByRole('heading', { name: 'Libérer de l’espace' }).waitFor();
    const first = page.locator('.data-table tbody tr').first();
    assert.match(await first.innerText(), /Photos de la sortie/);
    assert.deepEqual(await axe(page), []);
    await first.getByRole('button', { name: /Supprimer \(libère/ }).click();
    await page.getByText(/libérés/).waitFor();
    assert.ok(![...backend.emails.values()].some((x) => x.subject === 'Photos de la sortie'));
  });

  test('the assistant lists the largest attachments: "download then delete" saves the file and frees the whole message', async () => {
    const scan = Buffer.from('%PDF-1.4 bulletins scannés');
    backend.blobs.set('blob-scan', { type: 'application/pdf', data: scan });
    backend.addEmail({ subject: 'Bulletins scannés', size: 8_000_000, hasAttachment: true, receivedAt: '2026-10-01T10:00:00Z',
      attachments: [{ blobId: 'blob-scan', type: 'application/pdf', name: 'bulletins.pdf', size: 7_900_000, partId: '2', disposition: 'attachment', cid: null }] });
    await page.reload();
    await page.getByRole('heading', { name: 'Plus grosses pièces jointes' }).waitFor();
    const row = page.locator('.attachments-table tbody tr').first();
    await row.waitFor();
    const text = await row.innerText();
    assert.match(text, /bulletins\.pdf/);
    assert.match(text, /Bulletins scannés/);
    assert.match(text, /7,5\s?Mo/, 'the attachment\'s own size');
    assert.ok(await row.getByRole('button', { name: /^Supprimer le message \(libère 7,6\s?Mo\)/ }).isVisible(), 'deleting the message states what it frees');
    assert.deepEqual(await axe(page), []);
    const download = page.waitForEvent('download');
    await row.getByRole('button', { name: /^Télécharger puis supprimer \(libère 7,6\s?Mo\)/ }).click();
    const file = await download;
    assert.equal(file.suggestedFilename(), 'bulletins.pdf');
    assert.deepEqual(readFileSync((await file.path())!), scan);
    await page.getByText(/libérés/).first().waitFor();
    assert.ok(![...backend.emails.values()].some((x) => x.subject === 'Bulletins scannés'), 'the message is deleted after the download');
    assert.equal(await page.locator('.attachments-table').getByText('bulletins.pdf').count(), 0);
  });

  test('settings, security-free screens and help pass axe; "?" lists shortcuts', async () => {
    await page.goto(`${backend.url}/parametres/affichage`);
    await page.getByRole('heading', { name: 'Paramètres' }).waitFor();
    assert.deepEqual(await axe(page), []);
    await page.goto(`${backend.url}/aide/thunderbird`);
    await page.getByRole('heading', { name: 'Configurer Thunderbird' }).waitFor();
    assert.match(await page.locator('article').innerText(), /mail\.preau\.test[\s\S]*993[\s\S]*465/);
    assert.deepEqual(await axe(page), []);
    await page.goto(`${backend.url}/mail`);
    await page.getByText('Conseil de classe de 3e B').waitFor();
    await page.locator('body').press('?');
    await page.getByRole('dialog', { name: 'Raccourcis clavier' }).waitFor();
    await page.keyboard.press('Escape');
  });

  test('at 360 px every screen fits without horizontal scrolling', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    for (const path of ['/mail', '/parametres/notifications', '/aide/premiers-pas']) {
      await page.goto(`${backend.url}${path}`);
      await page.locator('main').waitFor();
      await page.waitForTimeout(150);
      const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
      assert.ok(overflow <= 0, `${path} overflows by ${overflow}px`);
    }
    await page.goto(`${backend.url}/mail`);
    await page.getByText('Conseil de classe de 3e B').click();
    await page.getByRole('heading', { name: 'Conseil de classe de 3e B', level: 1 }).waitFor();
    const shot = await page.screenshot({ path: '.tmp/web-360.png' });
    assert.ok(shot.length > 1000);
    assert.equal(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), true);
    assert.deepEqual(await axe(page), []);
  });
});
