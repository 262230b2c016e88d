import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, parseSize, ConfigError } from './load.ts';

test('defaults are the documented ones', () => {
  const c = loadConfig({});
  assert.equal(c.dataDir, './data');
  assert.equal(c.domain, 'preau.test');
  assert.equal(c.hostname, 'mail.preau.test');
  assert.deepEqual([c.smtpPort, c.submissionPort, c.imapPort, c.httpPort, c.listen], [2525, 5870, 1143, 8080, '127.0.0.1']);
  assert.equal(c.databaseUrl, undefined);
});

test('environment variables are read; port 0 means closed', () => {
  const c = loadConfig({ PREAU_DOMAIN: 'ac-exemple.fr', PREAU_IMAP_PORT: '0', PREAU_ORG_NAME: 'Académie d’Exemple' });
  assert.equal(c.domain, 'ac-exemple.fr');
  assert.equal(c.imapPort, 0);
  assert.equal(c.orgName, 'Académie d’Exemple');
});

test('unknown settings and bad values are refused with a clear message', () => {
  assert.throws(() => loadConfig({ PREAU_SMTP_PROT: '25' }), (e: Error) => e instanceof ConfigError && /unknown setting PREAU_SMTP_PROT/.test(e.message));
  assert.throws(() => loadConfig({ PREAU_SMTP_PORT: 'abc' }), (e: Error) => e instanceof ConfigError && /PREAU_SMTP_PORT \(smtpPort\)/.test(e.message));
  assert.throws(() => loadConfig({ PREAU_HTTP_PORT: '70000' }), /PREAU_HTTP_PORT/);
  assert.throws(() => loadConfig({ PREAU_DATABASE_URL: 'mysql://x' }), /postgres:\/\//);
  assert.throws(() => loadConfig({ PREAU_DOMAIN: 'not a domain' }), /PREAU_DOMAIN/);
});

test('a JSON config file is validated by the same schema; the environment wins over it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'preau-cfg-'));
  const file = join(dir, 'preau.json');
  writeFileSync(file, JSON.stringify({ domain: 'ac-fichier.fr', httpPort: 9090 }));
  const c = loadConfig({ PREAU_CONFIG: file, PREAU_HTTP_PORT: '9191' });
  assert.equal(c.domain, 'ac-fichier.fr');
  assert.equal(c.httpPort, 9191);
  writeFileSync(file, JSON.stringify({ domian: 'typo.fr' }));
  assert.throws(() => loadConfig({ PREAU_CONFIG: file }), /domian/);
  writeFileSync(file, '{ not json');
  assert.throws(() => loadConfig({ PREAU_CONFIG: file }), /not valid JSON/);
});

test('sizes', () => {
  assert.equal(parseSize('50MB'), 50 * 1024 * 1024);
  assert.equal(parseSize('200 Mo'), 200 * 1024 * 1024);
  assert.equal(parseSize('1.5G'), 1.5 * 1024 ** 3);
  assert.equal(parseSize('1024'), 1024);
  assert.throws(() => parseSize('lots'));
});
