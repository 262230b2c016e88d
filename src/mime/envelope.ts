/** IMAP ENVELOPE and decoded address lists from a header. RFC 9051 §7.5.2, RFC 5322 §3.4, §3.6, RFC 8621 §4.1.2.3. */
import addressparser from 'nodemailer/lib/addressparser';
import type { Address } from 'nodemailer/lib/addressparser';
import type { EmailAddress, ImapAddress, ImapEnvelope } from './types.ts';
import { firstField, type HeaderField } from './header.ts';
import { decodeWords } from './words.ts';

/**
 * Budget of address-field text parsed for one message, embedded messages included.
 * Limit: 1 MiB in all (addressparser costs ~0.3 µs per character); once spent, further address
 * fields are parsed as empty. Each field is also bounded by MAX_VALUE (64 KiB) in header.ts.
 */
export interface AddressBudget {
  left: number;
}
export const ADDRESS_BUDGET = 1024 * 1024;

/** Parses an address field value with nodemailer's addressparser, within the budget. */
export function parseAddressList(value: string | null, budget: AddressBudget): Address[] {
  if (value === null || value.trim() === '' || budget.left <= 0) return [];
  let v = value;
  if (v.length > budget.left) {
    // cut after the last complete address that fits
    const cut = v.lastIndexOf(',', budget.left);
    v = cut > 0 ? v.slice(0, cut) : '';
  }
  budget.left -= v.length;
  try {
    return addressparser(v);
  } catch {
    return [];
  }
}

// Deviation (RFC 9051 §7.5.2): a mailbox missing its local part or domain gets the placeholder
// MISSING_MAILBOX / MISSING_DOMAIN (Dovecot's convention) so that a NIL host is never mistaken
// for a group marker by clients.
function imapMailbox(name: string, address: string): ImapAddress {
  const at = address.lastIndexOf('@');
  const local = at >= 0 ? address.slice(0, at) : address;
  const host = at >= 0 ? address.slice(at + 1) : '';
  return { name: name === '' ? null : name, adl: null, mailbox: local || 'MISSING_MAILBOX', host: host || 'MISSING_DOMAIN' };
}

/** IMAP address structures, raw (encoded-words kept). RFC 9051 §7.5.2 group markers: host NIL. */
export function toImapAddresses(list: Address[]): ImapAddress[] | null {
  const out: ImapAddress[] = [];
  for (const a of list) {
    if (a.group !== undefined) {
      out.push({ name: null, adl: null, mailbox: a.name || '', host: null });
      for (const m of flatten(a.group)) out.push(imapMailbox(m.name, m.address));
      out.push({ name: null, adl: null, mailbox: null, host: null });
    } else if (a.address !== '' || a.name !== '') {
      const m = mailbox(a.name, a.address);
      out.push(imapMailbox(m.name, m.address));
    }
  }
  return out.length > 0 ? out : null;
}

function flatten(list: Address[]): { name: string; address: string }[] {
  const out: { name: string; address: string }[] = [];
  for (const a of list) {
    if (a.group !== undefined) out.push(...flatten(a.group));
    else if (a.address !== '' || a.name !== '') out.push(mailbox(a.name, a.address));
  }
  return out;
}

/** A lone word without "@" ("To: secretariat") is a local part, not a display name. */
function mailbox(name: string, address: string): { name: string; address: string } {
  return address === '' && /^[^\s"<>()@,;:]+$/.test(name) ? { name: '', address: name } : { name, address };
}

/** JMAP EmailAddress list (RFC 8621 §4.1.2.3), groups flattened, display names RFC 2047 decoded. */
export function toEmailAddresses(list: Address[]): EmailAddress[] {
  return flatten(list).map((a) => ({ name: a.name === '' ? null : decodeWords(a.name), email: a.address }));
}

/** Parsed address fields of one header, kept to derive both the envelope and the JMAP values. */
export interface AddressFields {
  from: Address[];
  sender: Address[];
  replyTo: Address[];
  to: Address[];
  cc: Address[];
  bcc: Address[];
}

export function parseAddressFields(fields: HeaderField[], budget: AddressBudget): AddressFields {
  const get = (k: string): Address[] => parseAddressList(firstField(fields, k), budget);
  return { from: get('from'), sender: get('sender'), replyTo: get('reply-to'), to: get('to'), cc: get('cc'), bcc: get('bcc') };
}

/**
 * RFC 9051 §7.5.2 ENVELOPE. Date, Subject, In-Reply-To and Message-ID: NIL when absent, "" when
 * present but empty. Address lists: NIL when absent or empty; Sender and Reply-To default to From.
 */
export function buildEnvelope(fields: HeaderField[], addrs: AddressFields): ImapEnvelope {
  const from = toImapAddresses(addrs.from);
  return {
    date: firstField(fields, 'date'),
    subject: firstField(fields, 'subject'),
    from,
    sender: toImapAddresses(addrs.sender) ?? from,
    replyTo: toImapAddresses(addrs.replyTo) ?? from,
    to: toImapAddresses(addrs.to),
    cc: toImapAddresses(addrs.cc),
    bcc: toImapAddresses(addrs.bcc),
    inReplyTo: firstField(fields, 'in-reply-to'),
    messageId: firstField(fields, 'message-id'),
  };
}
