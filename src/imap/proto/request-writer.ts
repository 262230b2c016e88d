/** Typed requests → client wire form (the inverse of the parser; used by round-trip tests).
 *  RFC 9051 §6 and §9. Literals are written as non-synchronising {n+} (RFC 7888). */
import { formatSection } from './body.ts';
import { quote } from './format.ts';
import { encodeMailboxName } from './mutf7.ts';
import { formatSequenceSet } from './sequence.ts';
import type { FetchAtt, ImapDate, Request, SearchKey, SearchReturn } from './types.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A string argument: quoted when possible, else a non-synchronising literal. */
function str(s: string): string {
  return /^[\x20-\x7e]*$/.test(s) && s.length < 1000 ? quote(s) : `{${Buffer.byteLength(s)}+}\r\n${s}`;
}
const mbox = (m: string, utf8: boolean): string => str(encodeMailboxName(m, utf8));
const date = (d: ImapDate): string => `${d.day}-${MONTHS[d.month - 1]}-${d.year}`;

function searchKey(k: SearchKey): string {
  switch (k.key) {
    case 'KEYWORD':
    case 'UNKEYWORD':
      return `${k.key} ${k.flag}`;
    case 'BCC': case 'BODY': case 'CC': case 'FROM': case 'SUBJECT': case 'TEXT': case 'TO':
      return `${k.key} ${str(k.value)}`;
    case 'HEADER':
      return `HEADER ${str(k.field)} ${str(k.value)}`;
    case 'BEFORE': case 'ON': case 'SINCE': case 'SENTBEFORE': case 'SENTON': case 'SENTSINCE':
      return `${k.key} ${date(k.date)}`;
    case 'LARGER':
    case 'SMALLER':
      return `${k.key} ${k.size}`;
    case 'UID':
      return `UID ${formatSequenceSet(k.set)}`;
    case 'SEQ':
      return formatSequenceSet(k.set);
    case 'NOT':
      return `NOT ${searchKey(k.inner)}`;
    case 'OR':
      return `OR ${searchKey(k.left)} ${searchKey(k.right)}`;
    case 'AND':
      return `(${k.keys.map(searchKey).join(' ')})`;
    case 'MODSEQ':
      return `MODSEQ ${k.entry ? `${quote(k.entry.name)} ${k.entry.type} ` : ''}${k.modseq}`;
    case 'OLDER':
    case 'YOUNGER':
      return `${k.key} ${k.seconds}`;
    case 'EMAILID':
    case 'THREADID':
      return `${k.key} ${k.id}`;
    default:
      return k.key;
  }
}

function criteria(k: SearchKey): string {
  return k.key === 'AND' && k.keys.length > 1 ? k.keys.map(searchKey).join(' ') : searchKey(k);
}

function ret(r: SearchReturn | null): string {
  if (!r) return '';
  const o = (['min', 'max', 'all', 'count', 'save'] as const).filter((x) => r[x]).map((x) => x.toUpperCase());
  return `RETURN (${o.join(' ')}) `;
}

function fetchAtt(a: FetchAtt): string {
  const partial = (p: { start: number; length: number } | null): string => (p ? `<${p.start}.${p.length}>` : '');
  switch (a.kind) {
    case 'BODY[]':
      return `BODY${a.peek ? '.PEEK' : ''}[${formatSection(a.section)}]${partial(a.partial)}`;
    case 'BINARY[]':
      return `BINARY${a.peek ? '.PEEK' : ''}[${a.part.join('.')}]${partial(a.partial)}`;
    case 'BINARY.SIZE':
      return `BINARY.SIZE[${a.part.join('.')}]`;
    default:
      return a.kind;
  }
}

