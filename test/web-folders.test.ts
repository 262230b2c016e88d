/** Folder management in the webmail on the real server: create, sub-folder, rename, delete (RFC 8621 §2.5 Mailbox/set), bad names, emptying Trash and Junk, keyboard and axe. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Locator, Page } from 'playwright-core';
import type { TestApp } from './helpers/app.ts';
import { browserSuite, mxSend } from './helpers/browser-suite.ts';
import { axe, hasChromium, jmapRequest, launchLoopback, mailState, signInPage } from './web-helpers.ts';

describe('folder management (browser, real server)', { skip: hasChromium ? false : 'chromium is not installed (/usr/bin/chromium)' }, () => {
  let app: TestApp;
  let browser: Browser;
  let base = '';
  browserSuite({}, (s) => ({ app, browser, base } = s));
  let karim: { id: number; address: string; password: string };

  const mx = (subject: string): Promise<void> => mxSend(app, { from: 'Claire Martin <claire.martin@mairie.example>', to: karim.address, subject, text: 'Bonjour.' });
  const boxes = async () => (await jmapRequest(base, karim, [['Mailbox/get', { ids: null, properties: ['id', 'name', 'parentId', 'role', 'totalEmails'] }, 'b']]))[0]![1].list as { id: string; name: string; parentId: string | null; role: string | null; totalEmails: number }[];
  const boxNamed = async (name: string) => (await boxes()).find((b) => b.name === name);
  const byRole = async (role: string) => (await boxes()).find((b) => b.role === role)!;
  async function put(subject: string, mailboxIds: string[]): Promise<void> {
    const m = (await mailState(base, karim)).find((x) => x.subject === subject)!;
    const r = await jmapRequest(base, karim, [['Email/set', { update: { [m.id]: { mailboxIds: Object.fromEntries(mailboxIds.map((id) => [id, true])) } } }, 's']]);
    assert.ok(r[0]![1].updated, `${subject} filed`);
  }

  before(async () => {
    karim = await app.account('Karim', 'Benali');
    for (const s of ['Seulement ici', 'Aussi dans la boîte', 'Vieux 1', 'Vieux 2', 'Pub 1', 'Pub 2', 'Pub 3', 'Bloqué']) await mx(s);
    const [trash, junk] = [await byRole('trash'), await byRole('junk')];
    for (const s of ['Vieux 1', 'Vieux 2']) await put(s, [trash.id]);
    for (const s of ['Pub 1', 'Pub 2', 'Pub 3']) await put(s, [junk.id]);
  });

  async function manage(page: Page): Promise<Locator> {
    await page.getByRole('button', { name: 'Gérer les dossiers' }).click();
    const d = page.getByRole('dialog', { name: 'Gérer les dossiers' });
    await d.waitFor();
    return d;
  }
  const item = (d: Locator, name: string) => d.locator('li', { has: d.page().locator('.folder-name', { hasText: new RegExp(`^${name}$`) }) });
  /** The dialog's alert shows exactly `text` (once the server has answered, when it was asked). */
  async function alertSays(d: Locator, text: string): Promise<void> {
    await d.getByRole('alert').filter({ hasText: text }).waitFor({ timeout: 5000 }).catch(() => {});
    assert.equal((await d.getByRole('alert').textContent())?.trim(), text);
  }

  test('create a folder and a sub-folder with the keyboard only; bad names get a clear message and keep what was typed', async () => {
    const page = await signInPage(browser, base, karim);
    const d = await manage(page);
    assert.deepEqual(await axe(page), [], 'axe on the dialog');
    const field = d.getByLabel('Nom du nouveau dossier');
    // Empty: a message, nothing sent.
    await field.focus();
    await page.keyboard.press('Enter');
    await alertSays(d, 'Indiquez un nom de dossier.');
    assert.equal(await field.getAttribute('aria-invalid'), 'true');
    assert.deepEqual(await axe(page), [], 'axe with the error shown');
    // "/" is the hierarchy separator.
    await page.keyboard.type('Classe/6e');
    await page.keyboard.press('Enter');
    await alertSays(d, 'Un nom de dossier ne peut pas contenir « / ». Pour un sous-dossier, choisissez le dossier parent dans « Dans ».');
    assert.equal(await field.inputValue(), 'Classe/6e', 'what the user typed stays');
    // A good name, typed and sent with Enter.
    await field.fill('');
    await page.keyboard.type('Classe 6e A');
    await page.keyboard.press('Enter');
    await item(d, 'Classe 6e A').waitFor();
    assert.equal(await field.inputValue(), '');
    assert.equal(await d.getByRole('alert').count(), 0, 'the error is gone');
    const top = await boxNamed('Classe 6e A');
    assert.ok(top && top.parentId === null, 'created at top level');
    // The same name again at the same place.
    await page.keyboard.type('Classe 6e A');
    await page.keyboard.press('Enter');
    await alertSays(d, 'Un dossier de ce nom existe déjà à cet endroit.');
    // A name the server refuses (RFC 9051 §5.1: "%" and "*" are LIST wildcards).
    await field.fill('Cent % réussite');
    await page.keyboard.press('Enter');
    await alertSays(d, 'Ce nom de dossier n’est pas accepté (trop long, ou caractères % * non permis).');
    assert.equal(await field.inputValue(), 'Cent % réussite', 'kept after the server refused it');
    // A sub-folder: Tab to "Dans", choose the parent with the keyboard, Tab to Créer, Enter.
    await field.fill('Sorties');
    await page.keyboard.press('Tab');
    await d.getByLabel('Dans').selectOption({ label: 'Classe 6e A' });
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => (globalThis as any).document.activeElement.textContent), 'Créer');
    await page.keyboard.press('Enter');
    await item(d, 'Sorties').waitFor();
    assert.equal((await boxNamed('Sorties'))?.parentId, top.id, 'under its parent');
    assert.match((await item(d, 'Sorties').getAttribute('class')) ?? '', /depth-1/);
    // Escape closes the dialog; the folder list shows both.
    await page.keyboard.press('Escape');
    await d.waitFor({ state: 'detached' });
    await page.locator('#folders-nav a.folder', { hasText: 'Sorties' }).waitFor();
    await page.context().close();
  });

  test('rename a folder (Escape cancels, a duplicate is refused with the text kept)', async () => {
    await jmapRequest(base, karim, [['Mailbox/set', { create: { a: { name: 'Brouillon projet', parentId: null }, b: { name: 'Conseil', parentId: null } } }, 'm']]);
    const page = await signInPage(browser, base, karim);
    const d = await manage(page);
    await d.getByRole('button', { name: 'Renommer Brouillon projet' }).click();
    const input = d.getByLabel('Nouveau nom du dossier « Brouillon projet »');
    assert.equal(await input.evaluate((e) => e === (globalThis as any).document.activeElement), true, 'the field has the focus');
    // Escape leaves the rename, not the dialog.
    await page.keyboard.press('Escape');
    await input.waitFor({ state: 'detached' });
    assert.equal(await d.isVisible(), true);
    await d.getByRole('button', { name: 'Renommer Brouillon projet' }).click();
    await input.fill('Conseil');
    await page.keyboard.press('Enter');
    await alertSays(d, 'Un dossier de ce nom existe déjà à cet endroit.');
    assert.equal(await input.inputValue(), 'Conseil');
    await input.fill('Projet d’école');
    await page.keyboard.press('Enter');
    await item(d, 'Projet d’école').waitFor();
    const all = await boxes();
    assert.ok(all.some((b) => b.name === 'Projet d’école'));
    assert.ok(!all.some((b) => b.name === 'Brouillon projet'));
    assert.deepEqual(await axe(page), []);
    await page.context().close();
  });

  test('delete a folder: confirmation, messages only there are gone, a message also in the inbox stays; a folder with sub-folders says so', async () => {
    const folder = (await boxNamed('Sorties'))!;
    const inbox = await byRole('inbox');
    await put('Seulement ici', [folder.id]);
    await put('Aussi dans la boîte', [folder.id, inbox.id]);
    const page = await signInPage(browser, base, karim);
    let d = await manage(page);
    // The parent has a sub-folder: the server refuses, the dialog says why.
    await d.getByRole('button', { name: 'Supprimer Classe 6e A' }).click();
    let c = page.getByRole('dialog', { name: 'Supprimer le dossier ?' });
    await c.getByRole('button', { name: 'Supprimer' }).click();
    d = page.getByRole('dialog', { name: 'Gérer les dossiers' });
    await alertSays(d, 'Ce dossier contient des sous-dossiers : supprimez-les ou déplacez-les d’abord.');
    assert.ok(await boxNamed('Classe 6e A'));
    // Escape on the confirmation cancels.
    await d.getByRole('button', { name: 'Supprimer Sorties' }).click();
    c = page.getByRole('dialog', { name: 'Supprimer le dossier ?' });
    assert.match((await c.textContent()) ?? '', /« Sorties » et les messages qu’il contient seront supprimés définitivement\. Un message aussi rangé dans un autre dossier y reste\./);
    assert.deepEqual(await axe(page), [], 'axe on the confirmation');
    await page.keyboard.press('Escape');
    await c.waitFor({ state: 'detached' });
    assert.ok(await boxNamed('Sorties'), 'still there');
    d = page.getByRole('dialog', { name: 'Gérer les dossiers' });
    await d.getByRole('button', { name: 'Supprimer Sorties' }).click();
    await page.getByRole('dialog', { name: 'Supprimer le dossier ?' }).getByRole('button', { name: 'Supprimer' }).click();
    await item(page.getByRole('dialog', { name: 'Gérer les dossiers' }), 'Sorties').waitFor({ state: 'detached' });
    assert.equal(await boxNamed('Sorties'), undefined);
    const st = await mailState(base, karim);
    assert.equal(st.find((m) => m.subject === 'Seulement ici'), undefined, 'the message only in the folder is gone');
    assert.deepEqual(st.find((m) => m.subject === 'Aussi dans la boîte')!.mailboxes, ['INBOX'], 'the copy in the inbox stays');
    await page.context().close();
  });

  test('empty the Trash and the Junk folder after confirmation: empty on the server', async () => {
    const page = await signInPage(browser, base, karim);
    const d = await manage(page);
    for (const [name, role, n] of [['Corbeille', 'trash', 2], ['Indésirables', 'junk', 3]] as const) {
      assert.equal((await byRole(role)).totalEmails, n, `${name} holds ${n}`);
      await d.getByRole('button', { name: `Vider ${name}` }).click();
      const c = page.getByRole('dialog', { name: 'Vider le dossier ?' });
      assert.match((await c.textContent()) ?? '', new RegExp(`Les ${n} messages de « ${name} » seront supprimés définitivement\\.`));
      await c.getByRole('button', { name: 'Vider' }).click();
      await page.getByRole('dialog', { name: 'Gérer les dossiers' }).getByRole('button', { name: `Vider ${name}` }).waitFor({ state: 'detached' });
      assert.equal((await byRole(role)).totalEmails, 0, `${name} empty on the server`);
    }
    await page.context().close();
  });

  test('emptying stops with a clear message when the server destroys nothing (no endless loop)', async () => {
    await put('Bloqué', [(await byRole('trash')).id]);
    const page = await signInPage(browser, base, karim);
    let destroys = 0;
    // Every Email/set destroy is refused (RFC 8620 §5.3 notDestroyed), as a failing store would.
    await page.route('**/jmap/api', async (route) => {
      const body = route.request().postDataJSON() as { methodCalls: [string, Record<string, unknown>, string][] };
      const call = body.methodCalls.find(([n, a]) => n === 'Email/set' && Array.isArray(a.destroy));
      if (!call) return route.continue();
      destroys++;
      const ids = call[1].destroy as string[];
      await route.fulfill({ contentType: 'application/json', body: JSON.stringify({ sessionState: '0', methodResponses: [['Email/set', { accountId: call[1].accountId, oldState: '1', newState: '1', destroyed: null, notDestroyed: Object.fromEntries(ids.map((id) => [id, { type: 'forbidden' }])) }, call[2]]] }) });
    });
    const d = await manage(page);
    await d.getByRole('button', { name: 'Vider Corbeille' }).click();
    const c = page.getByRole('dialog', { name: 'Vider le dossier ?' });
    assert.match((await c.textContent()) ?? '', /Le message de « Corbeille » sera supprimé définitivement\./, 'singular');
    await c.getByRole('button', { name: 'Vider' }).click();
    const again = page.getByRole('dialog', { name: 'Gérer les dossiers' });
    await again.getByRole('alert').waitFor();
    await alertSays(again, 'Le dossier n’a pas pu être vidé : le serveur refuse de supprimer 1 message. Réessayez plus tard.');
    assert.equal(destroys, 1, 'one attempt, then it stops');
    assert.equal((await byRole('trash')).totalEmails, 1);
    assert.deepEqual(await axe(page), []);
    await page.context().close();
  });
});
