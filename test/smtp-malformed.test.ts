/** Malformed messages through the real MX: stored as received, the server keeps serving. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { RawSmtp } from './helpers/smtp-client.ts';

let app: TestApp;
let rcpt: { id: number; address: string };
before(async () => {
  app = await startTestApp({}, { web: false });
  rcpt = await app.account('Zoé', 'L’Hôte');
});
after(() => app.stop());

function nested(depth: number): string {
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    open += `--b${i}\r\nContent-Type: multipart/mixed; boundary="b${i + 1}"\r\n\r\n`;
    close = `\r\n--b${i}--\r\n` + close;
  }
  return `Content-Type: multipart/mixed; boundary="b0"\r\nSubject: nesting\r\n\r\n${open}--b${depth}\r\nContent-Type: text/plain\r\n\r\nfond\r\n--b${depth}--${close}`;
}

const cases: [string, Buffer][] = [
  ['broken MIME (boundary never closed)', Buffer.from('Subject: broken\r\nContent-Type: multipart/mixed; boundary="x"\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nno end\r\n')],
  ['1 MB header line', Buffer.from(`Subject: ${'a'.repeat(1024 * 1024)}\r\nFrom: <x@example.org>\r\n\r\nbody\r\n`)],
  ['unknown charset', Buffer.from('Subject: =?x-klingon?Q?qapla=E9?=\r\nContent-Type: text/plain; charset=x-klingon\r\n\r\n\xe9\xe8 r\xe9union\r\n', 'latin1')],
  ['8-bit garbage and NUL bytes', Buffer.concat([Buffer.from('Subject: \xff\xfe\x00bad\r\n\r\n', 'latin1'), Buffer.from([0, 1, 2, 0xc3, 0x28, 0xa0, 0xa1, 0x0d, 0x0a])])],
  ['200-level nesting', Buffer.from(nested(200))],
  ['no header/body separator', Buffer.from('just some text without any header\r\nsecond line\r\n')],
];

for (const [name, raw] of cases) {
  test(`${name}: accepted with 250, stored byte for byte, server still serving`, async () => {
    const c = await RawSmtp.open(app.ports.smtp);
    await c.cmd('EHLO client.example.org');
    await c.cmd('MAIL FROM:<x@example.org>');
    assert.match(await c.cmd(`RCPT TO:<${rcpt.address}>`), /^250/);
    assert.match(await c.cmd('DATA'), /^354/);
    // Dot-stuffing (RFC 5321 §4.5.2) of lines that start with ".".
    c.write(Buffer.from(raw.toString('latin1').replace(/(^|\r\n)\./g, '$1..'), 'latin1'));
    c.write('\r\n.\r\n');
    assert.match(await c.reply(), /^250 /);
    assert.match(await c.cmd('NOOP'), /^250/);
    c.close();
    const row = await app.ctx.store.db
      .selectFrom('messages')
      .select(['blob_id'])
      .where('account_id', '=', rcpt.id)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const stored = await app.ctx.blobs.get(row.blob_id as never);
    const expected = Buffer.concat([raw, Buffer.from('\r\n')]);
    assert.ok(stored.subarray(stored.length - expected.length).equals(expected), 'the bytes received are the bytes stored');
  });
}
