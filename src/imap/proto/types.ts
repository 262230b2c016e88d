/** Typed IMAP requests (client commands). RFC 9051 §6, RFC 3501 §6 and the extensions they name. */

/** One element of a sequence set; `'*'` is the largest number in use (RFC 9051 §9 seq-number). */
export type SeqNumber = number | '*';
export interface SeqRange {
  start: SeqNumber;
  end: SeqNumber;
}
/** A sequence set, or `'$'`: the result saved by SEARCH RETURN (SAVE) (RFC 5182). */
export type SequenceSet = SeqRange[] | '$';

/** A calendar date from a search key, as written (RFC 9051 §9 date). */
export interface ImapDate {
  year: number;
  month: number; // 1..12
  day: number;
}

export type SearchFlagKey =
  | 'ALL' | 'ANSWERED' | 'DELETED' | 'DRAFT' | 'FLAGGED' | 'NEW' | 'OLD' | 'RECENT' | 'SEEN'
  | 'UNANSWERED' | 'UNDELETED' | 'UNDRAFT' | 'UNFLAGGED' | 'UNSEEN';
export type SearchTextKey = 'BCC' | 'BODY' | 'CC' | 'FROM' | 'SUBJECT' | 'TEXT' | 'TO';
export type SearchDateKey = 'BEFORE' | 'ON' | 'SINCE' | 'SENTBEFORE' | 'SENTON' | 'SENTSINCE';

/** Search keys, RFC 9051 §6.4.4, RFC 7162 §3.1.5 (MODSEQ), RFC 5032 (OLDER/YOUNGER), RFC 8474. */
export type SearchKey =
  | { key: SearchFlagKey }
  | { key: 'KEYWORD' | 'UNKEYWORD'; flag: string }
  | { key: SearchTextKey; value: string }
  | { key: 'HEADER'; field: string; value: string }
  | { key: SearchDateKey; date: ImapDate }
  | { key: 'LARGER' | 'SMALLER'; size: number }
  | { key: 'UID'; set: SequenceSet }
  | { key: 'SEQ'; set: SequenceSet }
  | { key: 'NOT'; inner: SearchKey }
  | { key: 'OR'; left: SearchKey; right: SearchKey }
  | { key: 'AND'; keys: SearchKey[] }
  | { key: 'MODSEQ'; modseq: number; entry: { name: string; type: 'priv' | 'shared' | 'all' } | null }
  | { key: 'OLDER' | 'YOUNGER'; seconds: number }
  | { key: 'EMAILID' | 'THREADID'; id: string };

/** SEARCH RETURN options, RFC 9051 §6.4.4 / RFC 4731, SAVE from RFC 5182. */
export interface SearchReturn {
  min: boolean;
  max: boolean;
  all: boolean;
  count: boolean;
  save: boolean;
}

/** BODY[section] / BINARY[section], RFC 9051 §6.4.5. */
export interface Section {
  /** Part path, e.g. [1, 2] for "1.2"; empty for the whole message. */
  part: number[];
  text: 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME' | null;
  /** Field names for HEADER.FIELDS[.NOT], as given. */
  fields: string[];
}
export interface Partial {
  start: number;
  length: number;
}

export type SimpleFetchAtt =
  | 'ENVELOPE' | 'FLAGS' | 'INTERNALDATE' | 'RFC822' | 'RFC822.HEADER' | 'RFC822.SIZE' | 'RFC822.TEXT'
  | 'BODY' | 'BODYSTRUCTURE' | 'UID' | 'MODSEQ' | 'EMAILID' | 'THREADID' | 'SAVEDATE';

/** One FETCH data item, RFC 9051 §6.4.5, RFC 3516 (BINARY), RFC 7162 (MODSEQ), RFC 8474. */
export type FetchAtt =
  | { kind: SimpleFetchAtt }
  | { kind: 'BODY[]'; peek: boolean; section: Section; partial: Partial | null }
  | { kind: 'BINARY[]'; peek: boolean; part: number[]; partial: Partial | null }
  | { kind: 'BINARY.SIZE'; part: number[] };

export type StatusItem =
  | 'MESSAGES' | 'UIDNEXT' | 'UIDVALIDITY' | 'UNSEEN' | 'DELETED' | 'SIZE' | 'RECENT'
  | 'HIGHESTMODSEQ' | 'APPENDLIMIT' | 'MAILBOXID';

