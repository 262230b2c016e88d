/** Desktop notifications on the real server: new mail (JMAP push, RFC 8620 §7.3) raises one when allowed, never in quiet hours (droit à la déconnexion). */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { TestApp } from './helpers/app.ts';
import { browserSuite, mxSend } from './helpers/browser-suite.ts';
import { hasChromium, launchLoopback, signInPage } from './web-helpers.ts';

describe('desktop notifications (browser, real server)', { skip: hasChromium ? false : 'chromium is not installed (/usr/bin/chromium)' }, () => {
  let app: TestApp;
  let browser: Browser;
  let base = '';
  browserSuite({}, (s) => ({ app, browser, base } = s));

  const mx = (to: string, subject: string): Promise<void> => mxSend(app, { from: 'claire.martin@mairie.example', to, subject, text: `Bonjour, ${subject}.` });

  /** Signed in with notifications allowed; the page's Notification records what it is asked to show. */
  async function page(who: { address: string; password: string }, prefs: Record<string, unknown>): Promise<Page> {
    const p = await signInPage(browser, base, who, { notifications: true, ...prefs });
    // The folders have loaded (the unread count that new mail is compared with).
    await p.getByRole('link', { name: /Boîte de réception/ }).first().waitFor();
    await p.evaluate(() => {
      const w = globalThis as any;
      w.__shown = [];
      w.Notification = class {
        static permission = 'granted';
        static requestPermission = async () => 'granted';
        constructor(title: string, o: { body?: string }) { w.__shown.push(`${title}: ${o?.body ?? ''}`); }
        close() {}
      };
    });
    return p;
  }
  const shown = (p: Page) => p.evaluate(() => (globalThis as any).__shown as string[]);

  test('the first new mail after sign-in is notified, and each one after', async () => {
    const lea = await app!.account('Léa', 'Moreau');
    // A first sign-in (no "new sign-in" notice comes to the inbox).
    const p = await page(lea, {});
    await p.waitForTimeout(300);
    const already = (await shown(p)).length;
    await mx(lea.address, 'Conseil de classe');
    await p.locator('.row-subject', { hasText: 'Conseil de classe' }).waitFor();
    await p.waitForFunction((n) => (globalThis as any).__shown.length > n, already);
    assert.deepEqual((await shown(p)).slice(already), ['Préau Messagerie: 1 nouveau message']);
    await mx(lea.address, 'Sortie au musée');
    await p.locator('.row-subject', { hasText: 'Sortie au musée' }).waitFor();
    await p.waitForFunction((n) => (globalThis as any).__shown.length > n, already + 1);
    assert.deepEqual((await shown(p)).slice(already), ['Préau Messagerie: 1 nouveau message', 'Préau Messagerie: 1 nouveau message']);
    await p.context().close();
  });

  test('quiet hours: outside working time nothing is shown; with quiet hours off it is', async () => {
    const noe = await app!.account('Noé', 'Girard');
    // No working day at all: now is always outside working time.
    const quiet = await page(noe, { workDays: [] });
    await mx(noe.address, 'Réunion tardive');
    await quiet.locator('.row-subject', { hasText: 'Réunion tardive' }).waitFor();
    await quiet.waitForTimeout(500);
    assert.deepEqual(await shown(quiet), [], 'quiet hours are on by default');
    await quiet.context().close();

    const ines = await app!.account('Inès', 'Haddad');
    const loud = await page(ines, { workDays: [], quietHours: false });
    await loud.waitForTimeout(300);
    const already = (await shown(loud)).length;
    await mx(ines.address, 'Message du soir');
    await loud.locator('.row-subject', { hasText: 'Message du soir' }).waitFor();
    await loud.waitForFunction((n) => (globalThis as any).__shown.length > n, already);
    assert.deepEqual((await shown(loud)).slice(already), ['Préau Messagerie: 1 nouveau message']);
    await loud.context().close();
  });
});
