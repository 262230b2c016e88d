/** Tests of parseMessage over the fixtures in testdata/mime: structure, offsets, envelope, decoded values. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseMessage, decodePartBody, decodePartText, findPart, sectionRange, type MimePart, type ParsedMessage } from './index.ts';
import { checkInvariants } from './invariants.ts';

const fixture = (name: string): Buffer => readFileSync(new URL(`../../testdata/mime/${name}`, import.meta.url));
const crlf = (...lines: string[]): string => lines.join('\r\n');

/** "id type/subtype" per part in document order; an embedded message root is written "id> type". */
function shape(p: MimePart, root = false): string[] {
  const out = [`${p.partId}${root ? '>' : ''} ${p.type}/${p.subtype}`];
  for (const c of p.children ?? []) out.push(...shape(c));
  if (p.message) out.push(...shape(p.message.root, true));
  return out;
}

async function parse(name: string): Promise<{ raw: Buffer; m: ParsedMessage }> {
  const raw = fixture(name);
  const m = await parseMessage(raw);
  assert.equal(checkInvariants(raw, m), null);
  return { raw, m };
}

interface Case {
  file: string;
  shape: string[];
  subject: string;
  textBody: string[];
  htmlBody: string[];
  attachments: string[];
  hasAttachment: boolean;
  text: string;
  preview?: string;
}

const cases: Case[] = [
  {
    file: 'nested.eml',
    shape: ['> multipart/mixed', '1 multipart/alternative', '1.1 text/plain', '1.2 text/html', '2 application/pdf', '3 message/rfc822', '3> multipart/mixed', '3.1 text/plain', '3.2 image/png'],
    subject: 'Réunion parents-professeurs du jeudi',
    textBody: ['1.1'],
    htmlBody: ['1.2'],
    attachments: ['2', '3'],
    hasAttachment: true,
    text: 'Bonjour à toutes et à tous,\n\nLa réunion parents-professeurs aura lieu jeudi à 18h en salle 12.\n\nConvocation\nMerci de convoquer les parents.',
  },
  {
    file: 'rfc9051-example.eml',
    shape: ['> text/plain'],
    subject: 'IMAP4rev2 WG mtg summary and minutes',
    textBody: ['1'],
    htmlBody: ['1'],
    attachments: [],
    hasAttachment: false,
    text: 'Minutes of the IMAP4rev2 working group meeting.\nAttendees: see below.',
    preview: 'Minutes of the IMAP4rev2 working group meeting. Attendees: see below.',
  },
  {
    file: 'lf-only.eml',
    shape: ['> multipart/alternative', '1 text/plain', '2 text/html'],
    subject: 'Re: Sortie scolaire',
    textBody: ['1'],
    htmlBody: ['2'],
    attachments: [],
    hasAttachment: false,
    text: "D'accord pour la sortie.",
  },
  {
    file: 'no-separator.eml',
    shape: ['> text/plain'],
    subject: 'sans separateur',
    textBody: ['1'],
    htmlBody: ['1'],
    attachments: [],
    hasAttachment: false,
    text: 'Ceci est le corps, sans ligne vide avant.\nDeuxieme ligne.',
  },
  {
    file: 'missing-close.eml',
    shape: ['> multipart/mixed', '1 multipart/alternative', '1.1 text/plain', '2 text/plain'],
    subject: 'fermeture manquante',
    textBody: ['1.1', '2'],
    htmlBody: ['1.1', '2'],
    attachments: [],
    hasAttachment: false,
    text: 'texte interne\n\ndernier',
  },
  {
    file: 'boundary-never.eml',
    shape: ['> multipart/mixed', '1 text/plain'],
    subject: 'frontiere absente',
    textBody: ['1'],
    htmlBody: ['1'],
    attachments: [],
    hasAttachment: false,
    text: '',
  },
  {
    file: 'latin1-raw.eml',
    shape: ['> multipart/mixed', '1 text/plain', '2 text/plain'],
    subject: 'Café crème \uFFFD et NUL',
    textBody: ['1', '2'],
    htmlBody: ['1', '2'],
    attachments: [],
    hasAttachment: false,
    text: 'Elèves et \uFFFD octets ÿþ bruts\n\nété en UTF-8 sous une étiquette inconnue',
  },
  {
    file: 'digest.eml',
    shape: ['> multipart/digest', '1 message/rfc822', '1> text/plain', '2 message/rfc822', '2> text/plain'],
    subject: 'Recueil',
    textBody: [],
    htmlBody: [],
    attachments: ['1', '2'],
    hasAttachment: true,
    text: 'Premier\nPremier message.\n\nSecond\nSecond message.',
  },
  {
    file: 'flowed.eml',
    shape: ['> text/plain'],
    subject: 'flowed',
    textBody: ['1'],
    htmlBody: ['1'],
    attachments: [],
    hasAttachment: false,
    text: 'Ceci est une ligne longue qui a été coupée par le client.\n> citation',
    preview: 'Ceci est une ligne longue qui a été coupée par le client.',
  },
  {
    file: 'encoded-rfc822.eml',
    shape: ['> multipart/mixed', '1 text/plain', '2 message/rfc822'],
    subject: 'message encapsule encode',
    textBody: ['1'],
    htmlBody: ['1'],
    attachments: ['2'],
    hasAttachment: true,
    text: 'voir piece jointe',
  },
  {
    file: 'groups.eml',
    shape: ['> text/plain'],
    subject: '',
    textBody: ['1'],
    htmlBody: ['1'],
    attachments: [],
    hasAttachment: false,
    text: 'corps',
  },
];

