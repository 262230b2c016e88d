/** Helpers shared by the composer browser tests (test/web-compose-*.test.ts): what a recipient holds over JMAP, the composer's fields. */
import { Buffer } from 'node:buffer';
import type { Page } from 'playwright-core';
import { jmapRequest } from './web-helpers.ts';

export type Who = { id: number; address: string; password: string };

export interface Received {
  id: string;
  subject: string;
  from: { name: string | null; email: string }[] | null;
  to: { name: string | null; email: string }[] | null;
  cc: { name: string | null; email: string }[] | null;
  bcc: { name: string | null; email: string }[] | null;
  headers: { name: string; value: string }[];
  text: string;
  htmlTypes: string[];
  bodyTypes: string[];
  attachments: { blobId: string; name: string | null; type: string; size: number }[];
}

/** The messages of `who` with this subject in their inbox (RFC 8621 §4.2 Email/get); [] when none. */
export async function received(base: string, who: Who, subject: string): Promise<Received[]> {
  const r = await jmapRequest(base, who, [['Mailbox/query', { filter: { role: 'inbox' } }, 'b']]);
  const inbox = r[0]![1].ids[0];
  const q = await jmapRequest(base, who, [
    ['Email/query', { filter: { subject, inMailbox: inbox }, sort: [{ property: 'receivedAt', isAscending: true }] }, 'q'],
    ['Email/get', { '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' }, properties: ['subject', 'from', 'to', 'cc', 'bcc', 'headers', 'textBody', 'htmlBody', 'bodyStructure', 'bodyValues', 'attachments'], fetchTextBodyValues: true }, 'g'],
  ]);
  type Part = { partId: string | null; type: string; subParts?: Part[] };
  const flat = (p: Part): string[] => [p.type, ...(p.subParts ?? []).flatMap(flat)];
  return (q[1]![1].list as any[]).map((e) => ({
    id: e.id, subject: e.subject, from: e.from, to: e.to, cc: e.cc, bcc: e.bcc, headers: e.headers,
    text: (e.textBody as Part[]).map((p) => (p.partId ? e.bodyValues[p.partId]?.value ?? '' : '')).join(''),
    htmlTypes: (e.htmlBody as Part[]).map((p) => p.type),
    bodyTypes: flat(e.bodyStructure),
    attachments: e.attachments,
  }));
}

/** Wait (up to ~8 s) until `who` has `n` messages with this subject. */
export async function waitReceived(base: string, who: Who, subject: string, n = 1): Promise<Received[]> {
  let got = await received(base, who, subject);
  for (let i = 0; i < 80 && got.length < n; i++) {
    await new Promise((r) => setTimeout(r, 100));
    got = await received(base, who, subject);
  }
  return got;
}

/** The bytes of a blob of `who`'s account (RFC 8620 §6.2). */
export async function download(base: string, who: Who, blobId: string): Promise<Buffer> {
  const r = await fetch(`${base}/jmap/download/a${who.id}/${blobId}/f?accept=application/octet-stream`, {
    headers: { authorization: 'Basic ' + Buffer.from(`${who.address}:${who.password}`).toString('base64') },
  });
  if (r.status !== 200) throw new Error(`download HTTP ${r.status}`);
  return Buffer.from(await r.arrayBuffer());
}

/** Type an address in a recipient field (a combobox labelled `label`) and validate it. */
export async function addRecipient(page: Page, label: string, address: string): Promise<void> {
  const f = page.getByRole('combobox', { name: label, exact: true });
  await f.fill(address);
  await f.press('Enter');
  await page.getByRole('button', { name: new RegExp(`^Retirer .*`) }).first().waitFor();
}

/** The chips of a recipient field: the accessible names of their remove buttons, minus "Retirer ". */
export async function chips(page: Page, label: string): Promise<string[]> {
  const box = page.locator('.recipients').filter({ has: page.getByRole('combobox', { name: label, exact: true }) });
  return (await box.locator('.chip-x').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''))).map((s) => s.replace(/^Retirer /, ''));
}

/** A raw message with attachments (RFC 2046 §5.1 multipart/mixed, base64 parts). */
export function mixedMessage(opts: { from: string; to: string; cc?: string; subject: string; text: string; files: { name: string; type: string; data: Buffer }[] }): string {
  const b = 'mix-boundary-42';
  const lines = [`From: ${opts.from}`, `To: ${opts.to}`, ...(opts.cc ? [`Cc: ${opts.cc}`] : []), `Subject: ${opts.subject}`, `Message-ID: <${Date.now()}.${Math.random().toString(36).slice(2)}@ac-test.fr>`, 'Date: Mon, 2 Nov 2026 10:00:00 +0100', 'MIME-Version: 1.0', `Content-Type: multipart/mixed; boundary="${b}"`, '', `--${b}`, 'Content-Type: text/plain; charset=utf-8', '', opts.text];
  for (const f of opts.files) {
    lines.push(`--${b}`, `Content-Type: ${f.type}; name="${f.name}"`, `Content-Disposition: attachment; filename="${f.name}"`, 'Content-Transfer-Encoding: base64', '', ...(f.data.toString('base64').match(/.{1,76}/g) ?? []));
  }
  lines.push(`--${b}--`, '');
  return lines.join('\r\n');
}

/** JMAP with the submission capability (RFC 8621 §1.3.2: Identity, EmailSubmission). */
export async function jmapSubmission(base: string, who: Who, methodCalls: [string, Record<string, unknown>, string][]): Promise<[string, any, string][]> {
  const r = await fetch(`${base}/jmap/api`, {
    method: 'POST',
    headers: { authorization: 'Basic ' + Buffer.from(`${who.address}:${who.password}`).toString('base64'), 'content-type': 'application/json' },
    body: JSON.stringify({ using: ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail', 'urn:ietf:params:jmap:submission'], methodCalls: methodCalls.map(([n, a, id]) => [n, { accountId: `a${who.id}`, ...a }, id]) }),
  });
  if (r.status !== 200) throw new Error(`JMAP HTTP ${r.status}: ${await r.text()}`);
  return ((await r.json()) as { methodResponses: [string, any, string][] }).methodResponses;
}
