/** Webmail conversation view on the real server: one row per thread (RFC 8621 §4.4 collapseThreads), the thread in date order (§3), thread actions, axe, 360 px. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { TestApp } from './helpers/app.ts';
import { browserSuite, mxSend } from './helpers/browser-suite.ts';
import { axe, hasChromium, jmapRequest, launchLoopback, mailState, signInPage } from './web-helpers.ts';

describe('conversation view (browser, real server)', { skip: hasChromium ? false : 'chromium is not installed (/usr/bin/chromium)' }, () => {
  let app: TestApp;
  let browser: Browser;
  let base = '';
  browserSuite({}, (s) => ({ app, browser, base } = s));
  let karim: { id: number; address: string; password: string };
  const CONV = { conversations: true };

  const mx = (mail: Record<string, unknown>): Promise<void> => mxSend(app, { to: karim.address, ...mail });

  before(async () => {
    karim = await app.account('Karim', 'Benali');
    const claire = 'Claire Martin <claire.martin@mairie.example>';
    const paul = 'Paul Durand <paul.durand@mairie.example>';
    // Thread "Sortie au musée": three messages linked by In-Reply-To/References (RFC 5322 §3.6.4).
    await mx({ from: claire, subject: 'Sortie au musée', messageId: '<musee-1@mairie.example>', text: 'Premier message : la sortie est prévue le 12.' });
    await mx({ from: paul, subject: 'Re: Sortie au musée', messageId: '<musee-2@mairie.example>', inReplyTo: '<musee-1@mairie.example>', references: ['<musee-1@mairie.example>'], text: 'Deuxième message : il faut deux accompagnateurs.' });
    await mx({ from: claire, subject: 'Re: Sortie au musée', messageId: '<musee-3@mairie.example>', inReplyTo: '<musee-2@mairie.example>', references: ['<musee-1@mairie.example>', '<musee-2@mairie.example>'], text: 'Troisième message : voici le programme.', attachments: [{ filename: 'programme.txt', content: 'Visite guidée à 10 h\n' }] });
    // Thread "Projet jardin": two messages, for the thread actions.
    await mx({ from: paul, subject: 'Projet jardin', messageId: '<jardin-1@mairie.example>', text: 'Les graines arrivent lundi.' });
    await mx({ from: claire, subject: 'Re: Projet jardin', messageId: '<jardin-2@mairie.example>', inReplyTo: '<jardin-1@mairie.example>', references: ['<jardin-1@mairie.example>'], text: 'Parfait, merci.' });
    // A message alone.
    await mx({ from: paul, subject: 'Réunion parents-professeurs', messageId: '<reunion@mairie.example>', text: 'La réunion a lieu jeudi.' });
    // The first message of the museum thread has been read already (it will be folded).
    const first = (await mailState(base, karim)).find((m) => m.subject === 'Sortie au musée')!;
    await jmapRequest(base, karim, [['Email/set', { update: { [first.id]: { 'keywords/$seen': true } } }, 's']]);
  });

  // Sign-in notices ("Nouvelle connexion…") land in the inbox too; they are not part of these checks.
  const subjects = async (page: Page) => (await page.locator('.row-subject').allTextContents()).map((s) => s.trim()).filter((s) => !/^Nouvelle connexion/.test(s));
  /** The list's subjects once they equal `want` (a push may be reloading the list meanwhile); asserts on the last seen. */
  async function listShows(page: Page, want: string[]): Promise<void> {
    let seen: string[] = [];
    for (let i = 0; i < 50; i++) {
      seen = await subjects(page);
      if (JSON.stringify(seen) === JSON.stringify(want)) return;
      await page.waitForTimeout(100);
    }
    assert.deepEqual(seen, want);
  }

  test('the server threads the messages as expected (precondition)', async () => {
    const st = await mailState(base, karim);
    const musee = st.filter((m) => /Sortie au musée/.test(m.subject));
    assert.equal(musee.length, 3);
    assert.equal(new Set(musee.map((m) => m.threadId)).size, 1, 'one thread for the museum messages');
    assert.notEqual(st.find((m) => m.subject === 'Réunion parents-professeurs')!.threadId, musee[0]!.threadId);
  });

  test('with the option off, the list keeps one row per message', async () => {
    const page = await signInPage(browser, base, karim);
    await listShows(page, ['Réunion parents-professeurs', 'Re: Projet jardin', 'Projet jardin', 'Re: Sortie au musée', 'Re: Sortie au musée', 'Sortie au musée']);
    assert.equal(await page.locator('.thread-count').count(), 0);
    await page.context().close();
  });

  test('one row per conversation with its count, participants and unread state; opening shows the thread in date order', async () => {
    const page = await signInPage(browser, base, karim, CONV);
    await listShows(page, ['Réunion parents-professeurs', 'Re: Projet jardin', 'Re: Sortie au musée']);
    const musee = page.locator('.row', { hasText: 'Sortie au musée' });
    assert.match((await musee.locator('.thread-count').textContent()) ?? '', /^3\s*Conversation de 3 messages\.$/);
    assert.equal((await musee.locator('.row-from').textContent())?.replace(/^Non lu\.\s*/, ''), 'Claire, Paul');
    assert.match((await musee.getAttribute('class')) ?? '', /\bunread\b/);
    assert.match((await musee.locator('.row-from').textContent()) ?? '', /^Non lu\./);
    assert.equal(await page.locator('.row', { hasText: 'Réunion parents-professeurs' }).locator('.thread-count').count(), 0, 'no count on a lone message');

    await musee.locator('.row-link').click();
    const items = page.locator('.conv-item');
    await page.getByRole('heading', { name: 'Re: Sortie au musée', level: 1 }).or(page.getByRole('heading', { name: 'Sortie au musée', level: 1 })).waitFor();
    await page.waitForFunction((n) => (globalThis as any).document.querySelectorAll('.conv-item').length === n, 3);
    assert.match((await page.locator('.conv-meta').textContent()) ?? '', /3 messages · Claire, Paul/);
    // Date order; the older read one folded to one line, the unread and the latest unfolded.
    const heads = page.locator('.conv-head');
    assert.deepEqual((await page.locator('.conv-from').allTextContents()).map((s) => s.replace(/^Non lu\.\s*/, '')), ['Claire Martin', 'Paul Durand', 'Claire Martin']);
    assert.deepEqual(await heads.evaluateAll((els) => els.map((e) => e.getAttribute('aria-expanded'))), ['false', 'true', 'true']);
    assert.match((await items.nth(0).locator('.conv-preview').textContent()) ?? '', /Premier message/);
    assert.equal(await page.locator('iframe.mail-frame').count(), 2);
    await page.frameLocator('.conv-item >> nth=1 >> iframe.mail-frame').getByText('Deuxième message').waitFor();
    await page.frameLocator('.conv-item >> nth=2 >> iframe.mail-frame').getByText('Troisième message').waitFor();
    // Each unfolded message has its own attachments.
    assert.equal(await items.nth(2).getByRole('link', { name: /Télécharger programme\.txt/ }).count(), 1);
    assert.equal(await items.nth(1).getByRole('link', { name: /Télécharger/ }).count(), 0);

    // Keyboard: unfold the first message, fold it again.
    await heads.nth(0).focus();
    await page.keyboard.press('Enter');
    assert.equal(await heads.nth(0).getAttribute('aria-expanded'), 'true');
    await page.frameLocator('.conv-item >> nth=0 >> iframe.mail-frame').getByText('Premier message').waitFor();
    assert.equal(await page.locator('iframe.mail-frame').count(), 3);
    assert.deepEqual(await axe(page), [], 'axe on the open conversation');
    await page.keyboard.press('Space');
    assert.equal(await heads.nth(0).getAttribute('aria-expanded'), 'false');
    await page.getByRole('button', { name: 'Tout déplier' }).click();
    assert.deepEqual(await heads.evaluateAll((els) => els.map((e) => e.getAttribute('aria-expanded'))), ['true', 'true', 'true']);

    // Opening the conversation read every message of it (server side), and the row is no longer unread.
    await page.waitForFunction(() => ![...(globalThis as any).document.querySelectorAll('.row.unread .row-subject')].some((e: any) => e.textContent.includes('Sortie au musée')));
    const st = await mailState(base, karim);
    assert.deepEqual(st.filter((m) => /Sortie au musée/.test(m.subject)).map((m) => !!m.keywords.$seen), [true, true, true]);
    assert.equal(st.find((m) => m.subject === 'Projet jardin')!.keywords.$seen, undefined, 'other threads untouched');
    await page.context().close();
  });

  test('actions on a conversation row apply to all its messages in the mailbox', async () => {
    const page = await signInPage(browser, base, karim, CONV);
    const jardin = page.locator('.row', { hasText: 'Projet jardin' });
    await jardin.waitFor();
    await jardin.getByRole('checkbox').check();
    await page.locator('.list-head').getByRole('button', { name: 'Archiver' }).click();
    await page.getByText('2 messages archivés.').waitFor();
    await jardin.waitFor({ state: 'detached' });
    const st = await mailState(base, karim);
    const moved = st.filter((m) => /Projet jardin/.test(m.subject));
    assert.equal(moved.length, 2);
    for (const m of moved) assert.deepEqual(m.mailboxes, ['Archive']);

    // From the reading pane: "Indésirable" moves the whole open conversation.
    await page.locator('.row', { hasText: 'Sortie au musée' }).locator('.row-link').click();
    await page.waitForFunction((n) => (globalThis as any).document.querySelectorAll('.conv-item').length === n, 3);
    await page.locator('.reader-toolbar').getByRole('button', { name: 'Marquer comme non lu' }).click();
    await page.getByText('Marqué comme non lu.').waitFor();
    const unread = (await mailState(base, karim)).filter((m) => /Sortie au musée/.test(m.subject));
    assert.deepEqual(unread.map((m) => !!m.keywords.$seen), [false, false, false]);
    await page.locator('.row', { hasText: 'Sortie au musée' }).locator('.row-link').click();
    await page.waitForFunction((n) => (globalThis as any).document.querySelectorAll('.conv-item').length === n, 3);
    await page.locator('body').press('!');
    await page.getByText('3 messages classés indésirables.').waitFor();
    const junk = (await mailState(base, karim)).filter((m) => /Sortie au musée/.test(m.subject));
    for (const m of junk) assert.deepEqual(m.mailboxes, ['Junk']);
    await listShows(page, ['Réunion parents-professeurs']);
    await page.context().close();
  });

  test('at 360 px the conversation fits without horizontal scrolling', async () => {
    const page = await signInPage(browser, base, karim, CONV, { width: 360, height: 740 });
    const boxes = (await jmapRequest(base, karim, [['Mailbox/get', { ids: null, properties: ['id', 'role'] }, 'b']]))[0]![1].list as { id: string; role: string }[];
    await page.goto(`${base}/mail/${boxes.find((x) => x.role === 'archive')!.id}`);
    await page.locator('.row', { hasText: 'Projet jardin' }).locator('.thread-count').waitFor();
    assert.equal(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), true, 'the list fits');
    await page.locator('.row', { hasText: 'Projet jardin' }).locator('.row-link').click();
    await page.waitForFunction((n) => (globalThis as any).document.querySelectorAll('.conv-item').length === n, 2);
    await page.frameLocator('.conv-item >> nth=1 >> iframe.mail-frame').getByText('Parfait, merci.').waitFor();
    assert.equal(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), true);
    assert.equal(await page.locator('.reader-toolbar').getByRole('button', { name: /Retour à la liste/ }).isVisible(), true);
    assert.deepEqual(await axe(page), []);
    await page.context().close();
  });
});
