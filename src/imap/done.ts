/** How an IMAP command completes (status, response code, text). RFC 9051 §7.1. */

/** How a command completes; the session sends pending updates, then the tagged response. */
export interface Done {
  status: 'OK' | 'NO' | 'BAD';
  code?: string;
  text: string;
  /** Do not send mailbox updates before the tagged response (LOGOUT, STARTTLS). */
  skipSync?: boolean;
  /** Runs after the tagged response is written (STARTTLS handshake, LOGOUT close). */
  after?: () => void;
}
