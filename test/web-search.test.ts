/** Search with filters in the webmail on the real server: RFC 8621 §4.4.1 FilterCondition from, to, subject, after/before, hasAttachment; the URL keeps them; no result; axe. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import type { Browser, Page } from 'playwright-core';
import type { TestApp } from './helpers/app.ts';
import { browserSuite } from './helpers/browser-suite.ts';
import { axe, hasChromium, jmapRequest, launchLoopback, signInPage } from './web-helpers.ts';

describe('search filters (browser, real server)', { skip: hasChromium ? false : 'chromium is not installed (/usr/bin/chromium)' }, () => {
  let app: TestApp;
  let browser: Browser;
  let base = '';
  browserSuite({}, (s) => ({ app, browser, base } = s));
  let karim: { id: number; address: string; password: string };
  const claire = { name: 'Claire Martin', email: 'claire.martin@mairie.example' };
  const paul = { name: 'Paul Durand', email: 'paul.durand@mairie.example' };

  before(async () => {
    karim = await app.account('Karim', 'Benali');
    const inbox = ((await jmapRequest(base, karim, [['Mailbox/get', { ids: null, properties: ['id', 'role'] }, 'b']]))[0]![1].list as { id: string; role: string }[]).find((b) => b.role === 'inbox')!.id;
    const me = { name: 'Karim Benali', email: karim.address };
    // Messages that differ on one criterion each, with receivedAt set (RFC 8621 §4.6 create).
    const mk = (subject: string, from: typeof claire, to: typeof claire, receivedAt: string) => ({ mailboxIds: { [inbox]: true }, from: [from], to: [to], subject, receivedAt, bodyValues: { b: { value: `${subject}.` } }, textBody: [{ partId: 'b', type: 'text/plain' }] });
    const r = await jmapRequest(base, karim, [['Email/set', { create: {
      a: mk('Budget cantine', claire, me, '2024-03-10T10:00:00Z'),
      b: mk('Sortie piscine', paul, me, '2024-06-15T10:00:00Z'),
      c: mk('Inventaire du CDI', claire, { name: 'Secrétariat', email: 'secretariat@mairie.example' }, '2024-09-02T10:00:00Z'),
    } }, 's']]);
    assert.equal(Object.keys(r[0]![1].created ?? {}).length, 3, JSON.stringify(r[0]![1].notCreated));
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: app.ports.smtp, secure: false, ignoreTLS: true });
    await t.sendMail({ from: `${paul.name} <${paul.email}>`, to: karim.address, subject: 'Programme jardin', text: 'Voici le programme.', attachments: [{ filename: 'programme.pdf', content: Buffer.from('%PDF-1.4 test') }] });
    t.close();
  });

  // Sign-in notices ("Nouvelle connexion…") are no part of these checks.
  const subjects = async (page: Page) => (await page.locator('.row-subject').allTextContents()).map((s) => s.trim()).filter((s) => !/^Nouvelle connexion/.test(s)).sort();
  async function resultsAre(page: Page, want: string[]): Promise<void> {
    await page.getByRole('heading', { name: 'Résultats de recherche', level: 1 }).waitFor();
    let seen: string[] = [];
    for (let i = 0; i < 50; i++) {
      seen = await subjects(page);
      if (JSON.stringify(seen) === JSON.stringify([...want].sort())) return;
      await page.waitForTimeout(100);
    }
    assert.deepEqual(seen, [...want].sort());
  }
  /** Opens the filters, fills them, searches. */
  async function search(page: Page, f: { from?: string; to?: string; subject?: string; after?: string; before?: string; att?: boolean }): Promise<void> {
    const form = page.getByRole('search');
    const toggle = form.getByRole('button', { name: 'Filtres de recherche' });
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    const g = form.getByRole('group', { name: 'Filtres de recherche' });
    await g.getByLabel('De', { exact: true }).fill(f.from ?? '');
    await g.getByLabel('À', { exact: true }).fill(f.to ?? '');
    await g.getByLabel('Objet').fill(f.subject ?? '');
    await g.getByLabel('Depuis le').fill(f.after ?? '');
    await g.getByLabel('Jusqu’au').fill(f.before ?? '');
    await g.getByLabel('Avec pièce jointe').setChecked(!!f.att);
    await g.getByRole('button', { name: 'Rechercher' }).click();
  }

  test('each filter narrows the results; the URL keeps them across a reload', async () => {
    const page = await signInPage(browser, base, karim);
    await search(page, { from: 'claire' });
    await resultsAre(page, ['Budget cantine', 'Inventaire du CDI']);
    await search(page, { to: 'secretariat' });
    await resultsAre(page, ['Inventaire du CDI']);
    await search(page, { subject: 'piscine' });
    await resultsAre(page, ['Sortie piscine']);
    await search(page, { after: '2024-06-01', before: '2024-06-30' });
    await resultsAre(page, ['Sortie piscine']);
    // "Jusqu'au" includes its day, "Depuis le" too.
    await search(page, { after: '2024-06-15', before: '2024-06-15' });
    await resultsAre(page, ['Sortie piscine']);
    await search(page, { after: '2024-03-10', before: '2024-09-01' });
    await resultsAre(page, ['Budget cantine', 'Sortie piscine']);
    await search(page, { att: true });
    await resultsAre(page, ['Programme jardin']);
    // Two filters together.
    await search(page, { from: 'paul', after: '2024-01-01', before: '2024-12-31' });
    await resultsAre(page, ['Sortie piscine']);
    assert.match(page.url(), /\/recherche\?from=paul&after=2024-01-01&before=2024-12-31$/);
    assert.deepEqual(await axe(page), [], 'axe on the results');
    await page.reload();
    await resultsAre(page, ['Sortie piscine']);
    assert.equal(await page.getByRole('search').getByLabel('Rechercher dans les messages').inputValue(), '');
    await page.getByRole('search').getByRole('button', { name: 'Filtres de recherche' }).click();
    assert.equal(await page.getByRole('group', { name: 'Filtres de recherche' }).getByLabel('De', { exact: true }).inputValue(), 'paul', 'the fields show the filters of the URL');
    await page.context().close();
  });

  test('no result: the empty message; axe; dates in the wrong order get a message and stay', async () => {
    const page = await signInPage(browser, base, karim);
    await search(page, { after: '2024-07-01', before: '2024-06-01' });
    const g = page.getByRole('group', { name: 'Filtres de recherche' });
    assert.equal((await g.getByRole('alert').textContent())?.trim(), 'La date « Depuis le » est après la date « Jusqu’au » : corrigez l’une des deux.');
    assert.equal(await g.getByLabel('Depuis le').inputValue(), '2024-07-01', 'what was typed stays');
    assert.match(page.url(), /\/mail/, 'no search was run');
    assert.deepEqual(await axe(page), [], 'axe with the message');
    await search(page, { subject: 'introuvable' });
    await page.getByRole('heading', { name: 'Résultats de recherche', level: 1 }).waitFor();
    await page.getByText('Aucun message ne correspond à la recherche.').waitFor();
    assert.deepEqual(await axe(page), []);
    await page.context().close();
  });

  test('at 360 px the search filters fit without horizontal scrolling', async () => {
    const page = await signInPage(browser, base, karim, {}, { width: 360, height: 740 });
    await page.getByRole('search').getByRole('button', { name: 'Filtres de recherche' }).click();
    await page.getByRole('group', { name: 'Filtres de recherche' }).waitFor();
    assert.equal(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), true);
    assert.deepEqual(await axe(page), []);
    await page.context().close();
  });
});
