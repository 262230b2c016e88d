/** `preau import staff.csv`: columns prénom, nom, fonction/établissement, optional address. */
import type { Store } from '../store/store.ts';
import { createAccount, AccountError } from '../accounts/service.ts';
import { parseCsv } from './csv.ts';

export interface ImportLine {
  line: number;
  ok: boolean;
  address?: string;
  reason: string;
  oneTimePassword?: string | null;
}

const HEADER = /^(pr[ée]nom|first|firstname|first name)$/i;

export async function importStaff(store: Store, domain: string, csv: string, quotaBytes?: number): Promise<ImportLine[]> {
  const rows = parseCsv(csv);
  const out: ImportLine[] = [];
  for (const [idx, row] of rows.entries()) {
    if (idx === 0 && HEADER.test(row.fields[0] ?? '')) continue;
    const [first = '', last = '', title = '', address = ''] = row.fields;
    if (row.fields.length < 2) {
      out.push({ line: row.line, ok: false, reason: 'colonnes manquantes : prénom;nom;fonction/établissement;adresse (facultative) / missing columns' });
      continue;
    }
    if (!first && !last) {
      out.push({ line: row.line, ok: false, reason: 'prénom et nom vides / first and last name are empty' });
      continue;
    }
    try {
      const r = await createAccount(store, { domain, firstName: first, lastName: last, title, address: address || undefined, quotaBytes });
      out.push({ line: row.line, ok: true, address: r.address, reason: r.reason, oneTimePassword: r.oneTimePassword });
    } catch (e) {
      const msg = e instanceof AccountError ? `${e.code}: ${e.message}` : (e as Error).message;
      out.push({ line: row.line, ok: false, reason: msg });
    }
  }
  return out;
}
