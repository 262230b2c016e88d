/** THREAD=REFERENCES and THREAD=ORDEREDSUBJECT through the real IMAP server: a conversation APPENDed with
 *  References and In-Reply-To, the exact `* THREAD` lines a client reads. RFC 5256 §3, §4. */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startImapTestApp, type ImapTestApp } from './helpers/app.ts';
import { RawImap } from './helpers/imap-client.ts';

let user: { id: number; address: string; password: string };
let c: RawImap;
/** UID of each message of the conversation, by its name. */
const uid: Record<string, number> = {};

let h: ImapTestApp;

before(async () => {
  h = await startImapTestApp();
  user = await h.app.account('Camille', 'Durand');
  c = (await RawImap.connect(h.imap.port)).c;
  assert.match((await c.cmd(`LOGIN "${user.address}" "${user.password}"`)).tagged, /OK/);
  // A first message, expunged, so that sequence numbers and UIDs differ by one.
  await append('gone', { subject: 'Effacé', date: 'Sun, 01 Sep 2024 08:00:00 +0200' });
  await c.cmd('SELECT INBOX');
  await c.cmd(`UID STORE ${uid.gone} +FLAGS (\\Deleted)`);
  assert.match((await c.cmd('EXPUNGE')).tagged, /OK/);
  // The conversation, in the order a mailbox receives it.
  await append('c1', { subject: 'Conseil de classe', date: 'Tue, 03 Sep 2024 10:00:00 +0200' });
  // In-Reply-To alone (no References): its first Message ID is the parent.
  await append('c2', { subject: 'Re: Conseil de classe', date: 'Tue, 03 Sep 2024 10:30:00 +0200', inReplyTo: '<c1@ac-test.fr> (message de Camille)' });
  await append('c3', { subject: 'Re: Conseil de classe', date: 'Tue, 03 Sep 2024 11:00:00 +0200', references: '<c1@ac-test.fr> <c2@ac-test.fr>', inReplyTo: '<c2@ac-test.fr>' });
  // The reply to a message this mailbox never received: a dummy between c1 and c4, pruned.
  await append('c4', { subject: 'RE: Conseil de classe', date: 'Tue, 03 Sep 2024 11:30:00 +0200', references: '<c1@ac-test.fr>\r\n <absent@ailleurs.fr>' });
  // An earlier thread, and a reply to it whose client sent no References: gathered by subject.
  await append('k1', { subject: 'Cantine', date: 'Tue, 03 Sep 2024 09:00:00 +0200' });
  await append('k2', { subject: 'Re: Cantine', date: 'Tue, 03 Sep 2024 12:00:00 +0200' });
  // No Date header: the sent date is the internal date given to APPEND (RFC 5256 §2.2).
  await append('s1', { subject: 'Sortie au musée', internalDate: '04-Sep-2024 08:00:00 +0200' });
  // A later reply written before the original arrived: its date sorts it first among siblings.
  await append('c5', { subject: 'Re: Conseil de classe', date: 'Tue, 03 Sep 2024 10:15:00 +0200', references: '<c1@ac-test.fr>' });
  await c.cmd('NOOP');
});
after(async () => {
  c.close();
  await h.close();
});

async function append(name: string, h: { subject: string; date?: string; references?: string; inReplyTo?: string; internalDate?: string }): Promise<void> {
  const raw =
    `From: Camille Durand <${user.address}>\r\nTo: equipe@ac-test.fr\r\nSubject: ${h.subject}\r\nMessage-ID: <${name}@ac-test.fr>\r\n` +
    (h.date ? `Date: ${h.date}\r\n` : '') +
    (h.references ? `References: ${h.references}\r\n` : '') +
    (h.inReplyTo ? `In-Reply-To: ${h.inReplyTo}\r\n` : '') +
    `\r\nBonjour.\r\n`;
  const r = await c.cmd(`APPEND INBOX ${h.internalDate ? `"${h.internalDate}" ` : ''}{${Buffer.byteLength(raw)}+}\r\n${raw}`);
  const m = /APPENDUID \d+ (\d+)/.exec(r.tagged);
  assert.ok(m, r.tagged);
  uid[name] = Number(m[1]);
}

/** The one `* THREAD` line of a command, with `{name}` placeholders resolved to UIDs (or sequence numbers). */
async function threadLine(command: string): Promise<string> {
  const r = await c.cmd(command);
  assert.match(r.tagged, /OK THREAD completed/);
  const lines = r.lines.filter((l) => l.startsWith('* THREAD'));
  assert.equal(lines.length, 1, r.lines.join('\n'));
  return lines[0]!;
}

const expected = (shape: string, seq: boolean): string => shape.replace(/[a-z]\d/g, (n) => String(uid[n]! - (seq ? uid.gone! : 0)));

test('the server announces both threading algorithms', async () => {
  const r = await c.cmd('CAPABILITY');
  assert.match(r.lines.join(' '), /THREAD=ORDEREDSUBJECT/);
  assert.match(r.lines.join(' '), /THREAD=REFERENCES/);
});

test('UID THREAD REFERENCES: parents from References and In-Reply-To, subject gathering, date order', async () => {
  // k1 (09:00) first; c1 (10:00) with c5 (10:15), c2 (10:30) -> c3, c4 (dummy pruned); s1 (4 Sep).
  assert.equal(await threadLine('UID THREAD REFERENCES UTF-8 ALL'), expected('* THREAD (k1 k2)(c1 (c5)(c2 c3)(c4))(s1)', false));
});

test('THREAD REFERENCES prints sequence numbers', async () => {
  assert.equal(await threadLine('THREAD REFERENCES US-ASCII ALL'), expected('* THREAD (k1 k2)(c1 (c5)(c2 c3)(c4))(s1)', true));
});

test('THREAD REFERENCES on a search without the root: a dummy holds the orphaned replies', async () => {
  assert.equal(await threadLine(`UID THREAD REFERENCES UTF-8 NOT UID ${uid.c1}`), expected('* THREAD (k1 k2)((c5)(c2 c3)(c4))(s1)', false));
  assert.equal(await threadLine('UID THREAD REFERENCES UTF-8 SUBJECT "Conseil" NOT HEADER Message-ID c1@'), expected('* THREAD ((c5)(c2 c3)(c4))', false));
});

test('UID THREAD ORDEREDSUBJECT: one flat thread per base subject', async () => {
  assert.equal(await threadLine('UID THREAD ORDEREDSUBJECT UTF-8 ALL'), expected('* THREAD (k1 k2)(c1 (c5)(c2)(c3)(c4))(s1)', false));
});

test('an unknown algorithm is BAD', async () => {
  assert.match((await c.cmd('THREAD JWZ UTF-8 ALL')).tagged, /BAD/);
});

// RFC 5256 §5: thread-data = "THREAD" [SP 1*thread-list], so no space when nothing is found.
test('THREAD with nothing found is a bare "* THREAD"', async () => {
  assert.equal(await threadLine('THREAD REFERENCES UTF-8 SUBJECT "introuvable"'), '* THREAD');
});
