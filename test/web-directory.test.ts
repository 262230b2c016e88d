/** Staff directory: `GET /api/directory` on the real server (accents, titles, groups, disabled accounts, other domains, 401, rate limit) and recipient autocompletion in the composer (headless Chromium). */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium, type Browser } from 'playwright-core';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { axe, CHROMIUM, hasChromium, TEST_PREFS } from './web-helpers.ts';
import { createAccount, createDomain, createGroup } from '../src/accounts/service.ts';
import { likePattern, queryTokens, searchDirectory } from '../src/accounts/directory.ts';
import type { AccountId, DomainId } from '../src/store/ids.ts';

interface Person { id: number; address: string; password: string }

/** Accounts and groups shared by the API tests and the browser test. */
async function seed(app: TestApp) {
  const elodie = await app.account('Élodie', 'Lefèvre', { title: 'Professeure de lettres, collège Jean-Moulin' });
  const noemie = await app.account('Noémie', 'Lefebvre', { title: 'Conseillère principale d’éducation, collège Jean-Moulin' });
  const karim = await app.account('Karim', 'Benali', { title: 'Professeur d’EPS, lycée Condorcet' });
  const zoe = await app.account('Zoé', 'Cœurdacier', { title: 'Secrétaire de direction, rectorat' });
  const lea = await app.account('Léa', 'Lefort', { title: 'Professeure documentaliste, collège Jean-Moulin' });
  const robot = await app.account('Robot', 'Annuaire', { title: 'Compte de test du débit' });
  // An address unlike the name: only the folded name and title can find her.
  const helene = await app.account('Hélène', 'Ségur', { address: 'principal.0340001x', title: 'Principale, collège Jean-Moulin' });
  await app.ctx.store.db.updateTable('accounts').set({ status: 'disabled' }).where('id', '=', lea.id).execute();
  await createDomain(app.ctx.store, 'autre-academie.fr', 1 << 30);
  await createAccount(app.ctx.store, { domain: 'autre-academie.fr', firstName: 'Émile', lastName: 'Lefèvre', password: 'Un-autre-mot-de-passe-7', title: 'Professeur de lettres' });
  const moulin = await createGroup(app.ctx.store, app.domain, 'Collège Jean-Moulin', [elodie.id, noemie.id, lea.id] as AccountId[], 'Équipe du collège Jean-Moulin');
  const eps = await createGroup(app.ctx.store, app.domain, 'Équipe EPS', [karim.id] as AccountId[], 'Professeurs d’EPS', `eps@${app.domain}`);
  const foreign = await createGroup(app.ctx.store, 'autre-academie.fr', 'Lettres (autre académie)', [], '');
  return { elodie, noemie, karim, zoe, lea, robot, helene, moulin, eps, foreign };
}

