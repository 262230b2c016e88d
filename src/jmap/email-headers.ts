/** Email header:{name}:as{Form}[:all] properties and EmailHeader lists. RFC 8621 §4.1.2, §4.1.3. */
import type { HeaderField } from '../mime/header.ts';
import { readHeader } from '../mime/header.ts';
import { parseAddressList, toEmailAddresses, ADDRESS_BUDGET } from '../mime/envelope.ts';
import { decodeWords, messageIds, parseDate } from '../mime/index.ts';

export type HeaderForm = 'Raw' | 'Text' | 'Addresses' | 'GroupedAddresses' | 'MessageIds' | 'Date' | 'URLs';
const FORMS = new Set<HeaderForm>(['Raw', 'Text', 'Addresses', 'GroupedAddresses', 'MessageIds', 'Date', 'URLs']);

export interface HeaderProp {
  name: string;
  form: HeaderForm;
  all: boolean;
}

/** Parse "header:List-Id:asText:all"; null when the property is not a header property. Names are at most 255 chars. */
export function parseHeaderProp(p: string): HeaderProp | null {
  const m = /^header:([!-9;-~]{1,255})(?::as([A-Za-z]+))?(:all)?$/.exec(p);
  if (!m) return null;
  const form = (m[2] ?? 'Raw') as HeaderForm;
  if (!FORMS.has(form)) return null;
  return { name: m[1], form, all: !!m[3] };
}

/** Raw header field values (after the colon, unfolded is NOT applied for Raw: RFC 8621 §4.1.2.1 keeps it as is). */
export function headerFieldsOf(raw: Buffer, start = 0, end = raw.length): HeaderField[] {
  return readHeader(raw, start, end).fields;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Apply a parsed form to one raw value (RFC 8621 §4.1.2.1–§4.1.2.7). */
export function applyForm(value: string, form: HeaderForm): unknown {
  switch (form) {
    case 'Raw':
      return value;
    case 'Text':
      return decodeWords(value.replace(/\r?\n[ \t]/g, ' ').trim());
    case 'Addresses':
      return toEmailAddresses(parseAddressList(value, { left: ADDRESS_BUDGET }));
    case 'GroupedAddresses': {
      const list = parseAddressList(value, { left: ADDRESS_BUDGET });
      const out: { name: string | null; addresses: unknown[] }[] = [];
      let loose: unknown[] | null = null;
      for (const a of list) {
        const g = a as { name: string; group?: unknown[] };
        if (g.group) {
          loose = null;
          out.push({ name: decodeWords(g.name) || null, addresses: toEmailAddresses(g.group as never) });
        } else {
          if (!loose) out.push({ name: null, addresses: (loose = []) });
          loose.push(...toEmailAddresses([a]));
        }
      }
      return out;
    }
    case 'MessageIds': {
      const ids = messageIds(value);
      return ids.length ? ids : null;
    }
    case 'Date': {
      const t = parseDate(value);
      return t === null ? null : iso(t);
    }
    case 'URLs': {
      const urls = [...value.matchAll(/<([^<>]+)>/g)].map((m) => m[1].trim());
      return urls.length ? urls : null;
    }
  }
}

/** Value of a header property over a field list (last instance, or all with :all). */
export function headerValue(fields: HeaderField[], h: HeaderProp): unknown {
  const key = h.name.toLowerCase();
  const vals = fields.filter((f) => f.key === key).map((f) => applyForm(' ' + f.value, h.form));
  if (h.all) return vals;
  return vals.length ? vals[vals.length - 1] : null;
}

/** EmailHeader[] (RFC 8621 §4.1.3): name as written, raw value. */
export function headerList(fields: HeaderField[]): { name: string; value: string }[] {
  return fields.map((f) => ({ name: f.name, value: ' ' + f.value }));
}
