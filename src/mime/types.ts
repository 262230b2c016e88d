/** Types of the parsed message stored at delivery (so FETCH / Email/get rarely re-parse). */

/** A decoded address, JMAP style (RFC 8621 §4.1.2.3). */
export interface EmailAddress {
  name: string | null;
  email: string;
}

/** IMAP ENVELOPE address (RFC 9051 §7.5.2): raw header text, encoded-words NOT decoded. */
export interface ImapAddress {
  name: string | null;
  adl: string | null;
  mailbox: string | null;
  host: string | null;
}

/** IMAP ENVELOPE (RFC 9051 §7.5.2): strings as they appear in the header (unfolded), or null. */
export interface ImapEnvelope {
  date: string | null;
  subject: string | null;
  from: ImapAddress[] | null;
  sender: ImapAddress[] | null;
  replyTo: ImapAddress[] | null;
  to: ImapAddress[] | null;
  cc: ImapAddress[] | null;
  bcc: ImapAddress[] | null;
  inReplyTo: string | null;
  messageId: string | null;
}

/**
 * One MIME part with byte offsets into the raw message. The part's header is
 * raw[headerStart, bodyStart) and its body raw[bodyStart, bodyEnd). For the root part
 * headerStart = 0. Section numbers follow RFC 9051 §6.4.5 (partId "" is the whole message,
 * "1", "1.2" ...; a non-multipart root's only body is section "1").
 */
export interface MimePart {
  partId: string;
  /** Lower-case media type and subtype; defaults text/plain (RFC 2045 §5.2). */
  type: string;
  subtype: string;
  /** Content-Type parameters, names lower-cased, values decoded (RFC 2231 continuations joined). */
  params: Record<string, string>;
  id: string | null;
  description: string | null;
  /** Content-Transfer-Encoding as given (upper-cased), default "7BIT". */
  encoding: string;
  disposition: { type: string; params: Record<string, string> } | null;
  language: string[] | null;
  location: string | null;
  md5: string | null;
  headerStart: number;
  bodyStart: number;
  bodyEnd: number;
  /** Body octets as transmitted (bodyEnd - bodyStart). */
  size: number;
  /** Body line count (for text/* and message/rfc822 in BODYSTRUCTURE). */
  lines: number;
  /** Decoded file name (filename or name parameter), null when none. */
  name: string | null;
  /**
   * Set when a multipart/* or message/* part was kept as an opaque application/octet-stream leaf
   * because of the parser's nesting or part-count limits: the type the header declared.
   */
  declaredType?: string;
  /** Children of a multipart/* (always at least one). */
  children?: MimePart[];
  /**
   * For message/rfc822 (and message/global): the embedded message's envelope and root part. The
   * root's partId is this part's id, its children number under it. Absent when the part is
   * transfer-encoded (base64/QP, forbidden by RFC 2046 §5.2.1): then treat it as a basic part.
   */
  message?: { envelope: ImapEnvelope; root: MimePart };
}

export interface AttachmentInfo {
  partId: string;
  name: string | null;
  type: string; // "application/pdf"
  /** Approximate decoded size in octets. */
  size: number;
  disposition: 'attachment' | 'inline';
  cid: string | null;
}

/** Everything the store keeps about a message after parsing it once at delivery. */
export interface ParsedMessage {
  size: number;
  root: MimePart;
  envelope: ImapEnvelope;
  /** Decoded values for JMAP, search and the web client. */
  subject: string;
  from: EmailAddress[];
  sender: EmailAddress[];
  replyTo: EmailAddress[];
  to: EmailAddress[];
  cc: EmailAddress[];
  bcc: EmailAddress[];
  /** Date header as epoch ms, null when absent or unparsable. */
  sentAt: number | null;
  /** Message-ID without angle brackets, null when absent. */
  messageId: string | null;
  inReplyTo: string[];
  references: string[];
  /** Up to 256 characters of body text, whitespace collapsed (RFC 8621 preview). */
  preview: string;
  /** Plain text of the text parts for the full-text index; bounded (256 KiB). */
  text: string;
  /** Plain text of the HTML body if any (bounded), and the raw HTML (bounded, 1 MiB) for analysers. */
  html: string | null;
  hasAttachment: boolean;
  attachments: AttachmentInfo[];
  /** JMAP textBody / htmlBody part ids (RFC 8621 §4.1.4). */
  textBody: string[];
  htmlBody: string[];
  /** Top-level header fields in order, names as written, values raw and unfolded (bounded). */
  headers: { name: string; value: string }[];
}
