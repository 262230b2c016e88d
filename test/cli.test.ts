/** The `preau` command line, run as a user would: `node src/main.ts …` with PREAU_* in the environment. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './helpers/app.ts';

let dataDir: string;
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['src/main.ts', ...args], { encoding: 'utf8', env: { ...process.env, PREAU_DATA_DIR: dataDir, PREAU_DOMAIN: 'ac-test.fr', PREAU_LOG_LEVEL: 'silent' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

before(() => {
  dataDir = tempDir('preau-cli-');
});
after(() => rmSync(dataDir, { recursive: true, force: true }));

test('account add prints the prenom.nom address; homonyms are numbered; a one-time password without --password', () => {
  const a = run('account', 'add', '--first', 'Élodie', '--last', 'Lefèvre', '--password', 'Un-mot-de-passe-solide-42', '--quota', '100MB');
  assert.equal(a.code, 0, a.err);
  assert.equal(a.out.trim(), 'elodie.lefevre@ac-test.fr');
  const b = run('account', 'add', '--first', 'Élodie', '--last', 'Lefèvre');
  assert.equal(b.code, 0, b.err);
  assert.match(b.out, /^elodie\.lefevre2@ac-test\.fr\n/);
  assert.match(b.out, /one-time password: \S+/);
  const c = run('account', 'add', '--first', 'Jean-Pierre', '--last', "N'Diaye");
  assert.match(c.out, /^jean-pierre\.ndiaye@ac-test\.fr/);
});

test('account show and list; alias add; quota set', () => {
  assert.equal(run('alias', 'add', 'elodie.lefevre@ac-test.fr', 'elodie.martin').out.trim(), 'elodie.martin@ac-test.fr');
  const show = run('account', 'show', 'ELODIE.LEFEVRE@ac-test.fr');
  assert.equal(show.code, 0, show.err);
  assert.match(show.out, /quota: +0 KB \/ 100\.0 MB/);
  assert.match(show.out, /aliases: +elodie\.martin@ac-test\.fr/);
  assert.equal(run('quota', 'set', 'elodie.martin@ac-test.fr', '20MB').code, 0);
  assert.match(run('account', 'show', 'elodie.lefevre@ac-test.fr').out, /\/ 20\.0 MB/);
  assert.match(run('account', 'list').out, /jean-pierre\.ndiaye@ac-test\.fr\tJean-Pierre N'Diaye/);
});

test('import staff.csv: the address chosen for every line and why; bad lines rejected with their number', () => {
  const csv = join(dataDir, 'staff.csv');
  writeFileSync(csv, 'prénom;nom;fonction/établissement;adresse\nAnne-Sophie;de La Fontaine;Professeure — Lycée Condorcet;\nÉlodie;Lefèvre;CPE;\n;;;\nX\nMarc;Dupont;Documentaliste;mdupont\nMarc;Dupont;Principal;mdupont\n');
  const r = run('import', csv);
  assert.equal(r.code, 1, 'exit code 1 when a line is rejected');
  assert.match(r.out, /ligne 2: anne-sophie\.de-la-fontaine@ac-test\.fr — prenom\.nom/);
  assert.match(r.out, /ligne 3: elodie\.lefevre3@ac-test\.fr — homonyme/);
  assert.match(r.out, /ligne 5: REJETÉE/);
  assert.match(r.out, /ligne 6: mdupont@ac-test\.fr — adresse imposée/);
  assert.match(r.out, /ligne 7: REJETÉE .*ADDRESS_TAKEN/);
  assert.doesNotMatch(r.out, /ligne 4:/, 'empty lines are skipped');
});

test('bad input gets a clear error and exit code 2', () => {
  const r = run('account', 'add', '--first', 'Sans', '--last', 'Nom', '--role', 'roi');
  assert.equal(r.code, 2);
  assert.match(r.err, /--role must be user, helpdesk or admin/);
  const u = spawnSync(process.execPath, ['src/main.ts', 'account', 'list'], { encoding: 'utf8', env: { ...process.env, PREAU_DATA_DIR: dataDir, PREAU_SMTP_PORTE: '25' } });
  assert.equal(u.status, 2);
  assert.match(u.stderr, /unknown setting PREAU_SMTP_PORTE/);
  assert.equal(run('frobnicate').code, 2);
});
