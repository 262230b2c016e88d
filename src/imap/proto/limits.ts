/** Bounds of the IMAP command receiver and parser, and its error type. RFC 7888, RFC 7889, RFC 9051 §4.3. */

export interface ProtoLimits {
  // Limit: bytes of one command line between literals (CRLF excluded). Long enough for a UID set
  // of thousands of ranges (Thunderbird sends long UID STORE lines); longer lines end the session.
  maxLineLength: number;
  // Limit: octets of one APPEND literal (the APPENDLIMIT capability, RFC 7889); larger → NO [TOOBIG].
  maxAppendLiteral: number;
  // Limit: octets of a literal in any other command (LOGIN, SEARCH strings ...): nothing
  // legitimate is large there, and the data is held in memory.
  maxOtherLiteral: number;
  // Limit: a non-synchronising literal {n+} larger than this is refused with BAD [TOOBIG]
  // (RFC 7888 §5 LITERAL-: 4096). `null` means LITERAL+ (no separate limit).
  maxNonSyncLiteral: number | null;
  // Limit: literals in one command (MULTIAPPEND, SEARCH with many strings). 1000 literals of
  // a few bytes would otherwise cost 1000 round trips of "+ Ready" per command.
  maxLiteralsPerCommand: number;
  // Limit: total octets of one command, literals included (MULTIAPPEND of many messages).
  maxCommandBytes: number;
  // Limit: nesting depth of parenthesised lists and NOT/OR chains (SEARCH, LIST options):
  // the parser recurses, so depth bounds its stack.
  maxNesting: number;
  // Limit: consecutive bad commands before the session sends BYE (counted by the session).
  maxBadCommands: number;
}

export const defaultLimits: ProtoLimits = {
  maxLineLength: 64 * 1024,
  maxAppendLiteral: 50 * 1024 * 1024,
  maxOtherLiteral: 64 * 1024,
  maxNonSyncLiteral: 4096,
  maxLiteralsPerCommand: 100,
  maxCommandBytes: 100 * 1024 * 1024,
  maxNesting: 32,
  maxBadCommands: 10,
};

/** Error codes of the IMAP protocol layer (docs/error-codes.md, section "IMAP protocol"). */
export type ImapProtoErrorCode =
  | 'IMAP_SYNTAX' // malformed command → tagged BAD
  | 'IMAP_UNKNOWN_COMMAND' // → tagged BAD
  | 'IMAP_TOOBIG' // literal over a limit → NO/BAD [TOOBIG]
  | 'IMAP_LINE_TOO_LONG' // → BYE
  | 'IMAP_TOO_MANY_LITERALS' // → BAD (or BYE when the rest cannot be skipped)
  | 'IMAP_NESTING'; // → BAD

/** A protocol error; `tag` is known once the command's first token was read. */
export class ImapProtoError extends Error {
  readonly code: ImapProtoErrorCode;
  tag: string | null;
  constructor(code: ImapProtoErrorCode, message: string, tag: string | null = null) {
    super(message);
    this.name = 'ImapProtoError';
    this.code = code;
    this.tag = tag;
  }
}
