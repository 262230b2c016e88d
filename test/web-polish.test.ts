/** Small webmail defects on the real server: partial permanent delete (RFC 8620 §5.3 notDestroyed), deleting the folder in view, focus after the folder dialogs, INBOX names (RFC 9051 §5.1). */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import type { Browser, Locator, Page } from 'playwright-core';
import type { TestApp } from './helpers/app.ts';
import { browserSuite } from './helpers/browser-suite.ts';
import { axe, hasChromium, jmapRequest, launchLoopback, mailState, signInPage } from './web-helpers.ts';

describe('webmail polish: folders and deleting (browser, real server)', { skip: hasChromium ? false : 'chromium is not installed (/usr/bin/chromium)' }, () => {
  let app: TestApp;
  let browser: Browser;
  let base = '';
  browserSuite({}, (s) => ({ app, browser, base } = s));
  let lea: { id: number; address: string; password: string };

  async function mx(subject: string): Promise<void> {
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: app!.ports.smtp, secure: false, ignoreTLS: true });
    await t.sendMail({ from: 'Claire Martin <claire.martin@mairie.example>', to: lea.address, subject, text: 'Bonjour.' });
    t.close();
  }
  const boxes = async () => (await jmapRequest(base, lea, [['Mailbox/get', { ids: null, properties: ['id', 'name', 'parentId', 'role', 'totalEmails'] }, 'b']]))[0]![1].list as { id: string; name: string; parentId: string | null; role: string | null; totalEmails: number }[];
  const byRole = async (role: string) => (await boxes()).find((b) => b.role === role)!;
  const row = (page: Page, subject: string): Locator => page.locator('.row', { has: page.locator('.row-subject', { hasText: subject }) });
  const focused = (page: Page) => page.evaluate(() => { const a = (globalThis as any).document.activeElement; return `${a.tagName.toLowerCase()}${a.id ? '#' + a.id : ''}:${a.textContent.trim()}`; });
  async function manage(page: Page): Promise<Locator> {
    await page.getByRole('button', { name: 'Gérer les dossiers' }).click();
    const d = page.getByRole('dialog', { name: 'Gérer les dossiers' });
    await d.waitFor();
    return d;
  }

  before(async () => {
    lea = await app.account('Léa', 'Roux');
    for (const s of ['Corb 1', 'Corb 2', 'Corb 3']) await mx(s);
    const trash = await byRole('trash');
    const st = await mailState(base, lea);
    await jmapRequest(base, lea, [['Email/set', { update: Object.fromEntries(st.map((m) => [m.id, { mailboxIds: { [trash.id]: true } }])) }, 's']]);
  });

  test('permanent delete from the Trash: a message the server refuses to destroy is counted and stays listed', async () => {
    const page = await signInPage(browser, base, lea);
    await page.locator('#folders-nav a.folder', { hasText: 'Corbeille' }).click();
    await page.getByRole('heading', { name: 'Corbeille' }).waitFor();
    const refusedSubject = 'Corb 2';
    const refusedId = (await mailState(base, lea)).find((m) => m.subject === refusedSubject)!.id;
    // The server destroys the others; this one comes back in notDestroyed (RFC 8620 §5.3), as a store refusing it would.
    await page.route('**/jmap/api', async (route) => {
      const body = route.request().postDataJSON() as { methodCalls: [string, Record<string, unknown>, string][] };
      const call = body.methodCalls.find(([n, a]) => n === 'Email/set' && Array.isArray(a.destroy));
      if (!call) return route.fallback();
      call[1].destroy = (call[1].destroy as string[]).filter((id) => id !== refusedId);
      const r = await route.fetch({ postData: JSON.stringify(body) });
      const json = (await r.json()) as { methodResponses: [string, Record<string, unknown>, string][] };
      for (const m of json.methodResponses) if (m[0] === 'Email/set') m[1].notDestroyed = { ...(m[1].notDestroyed as object | null ?? {}), [refusedId]: { type: 'forbidden' } };
      await route.fulfill({ response: r, json });
    });
    for (const s of ['Corb 1', 'Corb 2', 'Corb 3']) await row(page, s).getByRole('checkbox').check();
    await page.locator('.list-head').getByRole('button', { name: 'Supprimer' }).click();
    const toast = page.locator('.toast', { hasText: 'n’a pas pu être supprimé' });
    await toast.waitFor();
    assert.equal((await toast.locator('span').first().textContent())?.trim(), '1 message n’a pas pu être supprimé (2 supprimé(s) définitivement) ; il reste dans la liste.');
    assert.equal(await page.locator('.toast', { hasText: 'supprimés définitivement.' }).count(), 0, 'no claim that all were deleted');
    await row(page, 'Corb 1').waitFor({ state: 'detached' });
    await row(page, 'Corb 2').waitFor();
    assert.deepEqual((await mailState(base, lea)).map((m) => m.subject).filter((s) => s.startsWith('Corb')), ['Corb 2'], 'the server holds only the refused one');
    assert.deepEqual(await axe(page), []);
    await page.context().close();
  });

  test('deleting the folder in view goes back to the inbox; focus returns to the opener, then to the next entry', async () => {
    await jmapRequest(base, lea, [['Mailbox/set', { create: { a: { name: 'Sortie au musée', parentId: null }, b: { name: 'Zoo', parentId: null } } }, 'm']]);
    const page = await signInPage(browser, base, lea);
    await page.locator('#folders-nav a.folder', { hasText: 'Sortie au musée' }).click();
    await page.getByRole('heading', { name: 'Sortie au musée' }).waitFor();
    const gone = (await boxes()).find((b) => b.name === 'Sortie au musée')!;
    assert.match(page.url(), new RegExp(`/mail/${gone.id}$`));
    const d = await manage(page);
    // Cancelling the confirmation: the focus is back on the button that opened it, the folder dialog still open.
    await d.getByRole('button', { name: 'Supprimer Sortie au musée' }).click();
    let c = page.getByRole('dialog', { name: 'Supprimer le dossier ?' });
    await c.waitFor();
    assert.deepEqual(await axe(page), [], 'axe with the confirmation over the folder dialog');
    await page.keyboard.press('Escape');
    await c.waitFor({ state: 'detached' });
    assert.equal(await d.isVisible(), true, 'Escape closes only the confirmation');
    assert.equal(await focused(page), 'button:Supprimer Sortie au musée');
    // Confirmed: the folder is gone, the focus on the entry now in its place, the page on the inbox.
    await page.keyboard.press('Enter');
    c = page.getByRole('dialog', { name: 'Supprimer le dossier ?' });
    await c.getByRole('button', { name: 'Supprimer' }).click();
    await d.locator('.folder-name', { hasText: 'Sortie au musée' }).waitFor({ state: 'detached' });
    await page.waitForFunction(() => (globalThis as any).document.activeElement?.classList.contains('folder-name'));
    assert.equal(await focused(page), `span#fe-${(await boxes()).find((b) => b.name === 'Zoo')!.id}:Zoo`);
    assert.equal((await boxes()).some((b) => b.name === 'Sortie au musée'), false);
    await page.keyboard.press('Escape');
    await d.waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: 'Boîte de réception' }).waitFor();
    assert.equal(page.url().includes(gone.id), false, 'the address no longer names the deleted folder');
    assert.equal(await focused(page), 'button:Gérer les dossiers', 'the folder dialog gives the focus back to its opener');
    await page.context().close();
  });

  test('after a rename the focus is on the renamed entry; emptying the Trash puts it on the Trash entry', async () => {
    await mx('Encore');
    const st = await mailState(base, lea);
    await jmapRequest(base, lea, [['Email/set', { update: { [st.find((m) => m.subject === 'Encore')!.id]: { mailboxIds: { [(await byRole('trash')).id]: true } } } }, 's']]);
    const page = await signInPage(browser, base, lea);
    const d = await manage(page);
    await d.getByRole('button', { name: 'Renommer Zoo' }).click();
    await d.getByLabel('Nouveau nom du dossier « Zoo »').fill('Zoo de Vincennes');
    await page.keyboard.press('Enter');
    await d.locator('.folder-name', { hasText: 'Zoo de Vincennes' }).waitFor();
    const zoo = (await boxes()).find((b) => b.name === 'Zoo de Vincennes')!;
    assert.equal(await focused(page), `span#fe-${zoo.id}:Zoo de Vincennes`);
    await d.getByRole('button', { name: 'Vider Corbeille' }).click();
    await page.getByRole('dialog', { name: 'Vider le dossier ?' }).getByRole('button', { name: 'Vider' }).click();
    await d.getByRole('button', { name: 'Vider Corbeille' }).waitFor({ state: 'detached' });
    await page.waitForFunction(() => (globalThis as any).document.activeElement?.classList.contains('folder-name'));
    assert.equal(await focused(page), `span#fe-${(await byRole('trash')).id}:Corbeille`);
    assert.equal((await byRole('trash')).totalEmails, 0);
    await page.context().close();
  });

  test('a top-level folder named "inbox" in any case is refused before asking, as the server would (INBOX is case-insensitive)', async () => {
    const page = await signInPage(browser, base, lea);
    const d = await manage(page);
    const field = d.getByLabel('Nom du nouveau dossier');
    let sets = 0;
    page.on('request', (r) => { if (r.url().endsWith('/jmap/api') && r.postData()?.includes('Mailbox/set')) sets++; });
    for (const name of ['inbox', 'Inbox', 'INBOX']) {
      await field.fill(name);
      await page.keyboard.press('Enter');
      await d.getByRole('alert').filter({ hasText: 'Un dossier de ce nom existe déjà à cet endroit.' }).waitFor({ timeout: 5000 });
      assert.equal(await field.inputValue(), name, 'kept');
    }
    assert.equal(sets, 0, 'nothing sent');
    // Under another folder the name is free (only the first segment is INBOX).
    await field.fill('Inbox');
    await d.getByLabel('Dans').selectOption({ label: 'Zoo de Vincennes' });
    await d.getByRole('button', { name: 'Créer' }).click();
    await d.locator('.folder-name', { hasText: /^Inbox$/ }).waitFor();
    assert.ok((await boxes()).some((b) => b.name === 'Inbox' && b.parentId !== null));
    await page.context().close();
  });
});