/** Serialises a request (tag, command and arguments) with its final CRLF. */
export function writeRequest(r: Request, utf8 = false): Buffer {
  const uid = 'uid' in r.args && r.args.uid === true ? 'UID ' : '';
  let s: string;
  switch (r.command) {
    case 'LOGIN': s = `LOGIN ${str(r.args.username)} ${str(r.args.password)}`; break;
    case 'AUTHENTICATE': s = `AUTHENTICATE ${r.args.mechanism}${r.args.initialResponse !== null ? ' ' + r.args.initialResponse : ''}`; break;
    case 'ENABLE': s = `ENABLE ${r.args.capabilities.join(' ')}`; break;
    case 'SELECT':
    case 'EXAMINE': s = `${r.command} ${mbox(r.args.mailbox, utf8)}${r.args.condstore ? ' (CONDSTORE)' : ''}`; break;
    case 'CREATE': s = `CREATE ${mbox(r.args.mailbox, utf8)}${r.args.specialUse.length ? ` (USE (${r.args.specialUse.join(' ')}))` : ''}`; break;
    case 'DELETE': case 'SUBSCRIBE': case 'UNSUBSCRIBE': s = `${r.command} ${mbox(r.args.mailbox, utf8)}`; break;
    case 'RENAME': s = `RENAME ${mbox(r.args.from, utf8)} ${mbox(r.args.to, utf8)}`; break;
    case 'STATUS': s = `STATUS ${mbox(r.args.mailbox, utf8)} (${r.args.items.join(' ')})`; break;
    case 'LIST': s = `LIST ${mbox(r.args.reference, utf8)} ${mbox(r.args.patterns[0] ?? '', utf8)}`; break;
    case 'LSUB': s = `LSUB ${mbox(r.args.reference, utf8)} ${mbox(r.args.pattern, utf8)}`; break;
    case 'APPEND':
      return Buffer.concat([
        Buffer.from(`${r.tag} APPEND ${mbox(r.args.mailbox, utf8)}`),
        ...r.args.messages.flatMap((m) => [Buffer.from(` ${m.flags.length ? `(${m.flags.join(' ')}) ` : ''}${m.binary ? '~' : ''}{${m.data.length}+}\r\n`), m.data]),
        Buffer.from('\r\n'),
      ]);
    case 'EXPUNGE': s = r.args.uids ? `UID EXPUNGE ${formatSequenceSet(r.args.uids)}` : 'EXPUNGE'; break;
    case 'SEARCH': s = `${uid}SEARCH ${ret(r.args.returnOpts)}${r.args.charset ? `CHARSET ${r.args.charset} ` : ''}${criteria(r.args.criteria)}`; break;
    case 'FETCH': {
      const atts = r.args.macro ?? (r.args.atts.length === 1 ? fetchAtt(r.args.atts[0]!) : `(${r.args.atts.map(fetchAtt).join(' ')})`);
      const mods = [r.args.changedSince !== null ? `CHANGEDSINCE ${r.args.changedSince}` : '', r.args.vanished ? 'VANISHED' : ''].filter(Boolean);
      s = `${uid}FETCH ${formatSequenceSet(r.args.set)} ${atts}${mods.length ? ` (${mods.join(' ')})` : ''}`;
      break;
    }
    case 'STORE': {
      const op = r.args.op === 'add' ? '+' : r.args.op === 'remove' ? '-' : '';
      const unch = r.args.unchangedSince !== null ? `(UNCHANGEDSINCE ${r.args.unchangedSince}) ` : '';
      s = `${uid}STORE ${formatSequenceSet(r.args.set)} ${unch}${op}FLAGS${r.args.silent ? '.SILENT' : ''} (${r.args.flags.join(' ')})`;
      break;
    }
    case 'COPY': case 'MOVE': s = `${uid}${r.command} ${formatSequenceSet(r.args.set)} ${mbox(r.args.mailbox, utf8)}`; break;
    case 'SORT': s = `${uid}SORT ${ret(r.args.returnOpts)}(${r.args.keys.map((k) => (k.reverse ? 'REVERSE ' : '') + k.key).join(' ')}) ${r.args.charset} ${criteria(r.args.criteria)}`; break;
    case 'THREAD': s = `${uid}THREAD ${r.args.algorithm} ${r.args.charset} ${criteria(r.args.criteria)}`; break;
    case 'GETQUOTA': s = `GETQUOTA ${str(r.args.root)}`; break;
    case 'GETQUOTAROOT': s = `GETQUOTAROOT ${mbox(r.args.mailbox, utf8)}`; break;
    case 'SETQUOTA': s = `SETQUOTA ${str(r.args.root)} (${r.args.limits.map((l) => `${l.resource} ${l.limit}`).join(' ')})`; break;
    case 'ID': s = `ID ${r.args.params === null ? 'NIL' : `(${r.args.params.map(([k, v]) => `${str(k)} ${v === null ? 'NIL' : str(v)}`).join(' ')})`}`; break;
    case 'COMPRESS': s = `COMPRESS ${r.args.mechanism}`; break;
    default: s = r.command;
  }
  return Buffer.from(`${r.tag} ${s}\r\n`, 'utf8');
}