describe('staff directory API', () => {
  let app: TestApp;
  let base = '';
  let s: Awaited<ReturnType<typeof seed>>;
  const cookies = new Map<number, string>();

  before(async () => {
    app = await startTestApp({}, { web: false });
    assert.ok(app.ports.http > 0, 'the HTTP door is started');
    base = `http://127.0.0.1:${app.ports.http}`;
    s = await seed(app);
  });
  after(async () => app?.stop());

  /** Sign in through POST /api/auth/login and keep the session cookie. */
  async function cookieOf(who: Person): Promise<string> {
    const have = cookies.get(who.id);
    if (have) return have;
    const r = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: new URL(app.ctx.config.publicUrl).origin },
      body: JSON.stringify({ identifier: who.address, password: who.password, sharedComputer: false }),
    });
    assert.equal(r.status, 200, await r.clone().text());
    assert.equal(((await r.json()) as { status: string }).status, 'ok');
    const c = r.headers.getSetCookie().map((x) => x.split(';')[0]).join('; ');
    cookies.set(who.id, c);
    return c;
  }

  async function dir(who: Person, query: string): Promise<{ status: number; body: any; headers: Headers }> {
    const r = await fetch(`${base}/api/directory?${query}`, { headers: { cookie: await cookieOf(who) } });
    return { status: r.status, body: await r.json(), headers: r.headers };
  }
  const emails = (b: { results: { email: string | null; kind: string; name: string }[] }) => b.results.map((x) => (x.kind === 'group' ? `group:${x.name}` : x.email));

  test('without a session: 401 problem details', async () => {
    const r = await fetch(`${base}/api/directory?q=lef`);
    assert.equal(r.status, 401);
    assert.match(r.headers.get('content-type') ?? '', /^application\/problem\+json/);
    const p = (await r.json()) as { code: string; type: string; status: number };
    assert.equal(p.code, 'unauthenticated');
    assert.equal(p.status, 401);
    assert.equal(p.type, 'urn:preau:problem:unauthenticated');
    assert.equal((await fetch(`${base}/api/directory/groups/${s.moulin}`)).status, 401);
  });

  test('accent- and case-insensitive search by name, both ways', async () => {
    const a = await dir(s.karim, 'q=elodie');
    assert.equal(a.status, 200);
    assert.deepEqual(a.body.results, [{ kind: 'person', name: 'Élodie Lefèvre', email: s.elodie.address, title: 'Professeure de lettres, collège Jean-Moulin' }]);
    assert.deepEqual(emails((await dir(s.karim, 'q=lefevre')).body), [s.elodie.address]);
    assert.deepEqual(emails((await dir(s.karim, `q=${encodeURIComponent('LEFÈVRE')}`)).body), [s.elodie.address]);
    assert.deepEqual(emails((await dir(s.elodie, `q=${encodeURIComponent('Noemie')}`)).body), [s.noemie.address]);
    // Ligatures: "coeur" finds "Cœurdacier" and "cœur" too.
    assert.deepEqual(emails((await dir(s.karim, 'q=coeur')).body), [s.zoe.address]);
    assert.deepEqual(emails((await dir(s.karim, `q=${encodeURIComponent('cœurd')}`)).body), [s.zoe.address]);
    assert.deepEqual(emails((await dir(s.karim, 'q=helene%20segur')).body), [s.helene.address]);
    assert.deepEqual(emails((await dir(s.karim, `q=${encodeURIComponent('HÉLÈNE')}`)).body), [s.helene.address]);
    assert.deepEqual(emails((await dir(s.karim, 'q=conseillere')).body), [s.noemie.address]);
    // Several words must all match, in any field.
    assert.deepEqual(emails((await dir(s.karim, `q=${encodeURIComponent('élodie lettres')}`)).body), [s.elodie.address]);
    assert.deepEqual((await dir(s.karim, 'q=elodie%20condorcet')).body.results, []);
  });

  test('by address and by function or school; never a disabled account nor another domain', async () => {
    assert.deepEqual(emails((await dir(s.elodie, `q=${encodeURIComponent(s.karim.address)}`)).body), [s.karim.address]);
    assert.deepEqual(emails((await dir(s.elodie, 'q=condorcet')).body), [s.karim.address]);
    assert.deepEqual(emails((await dir(s.elodie, 'q=secretaire')).body), [s.zoe.address]);
    const lef = await dir(s.karim, 'q=lef');
    // Name prefixes, alphabetical: Lefebvre before Lefèvre; Léa Lefort is disabled; Émile Lefèvre is elsewhere.
    assert.deepEqual(emails(lef.body), [s.noemie.address, s.elodie.address]);
    const text = JSON.stringify(lef.body);
    assert.doesNotMatch(text, /password|hash|argon|Lefort|autre-academie/i);
    for (const r of lef.body.results) assert.deepEqual(Object.keys(r).sort(), ['email', 'kind', 'name', 'title']);
  });

  test('groups of the domain: address or null, active member count', async () => {
    const r = await dir(s.karim, 'q=jean%20moulin');
    const g = r.body.results.find((x: { kind: string }) => x.kind === 'group');
    assert.deepEqual(g, { kind: 'group', id: s.moulin, name: 'Collège Jean-Moulin', email: null, members: 2, description: 'Équipe du collège Jean-Moulin' });
    assert.deepEqual(emails(r.body), ['group:Collège Jean-Moulin', s.noemie.address, s.elodie.address, s.helene.address]);
    const eps = (await dir(s.elodie, 'q=equipe%20eps')).body.results;
    assert.deepEqual(eps, [{ kind: 'group', id: s.eps, name: 'Équipe EPS', email: `eps@${app.domain}`, members: 1, description: 'Professeurs d’EPS' }]);
    assert.deepEqual((await dir(s.elodie, 'q=autre')).body.results, []);
    // A group without an address is written to through its members.
    const m = await fetch(`${base}/api/directory/groups/${s.moulin}`, { headers: { cookie: await cookieOf(s.karim) } });
    assert.equal(m.status, 200);
    const mb = (await m.json()) as { memberList: { email: string }[]; members: number };
    assert.deepEqual(mb.memberList.map((x) => x.email), [s.noemie.address, s.elodie.address]);
    assert.equal(mb.members, 2);
    const other = await fetch(`${base}/api/directory/groups/${s.foreign}`, { headers: { cookie: await cookieOf(s.karim) } });
    assert.equal(other.status, 404);
  });

  test('bounds: limit, empty query, invalid parameters', async () => {
    assert.equal((await dir(s.karim, 'q=e&limit=2')).body.results.length, 2);
    assert.deepEqual((await dir(s.karim, 'q=')).body.results, []);
    assert.deepEqual((await dir(s.karim, 'q=%25')).body.results, []);
    assert.deepEqual((await dir(s.karim, 'q=_')).body.results, []);
    const bad = await dir(s.karim, 'q=a&limit=500');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'validation-failed');
    assert.equal((await dir(s.karim, `q=${'a'.repeat(101)}`)).status, 400);
  });

  test('rate limited per account (429 with Retry-After), other accounts unaffected', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 70; i++) statuses.push((await dir(s.robot, 'q=robot')).status);
    assert.deepEqual(statuses.slice(0, 60), Array(60).fill(200));
    const limited = await dir(s.robot, 'q=robot');
    assert.equal(limited.status, 429);
    assert.equal(limited.body.code, 'rate-limited');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.equal((await dir(s.karim, 'q=robot')).status, 200);
  });

  test('LIKE prefilter: a superset of the folded match, wildcards escaped', () => {
    assert.deepEqual(queryTokens('  Élodie   LEF '), ['elodie', 'lef']);
    assert.equal(likePattern('lefevre'), '%l_f_vr_%');
    assert.equal(likePattern('coeur'), '%__%_r%');
    assert.equal(likePattern('50%_x\\'), '%50\\%\\_x\\\\%');
  });
});

