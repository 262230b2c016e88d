/** Storage on the real server: the 80/90/100 % warnings and gauge (RFC 9425 Quota/get), a full mailbox over SMTP (RFC 3463 X.2.2), the "Libérer de l’espace" assistant, phone width and English formats. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { axe, hasChromium, jmapRequest, launchLoopback, mailState, signInPage } from './web-helpers.ts';
import { getQuota } from '../src/mail/quota.ts';
import type { AccountId } from '../src/store/ids.ts';

type Who = { id: number; address: string; password: string };

describe('storage warnings and assistant (browser, real server)', { skip: hasChromium ? false : 'chromium is not installed (/usr/bin/chromium)' }, () => {
  let app: TestApp;
  let browser: Browser;
  let base = '';

  before(async () => {
    app = await startTestApp();
    base = app.ctx.config.publicUrl.replace(/\/+$/, '');
    browser = await launchLoopback();
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  const used = async (who: Who) => (await getQuota(app.ctx.store, who.id as AccountId))!.used;

  /** A raw message of exactly `n` bytes (lines of 78 octets), so what it costs is known. */
  function rawMessage(subject: string, n: number, from = 'claire.martin@mairie.example'): Buffer {
    const head = `From: Claire Martin <${from}>\r\nTo: x@x\r\nSubject: ${subject}\r\nDate: Tue, 03 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n`;
    // Ends with CRLF, so the SMTP end of data adds nothing (RFC 5321 §4.1.1.4): a first line of
    // 0–79 octets, then lines of 78.
    const room = n - Buffer.byteLength(head) - 2;
    const lines = Math.floor(room / 80);
    return Buffer.from(head + 'y'.repeat(room - 80 * lines) + '\r\n' + ('x'.repeat(78) + '\r\n').repeat(lines), 'utf8');
  }

  /** Delivered over SMTP (the MX door): resolves with nodemailer's info or rejects with its error. */
  async function mx(to: string[], raw: Buffer) {
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: app.ports.smtp, secure: false, ignoreTLS: true });
    try {
      return await t.sendMail({ envelope: { from: 'claire.martin@mairie.example', to }, raw });
    } finally {
      t.close();
    }
  }

  /** The bytes the server adds to a message delivered to one recipient (its trace header), measured once. */
  let overhead = -1;
  /** Fill `who`'s quota up to `fraction` of `limit` with one delivered message. */
  async function fillTo(who: Who, limit: number, fraction: number, subject: string): Promise<void> {
    if (overhead < 0) {
      const before = await used(who);
      await mx([who.address], rawMessage('Mesure', 3000));
      overhead = (await used(who)) - before - 3000;
    }
    await mx([who.address], rawMessage(subject, Math.round(limit * fraction) - (await used(who)) - overhead));
    assert.equal(await used(who), Math.round(limit * fraction), 'the quota is filled exactly');
  }

  const banner = (p: Page) => p.locator('.banner', { hasText: /messagerie/ });
  /** French puts a narrow no-break space before "%" and inside numbers: compare with plain spaces. */
  const norm = (s: string | null) => (s ?? '').replace(/\s/g, ' ');
  const valueText = async (p: Page) => norm(await p.getByRole('meter').getAttribute('aria-valuetext'));

  test('no banner under 80 %; warnings at 80, 90 and 100 % with the gauge’s value; a full mailbox refuses mail with 452 4.2.2 and loses nothing it accepted', async () => {
    const limit = 400_000;
    const lea = await app.account('Léa', 'Quota', { quotaBytes: limit });
    const other = await app.account('Marc', 'Voisin');
    await fillTo(lea, limit, 0.5, 'Compte rendu du conseil');
    const p = await signInPage(browser, base, lea);
    const meter = p.getByRole('meter', { name: /utilisés sur/ });
    await meter.waitFor();
    assert.equal(await valueText(p), '50 %');
    assert.equal(await banner(p).count(), 0, 'no banner under 80 %');

    await fillTo(lea, limit, 0.82, 'Photos de la sortie');
    await banner(p).waitFor();
    assert.match(norm(await banner(p).innerText()), /remplie à 82 %/);
    assert.match((await banner(p).getAttribute('class'))!, /warning/);
    assert.equal(await valueText(p), '82 %');

    await fillTo(lea, limit, 0.91, 'Bulletins scannés');
    await p.getByText(/presque pleine \(91\s%\)/).waitFor();
    assert.match((await banner(p).getAttribute('class'))!, /danger/);
    assert.equal(await valueText(p), '91 %');

    // A message to two people that the first one's quota cannot hold: the SMTP answer is 250
    // (Marc has room), so it must reach Léa too (RFC 5321 §6.1: accepted means delivered or bounced).
    const shared = rawMessage('Réunion parents-professeurs', Math.round(limit * 0.12));
    const info = await mx([lea.address, other.address], shared);
    assert.deepEqual(info.accepted.sort(), [lea.address, other.address].sort());
    const leaMail = await mailState(base, lea);
    assert.ok(leaMail.some((m) => m.subject === 'Réunion parents-professeurs'), 'accepted for Léa, so delivered to Léa');
    assert.ok((await mailState(base, other)).some((m) => m.subject === 'Réunion parents-professeurs'));

    await p.getByText(/pleine : les nouveaux messages sont refusés/).waitFor();
    assert.match(norm(await banner(p).innerText()), /Libérez de l’espace maintenant/);
    assert.ok(await banner(p).getByRole('button', { name: 'Libérer de l’espace' }).isVisible(), 'the banner says what to do');
    assert.equal(await valueText(p), '100 %');
    assert.deepEqual(await axe(p), []);

    // Full: the MX refuses the recipient at RCPT with a temporary 452 4.2.2 (RFC 3463 §3.3 X.2.2,
    // RFC 5321 §4.5.3.1.10), and nothing is stored for her.
    const before = (await mailState(base, lea)).length;
    await assert.rejects(mx([lea.address], rawMessage('Trop tard', 2000)), (e: any) => /^452 4\.2\.2/.test(e.response ?? '') && e.rejected?.includes(lea.address));
    const both = await mx([lea.address, other.address], rawMessage('Pour les deux', 2000));
    assert.deepEqual(both.rejected, [lea.address]);
    assert.deepEqual(both.accepted, [other.address]);
    assert.equal((await mailState(base, lea)).length, before, 'nothing stored past the refusal');
    assert.ok((await mailState(base, other)).some((m) => m.subject === 'Pour les deux'));
    await p.context().close();
  });
  test('the assistant lists the largest messages with what each frees; deleting one updates the gauge and the list; archiving is not offered as freeing space', async () => {
    const limit = 1_000_000;
    const tom = await app.account('Tom', 'Espace', { quotaBytes: limit });
    await mx([tom.address], rawMessage('Photos de la sortie', 300_000));
    await mx([tom.address], rawMessage('Bulletins scannés', 120_000));
    await mx([tom.address], rawMessage('Menu de la cantine', 20_000));
    const p = await signInPage(browser, base, tom);
    await p.goto(`${base}/espace`);
    await p.getByRole('heading', { name: 'Libérer de l’espace' }).waitFor();
    const rows = p.locator('.messages-table tbody tr');
    await rows.first().waitFor();
    assert.deepEqual((await rows.locator('strong').allInnerTexts()), ['Photos de la sortie', 'Bulletins scannés', 'Menu de la cantine'], 'largest first');
    const big = rows.filter({ hasText: 'Photos de la sortie' });
    assert.ok(await big.getByRole('button', { name: /^Supprimer \(libère 294\sko\)$/ }).isVisible(), 'the button states what it frees');
    // The quota counts every folder (RFC 9208 §5.1 STORAGE, src/mail/quota.ts): moving to Archive frees nothing.
    assert.equal(await rows.getByRole('button', { name: /Archiver/ }).count(), 0, 'no archive button in a list of what frees space');
    assert.match(norm(await p.locator('.storage').innerText()), /Archiver un message ne libère pas de place/);
    const gaugeBefore = await valueText(p);
    assert.equal(gaugeBefore, '44 %');
    assert.deepEqual(await axe(p), []);

    await big.getByRole('button', { name: /^Supprimer/ }).click();
    await p.getByText(/294\sko libérés/).waitFor();
    await rows.filter({ hasText: 'Photos de la sortie' }).waitFor({ state: 'detached' });
    await p.waitForFunction(() => (globalThis as any).document.querySelector('meter')?.getAttribute('aria-valuetext')?.startsWith('14'));
    assert.match(norm(await p.locator('.storage').innerText()), /Vous utilisez .* \(14 %\)/);
    assert.equal(await rows.count(), 2);
    assert.ok(!(await mailState(base, tom)).some((m) => m.subject === 'Photos de la sortie'), 'deleted on the server');
    await p.context().close();
  });
  /** What sticks out past the right edge: the page's own overflow and any element shown beyond it (not the inside of a closed <details>). */
  async function overflow(p: Page): Promise<string[]> {
    return p.evaluate(() => {
      const d = (globalThis as any).document;
      const w = d.documentElement.clientWidth;
      const out: string[] = [];
      if (d.documentElement.scrollWidth > w) out.push(`page scrolls: ${d.documentElement.scrollWidth} > ${w}`);
      for (const e of d.querySelectorAll('body *')) {
        const r = e.getBoundingClientRect();
        if (r.width > 0 && r.height > 1 && r.right > w + 1 && !e.closest('.sr-only') && e.checkVisibility({ visibilityProperty: true })) out.push(`${e.tagName.toLowerCase()}.${e.className} in ${e.parentElement?.className}/${e.parentElement?.parentElement?.className} «${(e.textContent ?? '').slice(0, 30)}»: ${Math.round(r.right)}`);
      }
      return out.slice(0, 5);
    });
  }

  test('360 × 740: the assistant, security settings, help pages and the composer’s attachments fit and pass axe', async () => {
    const zoe = await app.account('Zoé', 'Téléphone', { quotaBytes: 500_000 });
    const file = 'Compte-rendu-du-conseil-pedagogique-du-troisieme-trimestre-version-definitive.pdf';
    const raw = rawMessage('Compte rendu du conseil pédagogique du troisième trimestre, version définitive', 1000).toString('utf8')
      .replace('Content-Type: text/plain; charset=us-ascii\r\n\r\n', `Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nCi-joint.\r\n--b\r\nContent-Type: application/pdf; name="${file}"\r\nContent-Disposition: attachment; filename="${file}"\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.alloc(120_000, 7).toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n--b--\r\n`);
    await mx([zoe.address], Buffer.from(raw));
    const p = await signInPage(browser, base, zoe, {}, { width: 360, height: 740 });
    const screens: [string, () => Promise<void>][] = [
      ['/espace', () => p.locator('.attachments-table').getByText(file).waitFor()],
      ['/parametres/securite', () => p.getByRole('heading', { level: 2 }).first().waitFor()],
      ['/aide', () => p.getByRole('heading', { level: 1 }).first().waitFor()],
      ...['premiers-pas', 'hameconnage', 'thunderbird', 'telephone', 'faq', 'raccourcis', 'problemes'].map((id): [string, () => Promise<void>] => [`/aide/${id}`, () => p.locator('a[aria-current="page"]').first().waitFor()]),
    ];
    for (const [path, ready] of screens) {
      await p.goto(base + path);
      await ready();
      assert.deepEqual(await overflow(p), [], `${path} fits 360 px`);
      assert.deepEqual(await axe(p), [], `${path} passes axe`);
    }
    assert.match(norm(await p.locator('main').innerText()), /Archiver ne libère pas de place/, 'the last page, “problemes”: the help for a full mailbox does not send people to Archive');
    await p.goto(base + '/');
    await p.getByRole('button', { name: 'Menu des dossiers' }).click();
    await p.getByRole('button', { name: 'Nouveau message' }).first().click();
    await p.locator('input[type=file]').first().setInputFiles({ name: file, mimeType: 'application/pdf', buffer: Buffer.alloc(2000, 1) });
    await p.getByRole('list', { name: /pièces jointes/i }).getByText(file).waitFor();
    await p.getByRole('button', { name: `Retirer ${file}` }).waitFor();
    assert.deepEqual(await overflow(p), [], 'the composer with a long attachment name fits 360 px');
    assert.deepEqual(await axe(p), []);
    await p.context().close();
  });
  test('English chosen in Settings › Language: list dates, sizes and the quota banner follow; French comes back', async () => {
    const ana = await app.account('Ana', 'Langue', { quotaBytes: 2_000_000 });
    await mx([ana.address], rawMessage('Photos de la sortie', 1_700_000));
    // An older message (three days ago, RFC 8621 §4.8 Email/import sets its receivedAt) shows a date, not a time.
    const when = new Date(Date.now() - 3 * 86_400_000);
    const up = await fetch(`${base}/jmap/upload/a${ana.id}/`, { method: 'POST', headers: { authorization: 'Basic ' + Buffer.from(`${ana.address}:${ana.password}`).toString('base64'), 'content-type': 'message/rfc822' }, body: rawMessage('Conseil de classe', 1500) });
    const inbox = (await jmapRequest(base, ana, [['Mailbox/query', { filter: { role: 'inbox' } }, 'm']]))[0]![1].ids[0];
    const imp = await jmapRequest(base, ana, [['Email/import', { emails: { i: { blobId: ((await up.json()) as { blobId: string }).blobId, mailboxIds: { [inbox]: true }, receivedAt: when.toISOString() } } }, 'i']]);
    assert.ok(imp[0]![1].created?.i, JSON.stringify(imp));
    const sameYear = when.getFullYear() === new Date().getFullYear();
    const dateIn = (loc: string) => new Intl.DateTimeFormat(loc, sameYear ? { day: 'numeric', month: 'short' } : { dateStyle: 'short' }).format(when);

    const p = await signInPage(browser, base, ana);
    const row = p.locator('.row', { hasText: 'Conseil de classe' }).first();
    const french = async () => {
      await p.getByText(/remplie à 85\s%/).waitFor();
      assert.match(norm(await row.innerText()), new RegExp(norm(dateIn('fr-FR')).replace('.', '\\.')));
      assert.match(norm(await p.locator('#quota-label').innerText()), /^1,6 Mo utilisés sur 1,9 Mo$/);
    };
    await row.waitFor();
    await french();
    await p.getByRole('link', { name: 'Paramètres' }).first().click();
    await p.getByRole('link', { name: 'Langue' }).click();
    await p.getByRole('radio', { name: 'English' }).check();
    await p.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    assert.match(norm(await p.locator('#quota-label').innerText()), /^1\.6 MB used of 1\.9 MB$/, 'the gauge is in English at once');
    assert.equal(await p.evaluate(() => (globalThis as any).document.documentElement.lang), 'en');
    await p.getByRole('link', { name: /^Inbox/ }).first().click();
    await p.getByText('Your mailbox is 85% full. Consider making some room.').waitFor();
    await row.waitFor();
    assert.match(norm(await row.innerText()), new RegExp(norm(dateIn('en-GB'))));
    assert.equal(await valueText(p), '85%');
    await p.getByRole('button', { name: 'Free up space' }).first().click();
    await p.getByRole('button', { name: /^Delete \(frees 1\.6 MB\)$/ }).waitFor();
    assert.match(await p.locator('.storage').innerText(), /You use 1\.6 MB of 1\.9 MB \(85%\)\./);
    assert.deepEqual(await axe(p), []);

    await p.getByRole('link', { name: 'Settings' }).first().click();
    await p.getByRole('link', { name: 'Language' }).click();
    await p.getByRole('radio', { name: 'Français' }).check();
    await p.getByRole('heading', { name: 'Paramètres', level: 1 }).waitFor();
    await p.getByRole('link', { name: /^Boîte de réception/ }).first().click();
    await row.waitFor();
    await french();
    await p.context().close();
  });
});
