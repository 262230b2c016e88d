/** Delivery Status Notifications: multipart/report (RFC 6522) with message/delivery-status (RFC 3464), bilingual human part. */
import { randomBytes } from 'node:crypto';
import { headerBlock, headerValues } from './message.ts';

export interface DsnRecipient {
  rcpt: string;
  orcpt?: string | null;
  action: 'failed' | 'delayed';
  /** Enhanced status code (RFC 3463), e.g. 5.1.1. */
  status: string;
  remoteMta?: string | null;
  /** The remote server's reply, or our own explanation. */
  diagnostic: string;
  /** true when `diagnostic` is an SMTP reply from the remote server. */
  smtp: boolean;
  lastAttempt?: number;
  willRetryUntil?: number;
}

export interface DsnInput {
  hostname: string;
  to: string;
  envid?: string | null;
  arrivalDate: number;
  now: number;
  original: Buffer;
  recipients: DsnRecipient[];
}

/** RFC 5322 §3.3 date-time. */
function rfcDate(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}

/** Enhanced status code from an SMTP reply, or the class of its basic code. RFC 3463 §2. */
export function statusFromReply(reply: string, code: number): string {
  const m = /\b([245])\.(\d{1,3})\.(\d{1,3})\b/.exec(reply);
  if (m) return `${m[1]}.${m[2]}.${m[3]}`;
  return code >= 500 ? '5.0.0' : '4.0.0';
}

function b64lines(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n');
}

function encodedWord(s: string): string {
  return /^[\x20-\x7e]*$/.test(s) ? s : `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;
}

// Limit: text quoted from the remote server is cut to 1000 characters, control characters removed.
function clean(s: string): string {
  return s.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, ' ').replace(/\r?\n/g, ' ').slice(0, 1000);
}

function humanText(input: DsnInput, delayed: boolean): string {
  const subject = clean(headerValues(input.original, 'subject')[0] ?? '');
  const lines: string[] = [];
  if (delayed) {
    lines.push(`Votre message « ${subject} » n'a pas encore pu être remis à certains destinataires.`);
    lines.push('Aucune action n\'est nécessaire : le serveur continue d\'essayer et vous préviendra en cas d\'échec définitif.', '');
  } else {
    lines.push(`Votre message « ${subject} » n'a pas pu être remis aux destinataires suivants.`);
    lines.push('Vérifiez l\'adresse ou contactez le destinataire par un autre moyen.', '');
  }
  for (const r of input.recipients) {
    lines.push(`  ${r.rcpt}`);
    lines.push(r.smtp ? `    Réponse du serveur distant${r.remoteMta ? ` ${r.remoteMta}` : ''} : ${clean(r.diagnostic)}` : `    Raison : ${clean(r.diagnostic)}`);
  }
  lines.push('', '----- English -----', '');
  lines.push(delayed ? `Your message "${subject}" could not be delivered yet to some recipients. No action is needed: delivery is retried and you will be told if it finally fails.` : `Your message "${subject}" could not be delivered to the following recipients. Check the address or reach the recipient another way.`, '');
  for (const r of input.recipients) {
    lines.push(`  ${r.rcpt}`);
    lines.push(r.smtp ? `    Remote server${r.remoteMta ? ` ${r.remoteMta}` : ''} replied: ${clean(r.diagnostic)}` : `    Reason: ${clean(r.diagnostic)}`);
  }
  return lines.join('\r\n') + '\r\n';
}

/** RFC 3464 §2.2 / §2.3: per-message fields, then one block per recipient. */
function deliveryStatus(input: DsnInput): string {
  const blocks: string[] = [];
  const head = [`Reporting-MTA: dns; ${input.hostname}`];
  if (input.envid) head.push(`Original-Envelope-Id: ${clean(input.envid)}`);
  head.push(`Arrival-Date: ${rfcDate(input.arrivalDate)}`);
  blocks.push(head.join('\r\n'));
  for (const r of input.recipients) {
    const f = [];
    if (r.orcpt) f.push(`Original-Recipient: ${clean(r.orcpt)}`);
    f.push(`Final-Recipient: rfc822; ${r.rcpt}`);
    f.push(`Action: ${r.action}`);
    f.push(`Status: ${r.status}`);
    if (r.remoteMta) f.push(`Remote-MTA: dns; ${r.remoteMta}`);
    // RFC 3464 §2.3.6: diagnostic-type "smtp" for an SMTP reply; our own text as X-Preau.
    f.push(`Diagnostic-Code: ${r.smtp ? 'smtp' : 'X-Preau'}; ${clean(r.diagnostic)}`);
    if (r.lastAttempt) f.push(`Last-Attempt-Date: ${rfcDate(r.lastAttempt)}`);
    if (r.willRetryUntil) f.push(`Will-Retry-Until: ${rfcDate(r.willRetryUntil)}`);
    blocks.push(f.join('\r\n'));
  }
  return blocks.join('\r\n\r\n') + '\r\n';
}

/** Build the DSN message (CRLF line endings). */
export function buildDsn(input: DsnInput): Buffer {
  const delayed = input.recipients.every((r) => r.action === 'delayed');
  const boundary = `=_preau_dsn_${randomBytes(10).toString('hex')}`;
  const subject = delayed ? 'Remise retardée / Delayed Mail (still being retried)' : 'Non remis / Undelivered Mail Returned to Sender';
  let headers = headerBlock(input.original).toString('utf8');
  if (!headers.endsWith('\r\n')) headers += '\r\n';
  headers = headers.replace(/\r\n\r\n$/, '\r\n');
  const parts = [
    `From: ${encodedWord('Système de messagerie / Mail Delivery System')} <MAILER-DAEMON@${input.hostname}>`,
    `To: <${input.to}>`,
    `Subject: ${encodedWord(subject)}`,
    `Date: ${rfcDate(input.now)}`,
    `Message-ID: <dsn.${randomBytes(12).toString('hex')}@${input.hostname}>`,
    // RFC 3834 §5: a DSN is an automatic reply; nothing should answer it.
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    // RFC 6522 §3 / RFC 3464 §2: multipart/report; report-type=delivery-status.
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    'This is a MIME-formatted delivery status notification.',
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    'Content-Language: fr, en',
    '',
    b64lines(humanText(input, delayed)),
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    deliveryStatus(input),
    `--${boundary}`,
    // RFC 6522 §3: the third part; headers only (RFC 3462 text/rfc822-headers).
    'Content-Type: text/rfc822-headers',
    '',
    headers,
    `--${boundary}--`,
    '',
  ];
  return Buffer.from(parts.join('\r\n'), 'utf8');
}
