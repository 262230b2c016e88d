/** HTML to plain text for previews and the search index (not for display). HTML Living Standard §13 (tokenization, simplified). */

// Latin-1 named character references, code points 160..255 in order (HTML 4 / HTML §13.5).
const LATIN1 =
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para ' +
  'middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave ' +
  'Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc ' +
  'Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc ' +
  'iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml';
const OTHER: [string, number][] = [
  ['amp', 38], ['lt', 60], ['gt', 62], ['quot', 34], ['apos', 39], ['OElig', 338], ['oelig', 339], ['Scaron', 352],
  ['scaron', 353], ['Yuml', 376], ['circ', 710], ['tilde', 732], ['ensp', 8194], ['emsp', 8195], ['thinsp', 8201],
  ['zwnj', 8204], ['zwj', 8205], ['ndash', 8211], ['mdash', 8212], ['lsquo', 8216], ['rsquo', 8217], ['sbquo', 8218],
  ['ldquo', 8220], ['rdquo', 8221], ['bdquo', 8222], ['dagger', 8224], ['Dagger', 8225], ['bull', 8226],
  ['hellip', 8230], ['permil', 8240], ['lsaquo', 8249], ['rsaquo', 8250], ['euro', 8364], ['trade', 8482],
  ['larr', 8592], ['rarr', 8594],
];
/** Named references this converter knows; unknown names are left as written. Exported for tests. */
export const ENTITIES = new Map<string, string>([
  ...LATIN1.split(' ').map((name, i): [string, string] => [name, String.fromCharCode(160 + i)]),
  ...OTHER.map(([name, cp]): [string, string] => [name, String.fromCharCode(cp)]),
]);

const BLOCK = new Set([
  'address', 'article', 'blockquote', 'br', 'dd', 'div', 'dl', 'dt', 'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'header', 'hr', 'li', 'ol', 'p', 'pre', 'section', 'table', 'tr', 'ul',
]);
const CELL = new Set(['td', 'th']);
/** Elements whose content is not text (§13.2.5 raw text elements, plus head and template). */
const SKIP = new Set(['script', 'style', 'head', 'title', 'template', 'noscript', 'xml']);
const closers = new Map<string, RegExp>();

function closer(name: string): RegExp {
  let re = closers.get(name);
  if (!re) {
    re = new RegExp(`</${name}\\s*>`, 'gi');
    closers.set(name, re);
  }
  return re;
}

const SPACE = /\s/;
const SPACES = /\s+/g;
const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));?/g;

/** Decodes character references (§13.5); invalid code points become U+FFFD. */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(ENTITY, (m, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
    if (name !== undefined) return m.endsWith(';') ? (ENTITIES.get(name) ?? m) : m;
    const cp = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex ?? '', 16);
    if (cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return '\uFFFD';
    return String.fromCodePoint(cp);
  });
}

/**
 * Converts HTML to text: markup and non-text elements dropped, block elements become line
 * breaks, whitespace collapsed, character references decoded. Linear in the input: each '<'
 * is matched once with indexOf; an unterminated tag, comment or script ends the text.
 * Limit: output stops after `maxOut` characters (the caller bounds the input).
 */
export function htmlToText(html: string, maxOut = Number.POSITIVE_INFINITY): string {
  const out: string[] = [];
  let len = 0;
  let pos = 0;
  const n = html.length;
  const text = (s: string): void => {
    // \s includes U+00A0, so &nbsp; written as the character collapses with the spaces
    let t = SPACE.test(s) ? s.replace(SPACES, ' ') : s;
    if (t.includes('&')) t = decodeEntities(t).replace(SPACES, (m) => (m === ' ' ? m : ' '));
    out.push(t);
    len += t.length;
  };
  while (pos < n && len < maxOut) {
    const lt = html.indexOf('<', pos);
    if (lt < 0) {
      text(html.slice(pos));
      break;
    }
    if (lt > pos) text(html.slice(pos, lt));
    const next = html.charCodeAt(lt + 1);
    const isTag = next === 47 || next === 33 || next === 63 || (next >= 65 && next <= 90) || (next >= 97 && next <= 122);
    if (!isTag) {
      text('<');
      pos = lt + 1;
      continue;
    }
    if (html.startsWith('<!--', lt)) {
      const e = html.indexOf('-->', lt + 4);
      pos = e < 0 ? n : e + 3;
      continue;
    }
    const gt = html.indexOf('>', lt + 1);
    if (gt < 0) break;
    pos = gt + 1;
    const closing = next === 47;
    const name = tagName(html, closing ? lt + 2 : lt + 1, gt);
    if (name === '') continue;
    if (!closing && SKIP.has(name) && html.charCodeAt(gt - 1) !== 47) {
      const re = closer(name);
      re.lastIndex = pos;
      const c = re.exec(html);
      pos = c ? c.index + c[0].length : n;
    } else if (BLOCK.has(name)) {
      out.push('\n');
      len++;
    } else if (CELL.has(name)) {
      out.push(' ');
      len++;
    }
  }
  return tidy(out.join(''));
}

/** Lower-case tag name at html[i...] (letters and digits), '' when none; at most 16 characters. */
function tagName(html: string, i: number, end: number): string {
  let j = i;
  const max = Math.min(end, i + 16);
  while (j < max) {
    const c = html.charCodeAt(j) | 0x20;
    if (!((c >= 97 && c <= 122) || (j > i && c >= 48 && c <= 57))) break;
    j++;
  }
  return j > i ? html.slice(i, j).toLowerCase() : '';
}

/** Trims each line, drops runs of blank lines, collapses spaces. */
function tidy(s: string): string {
  return s
    .split('\n')
    .map((l) => l.replace(/ {2,}/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
