/** Parses one complete command into a typed Request. RFC 9051 §6 and §9, RFC 3501 §6, and the
 *  extensions named beside each command. */
import { ImapProtoError } from './limits.ts';
import { Cursor, isAstringChar } from './reader.ts';
import type { Segment } from './segment.ts';
import { parseFetchArgs, parseStoreArgs } from './parse-fetch.ts';
import { parseAppendArgs, parseCreateArgs, parseListArgs, parseLsubArgs, parseSelectArgs, parseStatusItems } from './parse-mailbox.ts';
import { parseSearchArgs, parseSortArgs, parseThreadArgs } from './parse-search.ts';
import { parseSequenceSet } from './sequence.ts';
import type { CommandArgs, CommandName, Request } from './types.ts';

export interface ParseOptions {
  utf8: boolean;
  maxNesting: number;
}

const NO_ARGS = new Set<CommandName>(['CAPABILITY', 'NOOP', 'LOGOUT', 'STARTTLS', 'CHECK', 'CLOSE', 'UNSELECT', 'IDLE', 'NAMESPACE']);

type Parser<K extends CommandName> = (c: Cursor) => CommandArgs[K];
type ParserTable = { [K in CommandName]?: Parser<K> };

// Limit: RFC 2971 §3.3 — at most 30 field/value pairs, fields up to 30 octets, values up to 1024.
const ID_MAX_PAIRS = 30;

const B64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

const PARSERS: ParserTable = {
  // RFC 9051 §6.2.2, RFC 4959 (SASL-IR): AUTHENTICATE SP auth-type [SP (base64 / "=")].
  AUTHENTICATE: (c) => {
    const mechanism = c.keyword('mechanism');
    let initialResponse: string | null = null;
    if (c.maybeSp()) {
      initialResponse = c.readWhile((ch) => ch !== 0x20);
      if (initialResponse !== '=' && !B64_RE.test(initialResponse)) c.fail('bad base64 initial response');
    }
    return { mechanism, initialResponse };
  },
  LOGIN: (c) => {
    const username = c.astring('user name');
    c.sp();
    return { username, password: c.astring('password') };
  },
  // RFC 5161 §3.1: ENABLE 1*(SP capability).
  ENABLE: (c) => {
    const capabilities = [c.keyword('capability')];
    while (c.maybeSp()) capabilities.push(c.keyword('capability'));
    return { capabilities };
  },
  SELECT: parseSelectArgs,
  EXAMINE: parseSelectArgs,
  CREATE: parseCreateArgs,
  DELETE: (c) => ({ mailbox: c.mailbox() }),
  RENAME: (c) => {
    const from = c.mailbox();
    c.sp();
    return { from, to: c.mailbox() };
  },
  SUBSCRIBE: (c) => ({ mailbox: c.mailbox() }),
  UNSUBSCRIBE: (c) => ({ mailbox: c.mailbox() }),
  LIST: parseListArgs,
  LSUB: parseLsubArgs,
  STATUS: (c) => {
    const mailbox = c.mailbox();
    c.sp();
    return { mailbox, items: parseStatusItems(c) };
  },
  APPEND: parseAppendArgs,
  SEARCH: (c) => parseSearchArgs(c, false),
  FETCH: (c) => parseFetchArgs(c, false),
  STORE: (c) => parseStoreArgs(c, false),
  COPY: (c) => copyArgs(c, false),
  MOVE: (c) => copyArgs(c, false),
  SORT: (c) => parseSortArgs(c, false),
  THREAD: (c) => parseThreadArgs(c, false),
  // RFC 9208 §4.
  GETQUOTA: (c) => ({ root: c.astring('quota root') }),
  GETQUOTAROOT: (c) => ({ mailbox: c.mailbox() }),
  SETQUOTA: (c) => {
    const root = c.astring('quota root');
    c.sp();
    const limits = c.list(() => {
      const resource = c.keyword('resource name');
      c.sp();
      return { resource, limit: c.number64() };
    }, true);
    return { root, limits };
  },
  ID: parseId,
  // RFC 4978 §3.
  COMPRESS: (c) => ({ mechanism: c.keyword('compression mechanism') }),
};

function copyArgs(c: Cursor, uid: boolean): CommandArgs['COPY'] {
  const set = parseSequenceSet(c);
  c.sp();
  return { uid, set, mailbox: c.mailbox() };
}

/** RFC 2971 §4: ID SP ("(" string SP nstring *(SP string SP nstring) ")" / NIL). */
function parseId(c: Cursor): CommandArgs['ID'] {
  if (c.takeWord('NIL')) return { params: null };
  const params: [string, string | null][] = [];
  c.list(() => {
    const k = c.string();
    c.sp();
    const v = c.nstring();
    if (params.length >= ID_MAX_PAIRS || k.length > 30 || (v?.length ?? 0) > 1024) c.fail('ID parameters over the limits of RFC 2971');
    params.push([k, v]);
  }, true);
  return { params };
}

/** UID SP (copy / move / fetch / search / store / uid-expunge / sort / thread). */
function parseUid(c: Cursor): Omit<Request, 'tag'> {
  const name = c.keyword('command name');
  c.sp();
  switch (name) {
    case 'COPY':
    case 'MOVE':
      return { command: name, args: copyArgs(c, true) };
    case 'FETCH':
      return { command: 'FETCH', args: parseFetchArgs(c, true) };
    case 'SEARCH':
      return { command: 'SEARCH', args: parseSearchArgs(c, true) };
    case 'STORE':
      return { command: 'STORE', args: parseStoreArgs(c, true) };
    case 'SORT':
      return { command: 'SORT', args: parseSortArgs(c, true) };
    case 'THREAD':
      return { command: 'THREAD', args: parseThreadArgs(c, true) };
    case 'EXPUNGE':
      return { command: 'EXPUNGE', args: { uids: parseSequenceSet(c) } };
  }
  throw new ImapProtoError('IMAP_UNKNOWN_COMMAND', `unknown UID command ${name}`, c.tag);
}

/** Parses the segments of one command (as assembled by the Receiver). */
export function parseCommand(segments: Segment[], opts: ParseOptions): Request {
  const c = new Cursor(segments, { utf8: opts.utf8, maxNesting: opts.maxNesting });
  // RFC 9051 §9: tag = 1*<any ASTRING-CHAR except "+">.
  const tag = c.readWhile((ch) => isAstringChar(ch) && ch !== 0x2b);
  if (!tag) throw new ImapProtoError('IMAP_SYNTAX', 'missing or invalid tag', null);
  c.tag = tag;
  if (!c.maybeSp()) c.fail('expected a space after the tag');
  const name = c.readWhile((ch) => (ch >= 0x41 && ch <= 0x5a) || (ch >= 0x61 && ch <= 0x7a)).toUpperCase();
  if (!name) c.fail('expected a command name');
  let body: Omit<Request, 'tag'>;
  if (name === 'EXPUNGE' && c.atEnd()) body = { command: 'EXPUNGE', args: { uids: null } };
  else if (NO_ARGS.has(name as CommandName)) body = { command: name as 'NOOP', args: {} };
  else if (name === 'UID') {
    c.sp();
    body = parseUid(c);
  } else {
    const p = PARSERS[name as CommandName] as Parser<CommandName> | undefined;
    if (!p) throw new ImapProtoError('IMAP_UNKNOWN_COMMAND', `unknown command ${name.slice(0, 30)}`, tag);
    c.sp();
    body = { command: name, args: p(c) } as Omit<Request, 'tag'>;
  }
  c.end();
  return { tag, ...body } as Request;
}
