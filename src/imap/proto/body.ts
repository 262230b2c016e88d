/** ENVELOPE, BODY and BODYSTRUCTURE values and FETCH response item names. RFC 9051 §7.5.2, RFC 3516 §4.2. */
import type { ImapAddress, ImapEnvelope, MimePart } from '../../mime/types.ts';
import { atom, type Value } from './format.ts';
import type { FetchAtt, Section } from './types.ts';

function addresses(list: ImapAddress[] | null): Value {
  if (!list || list.length === 0) return null;
  return list.map((a) => [a.name, a.adl, a.mailbox, a.host]);
}

/** RFC 9051 §7.5.2 ENVELOPE; sender and reply-to default to from when absent. */
export function envelopeValue(e: ImapEnvelope): Value {
  const from = e.from && e.from.length ? e.from : null;
  return [
    e.date,
    e.subject,
    addresses(from),
    addresses(e.sender && e.sender.length ? e.sender : from),
    addresses(e.replyTo && e.replyTo.length ? e.replyTo : from),
    addresses(e.to),
    addresses(e.cc),
    addresses(e.bcc),
    e.inReplyTo,
    e.messageId,
  ];
}

function params(p: Record<string, string>): Value {
  const keys = Object.keys(p);
  if (keys.length === 0) return null;
  return keys.flatMap((k) => [k, p[k]!]);
}

function disposition(d: MimePart['disposition']): Value {
  return d ? [d.type, params(d.params)] : null;
}

function language(l: string[] | null): Value {
  if (!l || l.length === 0) return null;
  return l.length === 1 ? l[0]! : l;
}

const EMPTY_TEXT: Value = ['text', 'plain', ['charset', 'us-ascii'], null, null, '7bit', 0, 0];

/**
 * BODYSTRUCTURE (`extensible`) or BODY of a part, recursively. Bounded by the MIME tree depth,
 * which the MIME parser limits.
 */
export function bodyStructureValue(p: MimePart, extensible: boolean): Value {
  if (p.type === 'multipart') {
    const kids = p.children && p.children.length ? p.children.map((c) => bodyStructureValue(c, extensible)) : [EMPTY_TEXT];
    const out: Value[] = [{ adjacent: kids }, p.subtype];
    // RFC 9051 §7.5.2: body-ext-mpart = body-fld-param [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc]]].
    if (extensible) out.push(params(p.params), disposition(p.disposition), language(p.language), p.location);
    return out;
  }
  const out: Value[] = [p.type, p.subtype, params(p.params), p.id, p.description, p.encoding, p.size];
  const isMessage = p.type === 'message' && (p.subtype === 'rfc822' || p.subtype === 'global') && p.message;
  if (isMessage) out.push(envelopeValue(p.message!.envelope), bodyStructureValue(p.message!.root, extensible), p.lines);
  else if (p.type === 'text') out.push(p.lines);
  // RFC 9051 §7.5.2: body-ext-1part = body-fld-md5 [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc]]].
  if (extensible) out.push(p.md5, disposition(p.disposition), language(p.language), p.location);
  return out;
}

const ATOM_SAFE = /^[!#$&'*+\-.0-9<>?@A-Z^_`a-z|}~:;=/,]+$/;

/** The section-spec text, e.g. "1.2.HEADER.FIELDS (From To)". */
export function formatSection(s: Section): string {
  let out = s.part.join('.');
  if (s.text) out += (out ? '.' : '') + s.text;
  if (s.text === 'HEADER.FIELDS' || s.text === 'HEADER.FIELDS.NOT') {
    out += ' (' + s.fields.map((f) => (ATOM_SAFE.test(f) ? f : `"${f.replace(/[\\"]/g, (m) => '\\' + m)}"`)).join(' ') + ')';
  }
  return out;
}

/**
 * The name of a FETCH response item for a requested attribute (RFC 9051 §7.5.2): PEEK is dropped
 * and a partial shows only its origin octet ("BODY[]<0>").
 */
export function fetchItemName(a: FetchAtt): string {
  switch (a.kind) {
    case 'BODY[]':
      return `BODY[${formatSection(a.section)}]${a.partial ? `<${a.partial.start}>` : ''}`;
    case 'BINARY[]':
      return `BINARY[${a.part.join('.')}]${a.partial ? `<${a.partial.start}>` : ''}`;
    case 'BINARY.SIZE':
      return `BINARY.SIZE[${a.part.join('.')}]`;
    default:
      return a.kind;
  }
}

/** FLAGS value: a list of atoms. */
export function flagsValue(flags: string[]): Value {
  return flags.map(atom);
}