describe('staff directory on PostgreSQL', { skip: process.env.PREAU_TEST_PG ? false : 'PREAU_TEST_PG is not set (PostgreSQL tests run only with it)' }, () => {
  test('same accent folding, escaping and exclusions', async () => {
    const app = await startTestApp({}, { pg: true, web: false });
    try {
      const s = await seed(app);
      const d = Number((await app.ctx.store.db.selectFrom('domains').select('id').where('name', '=', app.domain).executeTakeFirstOrThrow()).id) as DomainId;
      const find = async (q: string) => (await searchDirectory(app.ctx.store, d, q, 20)).map((x) => (x.kind === 'group' ? `group:${x.name}` : x.email));
      assert.deepEqual(await find('elodie'), [s.elodie.address]);
      assert.deepEqual(await find('LEFÈVRE'), [s.elodie.address]);
      assert.deepEqual(await find('lef'), [s.noemie.address, s.elodie.address]);
      assert.deepEqual(await find('coeur'), [s.zoe.address]);
      assert.deepEqual(await find('helene segur'), [s.helene.address]);
      assert.deepEqual(await find('conseillere'), [s.noemie.address]);
      assert.deepEqual(await find('jean moulin'), ['group:Collège Jean-Moulin', s.noemie.address, s.elodie.address, s.helene.address]);
      assert.deepEqual(await find('%'), []);
    } finally {
      await app.stop();
    }
  });
});

describe('recipient autocompletion (browser, real server)', { skip: hasChromium ? false : 'chromium is not installed (/usr/bin/chromium)' }, () => {
  let app: TestApp;
  let browser: Browser;
  let base = '';
  let s: Awaited<ReturnType<typeof seed>>;

  before(async () => {
    app = await startTestApp();
    s = await seed(app);
    base = app.ctx.config.publicUrl.replace(/\/+$/, '');
    // Every host name resolves to loopback, so the configured publicUrl (and its Origin) works.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--host-resolver-rules=MAP * 127.0.0.1'],
    });
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  test('typing "lef" in To suggests Élodie Lefèvre with her function; keyboard picks her; a group expands to its members', async () => {
    const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 800 } });
    await context.addInitScript((prefs) => localStorage.setItem('preau.prefs', JSON.stringify(prefs)), TEST_PREFS);
    const page = await context.newPage();
    await page.goto(base);
    await page.getByLabel('Identifiant').fill(s.karim.address);
    await page.getByLabel('Mot de passe').fill(s.karim.password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('heading', { name: 'Boîte de réception' }).waitFor();
    await page.getByRole('button', { name: /Nouveau message/ }).click();
    const to = page.getByRole('combobox', { name: 'À' });
    await to.pressSequentially('lef');
    const elodie = page.getByRole('option', { name: /^Élodie Lefèvre — Professeure de lettres, collège Jean-Moulin/ });
    await elodie.waitFor();
    assert.equal(await to.getAttribute('aria-expanded'), 'true');
    assert.equal(await page.getByRole('option', { name: /Lefort/ }).count(), 0, 'a disabled account is not offered');
    // Arrow keys move the active option (aria-activedescendant) until Élodie's.
    const elodieId = await elodie.getAttribute('id');
    for (let i = 0; i < 5 && (await to.getAttribute('aria-activedescendant')) !== elodieId; i++) await to.press('ArrowDown');
    assert.equal(await to.getAttribute('aria-activedescendant'), elodieId);
    assert.equal(await elodie.getAttribute('aria-selected'), 'true');
    assert.deepEqual(await axe(page), []);
    await to.press('Enter');
    await page.locator('.chip', { hasText: 'Élodie Lefèvre' }).waitFor();
    assert.equal(await page.locator('.chip', { hasText: 'Élodie Lefèvre' }).getAttribute('title'), s.elodie.address);
    assert.equal(await to.inputValue(), '');
    assert.equal(await to.getAttribute('aria-expanded'), 'false');
    // A group without an address: choosing it adds its active members.
    await to.pressSequentially('college jean');
    const group = page.getByRole('option', { name: /^Collège Jean-Moulin — Groupe · 2 membres/ });
    await group.waitFor();
    await group.click();
    await page.locator('.chip', { hasText: 'Noémie Lefebvre' }).waitFor();
    assert.equal(await page.locator('.chip').count(), 2, 'Élodie is not added twice');
    await context.close();
  });
});
