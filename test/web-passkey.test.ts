/** Passkey second factor in the webmail (W3C WebAuthn Level 3) with Chromium's virtual authenticator (DevTools protocol), on the real server. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { freePort, startTestApp, type TestApp } from './helpers/app.ts';
import { axe, hasChromium, launchLoopback, signInPage } from './web-helpers.ts';

describe('passkey sign-in (browser, real server)', { skip: hasChromium ? false : 'chromium is not installed (/usr/bin/chromium)' }, () => {
  let app: TestApp | null = null;
  let browser: Browser;
  let base = '';
  let elodie: { address: string; password: string };

  before(async () => {
    // WebAuthn needs a secure context and a registrable domain as RP ID: http://localhost is both
    // (an IP address is not a valid RP ID). The server takes the RP ID from publicUrl's host.
    const httpPort = await freePort();
    app = await startTestApp({ httpPort, publicUrl: `http://localhost:${httpPort}` });
    elodie = await app.account('Élodie', 'Lefèvre');
    base = app.ctx.config.publicUrl.replace(/\/+$/, '');
    browser = await launchLoopback();
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  async function authenticator(page: Page): Promise<{ cdp: CDPSession; id: string }> {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const r = await cdp.send('WebAuthn.addVirtualAuthenticator', { options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true } });
    return { cdp, id: r.authenticatorId };
  }

  async function passwordStep(page: Page): Promise<void> {
    await page.getByLabel('Identifiant').fill(elodie.address);
    await page.getByLabel('Mot de passe').fill(elodie.password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('heading', { name: 'Vérification en deux étapes' }).waitFor();
  }

  test('enrol a passkey on the security page, then sign in with password and passkey', async () => {
    const page = await signInPage(browser, base, elodie);
    const names: string[] = [];
    page.on('dialog', (d) => { names.push(d.message()); void d.accept('Ordinateur du CDI'); });
    const { cdp, id } = await authenticator(page);

    await page.goto(`${base}/parametres/securite`);
    await page.getByRole('heading', { name: 'Clés d’accès' }).waitFor();
    await page.getByRole('button', { name: 'Ajouter une clé d’accès' }).click();
    // The first passkey turns two-step verification on and shows the recovery codes.
    await page.locator('.codes li').first().waitFor();
    assert.deepEqual(names, ['Nom de cette clé']);
    await page.getByText('Ordinateur du CDI').waitFor();
    const creds = (await cdp.send('WebAuthn.getCredentials', { authenticatorId: id })).credentials;
    assert.equal(creds.length, 1);
    assert.equal(creds[0]!.rpId, 'localhost');
    const registered = creds[0]!.signCount;
    assert.deepEqual(await axe(page), []);

    // Sign out; the password alone no longer opens the mailbox.
    await page.getByRole('button', { name: 'Se déconnecter', exact: true }).first().click();
    await passwordStep(page);
    assert.equal(await page.getByRole('heading', { name: 'Boîte de réception' }).count(), 0);
    const use = page.getByRole('button', { name: 'Utiliser une clé d’accès' });
    assert.equal(await use.isVisible(), true, 'the second-factor page offers the passkey');
    assert.deepEqual(await axe(page), []);
    await use.click();
    await page.getByRole('heading', { name: 'Boîte de réception' }).waitFor();
    const after = (await cdp.send('WebAuthn.getCredentials', { authenticatorId: id })).credentials;
    assert.ok(after[0]!.signCount > registered, 'the authenticator signed an assertion');

    // The passkey stays listed on the security page.
    await page.goto(`${base}/parametres/securite`);
    await page.getByRole('heading', { name: 'Clés d’accès' }).waitFor();
    assert.equal(await page.getByText('Ordinateur du CDI').count(), 1);
    await page.context().close();
  });

  test('without the enrolled passkey (another authenticator), the second step fails and says so', async () => {
    const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(base);
    const { cdp, id } = await authenticator(page);
    // A credential for this site, but not one the server knows for Élodie.
    await passwordStep(page);
    await page.evaluate(`navigator.credentials.create({ publicKey: { rp: { id: 'localhost', name: 'x' }, user: { id: new Uint8Array([1, 2, 3]), name: 'intrus', displayName: 'Intrus' },
      challenge: new Uint8Array(32), pubKeyCredParams: [{ type: 'public-key', alg: -7 }], authenticatorSelection: { residentKey: 'required' } } }).then((c) => !!c)`);
    assert.equal((await cdp.send('WebAuthn.getCredentials', { authenticatorId: id })).credentials.length, 1);
    await page.getByRole('button', { name: 'Utiliser une clé d’accès' }).click();
    // The browser finds no key of Élodie's on this device (NotAllowedError): said plainly, not as a server fault.
    await page.getByRole('alert').filter({ hasText: 'La clé d’accès n’a pas été utilisée.' }).waitFor({ timeout: 20_000 });
    assert.equal(await page.getByRole('heading', { name: 'Boîte de réception' }).count(), 0);
    assert.equal(await page.getByRole('heading', { name: 'Vérification en deux étapes' }).count(), 1);
    await context.close();
  });
});