export type SortKeyName = 'ARRIVAL' | 'CC' | 'DATE' | 'FROM' | 'SIZE' | 'SUBJECT' | 'TO' | 'DISPLAYFROM' | 'DISPLAYTO';

/** QRESYNC parameter of SELECT/EXAMINE, RFC 7162 §3.2.5. */
export interface QresyncParam {
  uidValidity: number;
  modseq: number;
  knownUids: SequenceSet | null;
  seqMatch: { seqs: SequenceSet; uids: SequenceSet } | null;
}

/** One message of APPEND (RFC 9051 §6.3.12, RFC 3502 MULTIAPPEND, RFC 3516, RFC 6855 §4). */
export interface AppendMessage {
  flags: string[];
  /** INTERNALDATE as epoch ms, or null for "now". */
  date: number | null;
  data: Buffer;
  /** Sent as literal8 (~{n}); may contain NUL. */
  binary: boolean;
  /** Sent as UTF8 (literal8) (RFC 6855). */
  utf8: boolean;
}

export interface ListReturn {
  subscribed: boolean;
  children: boolean;
  specialUse: boolean;
  myRights: boolean;
  status: StatusItem[] | null;
}

/** Arguments of each command, keyed by command name (UID variants carry `uid: true`). */
export interface CommandArgs {
  CAPABILITY: Record<string, never>;
  NOOP: Record<string, never>;
  LOGOUT: Record<string, never>;
  STARTTLS: Record<string, never>;
  CHECK: Record<string, never>;
  CLOSE: Record<string, never>;
  UNSELECT: Record<string, never>;
  IDLE: Record<string, never>;
  NAMESPACE: Record<string, never>;
  AUTHENTICATE: { mechanism: string; initialResponse: string | null };
  LOGIN: { username: string; password: string };
  ENABLE: { capabilities: string[] };
  SELECT: { mailbox: string; condstore: boolean; qresync: QresyncParam | null };
  EXAMINE: { mailbox: string; condstore: boolean; qresync: QresyncParam | null };
  CREATE: { mailbox: string; specialUse: string[] };
  DELETE: { mailbox: string };
  RENAME: { from: string; to: string };
  SUBSCRIBE: { mailbox: string };
  UNSUBSCRIBE: { mailbox: string };
  LIST: { reference: string; patterns: string[]; selection: string[]; returnOpts: ListReturn; extended: boolean };
  LSUB: { reference: string; pattern: string };
  STATUS: { mailbox: string; items: StatusItem[] };
  APPEND: { mailbox: string; messages: AppendMessage[] };
  /** `uids` is set for UID EXPUNGE (RFC 4315 / RFC 9051 §6.4.9). */
  EXPUNGE: { uids: SequenceSet | null };
  SEARCH: { uid: boolean; charset: string | null; criteria: SearchKey; returnOpts: SearchReturn | null };
  FETCH: {
    uid: boolean;
    set: SequenceSet;
    atts: FetchAtt[];
    /** The macro name when ALL / FAST / FULL was used (already expanded in `atts`). */
    macro: 'ALL' | 'FAST' | 'FULL' | null;
    changedSince: number | null;
    vanished: boolean;
  };
  STORE: {
    uid: boolean;
    set: SequenceSet;
    op: 'replace' | 'add' | 'remove';
    silent: boolean;
    flags: string[];
    unchangedSince: number | null;
  };
  COPY: { uid: boolean; set: SequenceSet; mailbox: string };
  MOVE: { uid: boolean; set: SequenceSet; mailbox: string };
  SORT: {
    uid: boolean;
    keys: { key: SortKeyName; reverse: boolean }[];
    charset: string;
    criteria: SearchKey;
    returnOpts: SearchReturn | null;
  };
  THREAD: { uid: boolean; algorithm: string; charset: string; criteria: SearchKey };
  GETQUOTA: { root: string };
  GETQUOTAROOT: { mailbox: string };
  SETQUOTA: { root: string; limits: { resource: string; limit: number }[] };
  ID: { params: [string, string | null][] | null };
  COMPRESS: { mechanism: string };
}

export type CommandName = keyof CommandArgs;

/** A complete, typed client command. */
export type Request = { [K in CommandName]: { tag: string; command: K; args: CommandArgs[K] } }[CommandName];

/** A request of one given command, e.g. `RequestOf<'FETCH'>`. */
export type RequestOf<K extends CommandName> = { tag: string; command: K; args: CommandArgs[K] };