for (const c of cases) {
  test(`fixture ${c.file}: structure, body parts, text`, async () => {
    const { m } = await parse(c.file);
    assert.deepEqual(shape(m.root, true), c.shape);
    assert.equal(m.subject, c.subject);
    assert.deepEqual(m.textBody, c.textBody);
    assert.deepEqual(m.htmlBody, c.htmlBody);
    assert.deepEqual(m.attachments.map((a) => a.partId), c.attachments);
    assert.equal(m.hasAttachment, c.hasAttachment);
    assert.equal(m.text, c.text);
    if (c.preview !== undefined) assert.equal(m.preview, c.preview);
  });
}

test('nested.eml: every part header and body sliced by offsets', async () => {
  const { raw, m } = await parse('nested.eml');
  const html =
    '<html><head><style>p { color: #333; }</style></head><body><p>Bonjour &agrave; toutes et à tous,</p><p>La <b>réunion</b> parents-professeurs aura lieu jeudi à 18h en salle&nbsp;12.</p></body></html>';
  const h11 = crlf('Content-Type: text/plain; charset=iso-8859-1', 'Content-Transfer-Encoding: quoted-printable', '', '');
  const b11 = crlf('Bonjour =E0 toutes et =E0 tous,', '', 'La r=E9union parents-professeurs aura lieu jeudi =E0 18h en salle 12.');
  const h12 = crlf('Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: base64', '', '');
  const b12 = (Buffer.from(html).toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
  const h1 = crlf('Content-Type: multipart/alternative; boundary="=_alt_19c2"', '', '');
  const b1 = `--=_alt_19c2\r\n${h11}${b11}\r\n--=_alt_19c2\r\n${h12}${b12}\r\n--=_alt_19c2--\r\n`;
  const h2 = crlf(
    'Content-Type: application/pdf; name="=?utf-8?Q?compte-rendu_r=C3=A9union.pdf?="',
    'Content-Disposition: attachment;',
    " filename*0*=utf-8''compte-rendu%20r%C3%A9;",
    ' filename*1*=union.pdf',
    'Content-Transfer-Encoding: base64',
    '',
    '',
  );
  const b2 = 'JVBERi0xLjQKJcOkw7zDtsOfCjEgMCBvYmoKPDwvVHlwZS9DYXRhbG9nPj4KZW5kb2JqCg==';
  const h31 = crlf('Content-Type: text/plain; charset=utf-8', '', '');
  const b31 = 'Merci de convoquer les parents.';
  const h32 = crlf('Content-Type: image/png', 'Content-ID: <logo@ecole>', 'Content-Disposition: inline', 'Content-Transfer-Encoding: base64', '', '');
  const b32 = 'iVBORw0KGgo=';
  const h3root = crlf(
    'From: Direction <direction@ecole-jaures.ac-exemple.fr>',
    'To: secretariat@ecole-jaures.ac-exemple.fr',
    'Subject: Convocation',
    'Date: Mon, 3 Mar 2025 09:00:00 +0100',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="inner-b"',
    '',
    '',
  );
  const b3root = `--inner-b\r\n${h31}${b31}\r\n--inner-b\r\n${h32}${b32}\r\n--inner-b--`;
  const h3 = crlf('Content-Type: message/rfc822', 'Content-Disposition: attachment; filename="convocation.eml"', '', '');
  const expected: [string, string, string][] = [
    ['1', h1, b1],
    ['1.1', h11, b11],
    ['1.2', h12, b12],
    ['2', h2, b2],
    ['3', h3, h3root + b3root],
    ['3.1', h31, b31],
    ['3.2', h32, b32],
  ];
  for (const [id, header, body] of expected) {
    const p = findPart(m.root, id);
    assert.ok(p, id);
    assert.equal(raw.toString('utf8', p.headerStart, p.bodyStart), header, `${id} header`);
    assert.equal(raw.toString('utf8', p.bodyStart, p.bodyEnd), body, `${id} body`);
    assert.equal(p.size, Buffer.byteLength(body), `${id} size`);
  }
  const inner = findPart(m.root, '3')?.message?.root;
  assert.ok(inner);
  assert.equal(raw.toString('utf8', inner.headerStart, inner.bodyStart), h3root);
  assert.equal(raw.toString('utf8', inner.bodyStart, inner.bodyEnd), b3root);
  const rootHeader = raw.toString('utf8', 0, m.root.bodyStart);
  assert.ok(rootHeader.startsWith('Return-Path: <secretariat@'));
  assert.ok(rootHeader.endsWith('Content-Type: multipart/mixed; boundary="=_outer_7f3a"\r\n\r\n'));
  assert.ok(raw.toString('utf8', m.root.bodyStart).startsWith('Ceci est un message MIME.\r\n--=_outer_7f3a\r\n'));
  // section ranges for FETCH BODY[...]
  const sec = (s: string): string | null => {
    const r = sectionRange(m.root, s);
    return r ? raw.toString('utf8', r.start, r.end) : null;
  };
  assert.equal(sec('3.HEADER'), h3root);
  assert.equal(sec('3.TEXT'), b3root);
  assert.equal(sec('3.2.MIME'), h32);
  assert.equal(sec('1.1'), b11);
  assert.equal(sec('HEADER'), rootHeader);
  assert.equal(sec(''), raw.toString('utf8'));
  assert.equal(sec('2.HEADER'), null);
  assert.equal(sec('4'), null);
  // decoding
  const p11 = findPart(m.root, '1.1');
  const p12 = findPart(m.root, '1.2');
  const p2 = findPart(m.root, '2');
  const p32 = findPart(m.root, '3.2');
  assert.ok(p11 && p12 && p2 && p32);
  assert.equal(decodePartText(raw, p11), 'Bonjour à toutes et à tous,\r\n\r\nLa réunion parents-professeurs aura lieu jeudi à 18h en salle 12.');
  assert.equal(decodePartText(raw, p12), html);
  assert.equal(m.html, html);
  assert.equal(decodePartBody(raw, p2).subarray(0, 8).toString('latin1'), '%PDF-1.4');
  assert.deepEqual([...decodePartBody(raw, p32)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(p11.lines, 3);
  assert.equal(findPart(m.root, '3')?.lines, 19);
});

test('nested.eml: RFC 2047 / RFC 2231 decoding, ids, dates, attachments', async () => {
  const { m } = await parse('nested.eml');
  assert.deepEqual(m.from, [{ name: 'Secrétariat école', email: 'secretariat@ecole-jaures.ac-exemple.fr' }]);
  assert.deepEqual(m.to, [
    { name: 'Martin, Claire', email: 'claire.martin@ac-exemple.fr' },
    { name: null, email: 'paul.durand@ac-exemple.fr' },
    { name: 'Léa Bernard', email: 'lea.bernard@ac-exemple.fr' },
  ]);
  assert.equal(m.messageId, '20250306164510.1234@ecole-jaures.ac-exemple.fr');
  assert.deepEqual(m.inReplyTo, ['prev-1@ac-exemple.fr']);
  assert.deepEqual(m.references, ['root-0@ac-exemple.fr', 'prev-1@ac-exemple.fr']);
  assert.equal(m.sentAt, Date.UTC(2025, 2, 6, 15, 45, 10));
  assert.deepEqual(m.attachments[0], { partId: '2', name: 'compte-rendu réunion.pdf', type: 'application/pdf', size: 54, disposition: 'attachment', cid: null });
  assert.equal(m.attachments[1].name, 'convocation.eml');
  const pdf = findPart(m.root, '2');
  assert.equal(pdf?.params.name, 'compte-rendu réunion.pdf');
  assert.equal(pdf?.disposition?.params.filename, 'compte-rendu réunion.pdf');
  assert.equal(findPart(m.root, '3.2')?.id, '<logo@ecole>');
  assert.ok(m.preview.startsWith('Bonjour à toutes et à tous, La réunion parents-professeurs'));
  assert.equal(m.headers[0].name, 'Return-Path');
  assert.equal(m.headers.find((h) => h.name === 'Subject')?.value, '=?utf-8?Q?R=C3=A9union_parents-professeurs?= =?utf-8?Q?_du_jeudi?=');
  // envelope: raw, encoded words kept, group markers (RFC 9051 §7.5.2)
  const e = m.envelope;
  assert.equal(e.subject, '=?utf-8?Q?R=C3=A9union_parents-professeurs?= =?utf-8?Q?_du_jeudi?=');
  assert.deepEqual(e.to, [
    { name: 'Martin, Claire', adl: null, mailbox: 'claire.martin', host: 'ac-exemple.fr' },
    { name: null, adl: null, mailbox: 'Enseignants', host: null },
    { name: null, adl: null, mailbox: 'paul.durand', host: 'ac-exemple.fr' },
    { name: '=?iso-8859-1?Q?L=E9a_Bernard?=', adl: null, mailbox: 'lea.bernard', host: 'ac-exemple.fr' },
    { name: null, adl: null, mailbox: null, host: null },
  ]);
  assert.equal(e.inReplyTo, '<prev-1@ac-exemple.fr>');
  const inner = findPart(m.root, '3')?.message?.envelope;
  assert.equal(inner?.subject, 'Convocation');
  assert.deepEqual(inner?.from, [{ name: 'Direction', adl: null, mailbox: 'direction', host: 'ecole-jaures.ac-exemple.fr' }]);
});

test('rfc9051-example.eml: ENVELOPE and body fields as in RFC 9051 §8', async () => {
  const { raw, m } = await parse('rfc9051-example.eml');
  const gray = [{ name: 'Terry Gray', adl: null, mailbox: 'gray', host: 'cac.washington.edu' }];
  assert.deepEqual(m.envelope, {
    date: 'Wed, 17 Jul 1996 02:23:25 -0700 (PDT)',
    subject: 'IMAP4rev2 WG mtg summary and minutes',
    from: gray,
    sender: gray,
    replyTo: gray,
    to: [{ name: null, adl: null, mailbox: 'imap', host: 'cac.washington.edu' }],
    cc: [
      { name: null, adl: null, mailbox: 'minutes', host: 'CNRI.Reston.VA.US' },
      { name: 'John Klensin', adl: null, mailbox: 'KLENSIN', host: 'MIT.EDU' },
    ],
    bcc: null,
    inReplyTo: null,
    messageId: '<B27397-0100000@cac.washington.edu>',
  });
  // the header is 342 octets as in the RFC's BODY[HEADER] literal
  assert.equal(m.root.bodyStart, 342);
  assert.equal(m.root.partId, '');
  assert.equal(findPart(m.root, '1'), m.root);
  assert.equal(findPart(m.root, '2'), null);
  assert.deepEqual([m.root.type, m.root.subtype, m.root.params, m.root.encoding], ['text', 'plain', { charset: 'US-ASCII' }, '7BIT']);
  assert.equal(m.root.lines, 2);
  assert.equal(m.root.size, raw.length - 342);
  assert.equal(m.sentAt, Date.UTC(1996, 6, 17, 9, 23, 25));
});

test('groups.eml: empty fields, groups, bare local part, invalid date', async () => {
  const { m } = await parse('groups.eml');
  const e = m.envelope;
  assert.equal(e.subject, '');
  assert.equal(e.messageId, '');
  assert.equal(e.date, 'pas une date');
  assert.equal(m.sentAt, null);
  assert.deepEqual(e.replyTo, e.from); // present but empty: defaults to From (RFC 9051 §7.5.2)
  assert.deepEqual(e.sender, [{ name: null, adl: null, mailbox: 'secretariat', host: 'ac-exemple.fr' }]);
  assert.deepEqual(e.to, [
    { name: null, adl: null, mailbox: 'Undisclosed recipients', host: null },
    { name: null, adl: null, mailbox: null, host: null },
  ]);
  assert.deepEqual(e.cc?.[1], { name: null, adl: null, mailbox: 'sansdomaine', host: 'MISSING_DOMAIN' });
  assert.deepEqual(e.bcc?.map((a) => a.mailbox), ['Conseil', 'a', 'b', null, 'c']);
  assert.deepEqual(m.cc, [
    { name: 'Équipe, pédagogique', email: 'equipe@ac-exemple.fr' },
    { name: null, email: 'sansdomaine' },
  ]);
  assert.deepEqual(m.to, []);
  assert.equal(m.messageId, null);
});

test('latin1-raw.eml: raw 8-bit and unknown charsets never throw', async () => {
  const { m } = await parse('latin1-raw.eml');
  assert.deepEqual(m.from, [{ name: 'José', email: 'jose@ac-exemple.fr' }]);
  assert.equal(m.envelope.from?.[0].name, '=?x-inconnu?Q?Jos=E9?=');
});

test('lf-only.eml and no-separator.eml: offsets with LF endings and without a blank line', async () => {
  const lf = await parse('lf-only.eml');
  const p1 = findPart(lf.m.root, '1');
  assert.ok(p1);
  assert.equal(lf.raw.toString('utf8', p1.headerStart, p1.bodyStart), 'Content-Type: text/plain; charset=utf-8\n\n');
  assert.equal(lf.raw.toString('utf8', p1.bodyStart, p1.bodyEnd), "D'accord pour la sortie.");
  const ns = await parse('no-separator.eml');
  assert.equal(ns.raw.toString('utf8', 0, ns.m.root.bodyStart), 'Subject: sans separateur\r\nFrom: a@ac-exemple.fr\r\n');
  assert.equal(ns.m.root.lines, 2);
});

test('encoded-rfc822.eml: a transfer-encoded message/rfc822 stays opaque', async () => {
  const { raw, m } = await parse('encoded-rfc822.eml');
  const p = findPart(m.root, '2');
  assert.ok(p);
  assert.equal(p.message, undefined);
  assert.ok(decodePartBody(raw, p).toString().startsWith('From: b@ac-exemple.fr\r\nSubject: interne'));
});
