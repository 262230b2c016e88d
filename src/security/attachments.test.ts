/** Attachment analyzer: names, double extensions, RTLO, and content sniffing (ZIP encryption, vbaProject, OLE VBA, MZ). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolvePolicy } from './policy.ts';
import { noAuth } from './auth.ts';
import { analyzeAttachments, inspectAttachment, zipFacts } from './analyze-attachments.ts';
import { analyze } from './verdict.ts';
import { tinyZip, withAttachments } from './test-support.ts';

const policy = resolvePolicy({ domain: 'ac-paris.fr', orgName: 'Académie de Paris' });
const byName = (name: string) => inspectAttachment(name, null).map((f) => f.name);

test('dangerous names', () => {
  for (const n of ['setup.exe', 'facture.scr', 'run.BAT', 'x.cmd', 'a.js', 'b.vbs', 'c.ps1', 'd.msi', 'e.jar', 'f.com', 'g.hta', 'h.wsf']) assert.deepEqual(byName(n), ['EXECUTABLE_ATTACHMENT'], n);
  for (const n of ['raccourci.lnk', 'dossier.iso', 'disque.img', 'v.vhd']) assert.deepEqual(byName(n), ['DISK_IMAGE_ATTACHMENT'], n);
  for (const n of ['connexion.html', 'bulletin.htm', 'paie.shtml']) assert.deepEqual(byName(n), ['HTML_ATTACHMENT'], n);
  for (const n of ['notes.docm', 'budget.xlsm', 'cours.pptm']) assert.deepEqual(byName(n), ['MACRO_DOCUMENT'], n);
  assert.deepEqual(byName('bulletin_paie.pdf.exe'), ['DOUBLE_EXTENSION', 'EXECUTABLE_ATTACHMENT']);
  assert.deepEqual(byName('releve.pdf   .html'), ['DOUBLE_EXTENSION', 'HTML_ATTACHMENT']);
  // "bulletin\u202Efdp.exe" displays as "bulletinexe.pdf".
  assert.deepEqual(byName('bulletin\u202Efdp.exe'), ['RTLO_FILENAME', 'EXECUTABLE_ATTACHMENT']);
  for (const n of ['circulaire.pdf', 'emploi du temps.docx', 'photo.jpg', 'notes.xlsx', 'archive.zip', 'v1.2.pdf']) assert.deepEqual(byName(n), [], n);
});

test('ZIP local headers: encryption flag and entry names', () => {
  const z = zipFacts(tinyZip([{ name: 'a.txt' }, { name: 'secret.docx', encrypted: true }]));
  assert.deepEqual(z, { encrypted: true, names: ['a.txt', 'secret.docx'] });
  assert.equal(zipFacts(Buffer.from('not a zip at all, just text of some length')), null);
});

test('content: encrypted archive, macro OOXML, OLE with VBA, disguised program, executable inside a zip', () => {
  const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(100), Buffer.from('_VBA_PROJECT', 'utf16le'), Buffer.alloc(50)]);
  const mz = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200)]);
  const { raw, parsed } = withAttachments([
    { name: 'documents.zip', content: tinyZip([{ name: 'bulletin.pdf', encrypted: true }]), type: 'application/zip' },
    { name: 'rapport.docx', content: tinyZip([{ name: '[Content_Types].xml' }, { name: 'word/vbaProject.bin' }]) },
    { name: 'tableau.xls', content: ole, type: 'application/vnd.ms-excel' },
    { name: 'photo.jpg', content: mz, type: 'image/jpeg' },
    { name: 'factures.zip', content: tinyZip([{ name: 'facture.pdf.js' }]), type: 'application/zip' },
    { name: 'ok.pdf', content: Buffer.from('%PDF-1.7\n...'), type: 'application/pdf' },
  ]);
  const tags = analyzeAttachments(parsed, raw, noAuth(), policy).map((t) => `${t.name}:${t.arg}`);
  assert.deepEqual(tags, [
    'ENCRYPTED_ARCHIVE:documents.zip',
    'MACRO_DOCUMENT:rapport.docx',
    'MACRO_DOCUMENT:tableau.xls',
    'EXECUTABLE_ATTACHMENT:photo.jpg',
    'EXECUTABLE_ATTACHMENT:factures.zip',
  ]);
});

test('verdict: dangerous attachments are listed and quarantined (or only flagged)', () => {
  const { raw, parsed } = withAttachments([{ name: 'scan.iso', content: Buffer.from('x') }], { fromAddr: 'colleague@example.org', subject: 'Documents' });
  const v = analyze({ raw, parsed, auth: noAuth(), policy });
  assert.deepEqual(v.dangerousAttachments, ['scan.iso']);
  assert.equal(v.action, 'junk');
  assert.ok(v.reasons.some((r) => r.includes('« scan.iso »')));
  const flagOnly = resolvePolicy({ domain: 'ac-paris.fr', orgName: 'A' }, { attachmentPolicy: 'flag', scores: { DISK_IMAGE_ATTACHMENT: 2 } });
  assert.equal(analyze({ raw, parsed, auth: noAuth(), policy: flagOnly }).action, 'inbox');
});
