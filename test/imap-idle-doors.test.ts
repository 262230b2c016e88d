/** IDLE across doors: an SMTP delivery and a JMAP change reach an idling IMAP client within a second. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { RawImap } from './helpers/imap-client.ts';

let app: TestApp;
let user: { address: string; password: string };

before(async () => {
  app = await startTestApp({}, { web: false });
  user = await app.account('Gaëlle', 'Bréval');
});
after(() => app.stop());

async function idling(): Promise<RawImap> {
  const { c } = await RawImap.connect(app.ports.imap);
  assert.match((await c.cmd(`LOGIN "${user.address}" "${user.password}"`)).tagged, /OK/);
  await c.cmd('SELECT INBOX');
  c.write('i1 IDLE\r\n');
  assert.equal(await c.line(), '+ idling');
  return c;
}

async function within<T>(ms: number, p: Promise<T>, what: string): Promise<T> {
  let timer!: NodeJS.Timeout;
  const t = new Promise<never>((_, j) => (timer = setTimeout(() => j(new Error(`${what}: nothing within ${ms} ms`)), ms)));
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

test('an SMTP delivery reaches an idling IMAP client within one second', async () => {
  const c = await idling();
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: app.ports.smtp, secure: false, ignoreTLS: true });
  await t.sendMail({ from: 'parent@example.org', to: user.address, subject: 'Sortie scolaire', text: 'Bonjour' });
  assert.match(await within(1000, c.line(), 'EXISTS after SMTP'), /^\* 1 EXISTS$/);
  c.write('DONE\r\n');
  await c.until('i1');
  c.close();
});

test('a JMAP change (flag set from the webmail) reaches an idling IMAP client within one second', async () => {
  const c = await idling();
  const auth = 'Basic ' + Buffer.from(`${user.address}:${user.password}`).toString('base64');
  const base = `http://127.0.0.1:${app.ports.http}`;
  const session = (await (await fetch(`${base}/.well-known/jmap`, { headers: { authorization: auth } })).json()) as { apiUrl: string; primaryAccounts: Record<string, string> };
  const accountId = session.primaryAccounts['urn:ietf:params:jmap:mail'];
  const api = async (calls: unknown[]) => {
    const r = await fetch(new URL(session.apiUrl, base), { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify({ using: ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail'], methodCalls: calls }) });
    return ((await r.json()) as { methodResponses: [string, Record<string, unknown>, string][] }).methodResponses;
  };
  // The message of the first test (the new-device notice of the Basic sign-in may be newer).
  const [[, q]] = await api([['Email/query', { accountId, filter: { subject: 'Sortie scolaire' } }, 'q']]);
  const id = (q.ids as string[])[0];
  const [[name, set]] = await api([['Email/set', { accountId, update: { [id]: { 'keywords/$flagged': true } } }, 's']]);
  assert.equal(name, 'Email/set', JSON.stringify(set));
  // The first Basic sign-in from this client is a new device: its notice may arrive as EXISTS too.
  const fetchLine = (async () => {
    for (;;) {
      const l = await c.line();
      if (/^\* 1 FETCH /.test(l)) return l;
    }
  })();
  assert.match(await within(1000, fetchLine, 'FETCH after JMAP'), /^\* 1 FETCH \(.*FLAGS \(.*\\Flagged.*\)/);
  c.write('DONE\r\n');
  await c.until('i1');
  c.close();
});
