/** Writing on the real server: an inline image travels as cid: (RFC 2392) in multipart/related, undo send reopens the draft with its image, and nothing leaves meanwhile. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import type { TestApp } from './helpers/app.ts';
import { browserSuite } from './helpers/browser-suite.ts';
import { hasChromium, jmapRequest, launchLoopback, settledValue, signInPage } from './web-helpers.ts';

/** A 3 × 2 red PNG (RFC 2083): signature, IHDR, one IDAT, IEND. */
function png(): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(3, 0);
  ihdr.writeUInt32BE(2, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.from([0, 255, 0, 0, 255, 0, 0, 255, 0, 0]);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat([row, row]))), chunk('IEND', Buffer.alloc(0))]);
}

describe('writing (browser, real server)', { skip: hasChromium ? false : 'chromium is not installed (/usr/bin/chromium)' }, () => {
  let app: TestApp;
  let browser: Browser;
  let base = '';
  browserSuite({}, (s) => ({ app, browser, base } = s));
  let elodie: { id: number; address: string; password: string };
  let karim: { id: number; address: string; password: string };

  before(async () => {
    elodie = await app.account('Élodie', 'Lefèvre');
    karim = await app.account('Karim', 'Benali');
  });

  /** Karim's messages with this subject, with their HTML body and attachments (RFC 8621 §4.2). */
  async function received(subject: string): Promise<{ html: string; attachments: { type: string; cid: string | null; disposition: string | null }[] }[]> {
    const r = await jmapRequest(base, karim, [
      ['Email/query', { filter: { subject } }, 'q'],
      ['Email/get', { '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' }, properties: ['htmlBody', 'bodyValues', 'attachments'], fetchHTMLBodyValues: true }, 'g'],
    ]);
    return (r[1]![1].list as { htmlBody: { partId: string }[]; bodyValues: Record<string, { value: string }>; attachments: { type: string; cid: string | null; disposition: string | null }[] }[])
      .map((e) => ({ html: e.bodyValues[e.htmlBody[0]!.partId]?.value ?? '', attachments: e.attachments }));
  }

  /** The images of the editor, once loaded: their natural width (0 while broken). */
  const editorImages = (page: Page) => page.locator('.editor-area img[src]').evaluateAll((els) => els.map((e) => (e as any).complete && (e as any).naturalWidth));

  test('an inline image: undo send reopens the draft with it, then it arrives as cid: and shows to the recipient', async () => {
    const page = await signInPage(browser, base, elodie, { undoSeconds: 4 });
    await page.getByRole('button', { name: /Nouveau message/ }).click();
    const to = page.getByRole('combobox', { name: 'À' });
    await to.fill(karim.address);
    await to.press('Enter');
    await page.getByLabel('Objet').fill('Affiche de la kermesse');
    await page.locator('.editor-area').click();
    await page.keyboard.type('Voici l’affiche :');
    await page.locator('label', { hasText: 'Insérer une image' }).locator('input[type=file]').setInputFiles({ name: 'affiche.png', mimeType: 'image/png', buffer: png() });
    await page.locator('.editor-area img[src]').waitFor();
    await page.waitForFunction(() => [...(globalThis as any).document.querySelectorAll('.editor-area img[src]')].every((i: any) => i.complete && i.naturalWidth === 3));

    // Undo within the delay: nothing is sent, the draft comes back with its image shown.
    await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await page.getByText(/Envoi dans 4 secondes/).waitFor();
    await page.getByRole('button', { name: 'Annuler' }).click();
    await page.getByLabel('Objet').waitFor();
    assert.equal(await settledValue(page.getByLabel('Objet'), 'Affiche de la kermesse'), 'Affiche de la kermesse');
    await page.locator('.editor-area img[src]').waitFor();
    await page.waitForFunction(() => [...(globalThis as any).document.querySelectorAll('.editor-area img[src]')].every((i: any) => i.complete && i.naturalWidth === 3));
    assert.deepEqual(await editorImages(page), [3], 'the draft reopens with its image');
    await page.waitForTimeout(4500);
    assert.deepEqual(await received('Affiche de la kermesse'), [], 'nothing was sent');

    await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await page.getByText('Message envoyé.').waitFor({ timeout: 15_000 });
    let got = await received('Affiche de la kermesse');
    for (let i = 0; i < 50 && !got.length; i++) {
      await page.waitForTimeout(100);
      got = await received('Affiche de la kermesse');
    }
    assert.equal(got.length, 1, 'Karim received it once');
    const [mail] = got;
    const cid = /<img[^>]+src="cid:([^"]+)"/.exec(mail!.html)?.[1];
    assert.ok(cid, `the image is referenced by cid: in ${mail!.html}`);
    assert.doesNotMatch(mail!.html, /\/jmap\/download|inline=1/, 'no link to the sender’s own download URL');
    assert.deepEqual(mail!.attachments.map((a) => [a.type, a.cid, a.disposition]), [['image/png', cid, 'inline']]);
    await page.context().close();

    // Karim sees the image in the message (cid: shown through his own download URL).
    const k = await signInPage(browser, base, karim);
    await k.locator('.row-subject', { hasText: 'Affiche de la kermesse' }).click();
    const frame = k.frameLocator('iframe.mail-frame');
    await frame.getByText('Voici l’affiche').waitFor();
    await k.waitForFunction(() => {
      const d = (globalThis as any).document.querySelector('iframe.mail-frame')?.contentDocument;
      const img = d?.querySelector('img');
      return !!img && img.complete && img.naturalWidth === 3;
    });
    await k.context().close();
  });
});
