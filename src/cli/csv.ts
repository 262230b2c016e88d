/** Minimal CSV reader for staff imports: ',' or ';' separated, "quoted" fields, UTF-8 (BOM tolerated). */

// Limit: 100 000 lines and 4 KiB per field; an import file is a staff list, not a data set.
const MAX_LINES = 100_000;
const MAX_FIELD = 4096;

export interface CsvRow {
  line: number;
  fields: string[];
}

export function parseCsv(text: string): CsvRow[] {
  const src = text.replace(/^\uFEFF/, '');
  const firstLine = src.split(/\r?\n/, 1)[0] ?? '';
  const sep = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  const rows: CsvRow[] = [];
  let line = 1;
  let i = 0;
  while (i < src.length && rows.length < MAX_LINES) {
    const startLine = line;
    const fields: string[] = [];
    let field = '';
    let inQuotes = false;
    for (; i < src.length; i++) {
      const c = src[i];
      if (inQuotes) {
        if (c === '"' && src[i + 1] === '"') {
          field += '"';
          i++;
        } else if (c === '"') inQuotes = false;
        else {
          if (c === '\n') line++;
          field += c;
        }
      } else if (c === '"' && field === '') inQuotes = true;
      else if (c === sep) {
        fields.push(field.slice(0, MAX_FIELD));
        field = '';
      } else if (c === '\n' || c === '\r') {
        if (c === '\r' && src[i + 1] === '\n') i++;
        i++;
        line++;
        break;
      } else field += c;
    }
    fields.push(field.slice(0, MAX_FIELD));
    if (fields.some((f) => f.trim() !== '')) rows.push({ line: startLine, fields: fields.map((f) => f.trim()) });
  }
  return rows;
}
