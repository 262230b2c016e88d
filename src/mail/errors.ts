/** Errors of the mail services (mailboxes, messages, search, changes), with stable codes (docs/error-codes.md). */

/**
 * Codes:
 * - `MAILBOX_NOT_FOUND`: no such mailbox in this account (also for another account's id).
 * - `MAILBOX_EXISTS`: a mailbox of that name exists (IMAP `NO [ALREADYEXISTS]`, RFC 5530 §3).
 * - `MAILBOX_NAME_INVALID`: empty segment, control character, wildcard, too long (IMAP `NO [CANNOT]`).
 * - `MAILBOX_HAS_ROLE`: a special-use mailbox cannot be deleted (IMAP `NO [CANNOT]`, JMAP `forbidden`).
 * - `MAILBOX_HAS_CHILD`: the mailbox has children (IMAP `NO [HASCHILDREN]`, JMAP `mailboxHasChild`).
 * - `MAILBOX_HAS_EMAIL`: JMAP destroy without onDestroyRemoveEmails (`mailboxHasEmail`).
 * - `ROLE_INVALID`: unknown special-use role (IMAP `NO [USEATTR]`, RFC 6154 §3).
 * - `ROLE_TAKEN`: another mailbox already has the role (IMAP `NO [USEATTR]`, JMAP `invalidProperties`).
 * - `EMAIL_NOT_FOUND`: no such email in this account.
 * - `NO_MAILBOX`: an email must stay in at least one mailbox (JMAP `invalidProperties`, RFC 8621 §4.1.1).
 * - `OVERQUOTA`: the change would exceed the account quota (IMAP `NO [OVERQUOTA]`, JMAP `overQuota`).
 * - `ANCHOR_NOT_FOUND`: the search anchor is not in the results (JMAP `anchorNotFound`, RFC 8620 §5.5).
 * - `INVALID_ARGUMENT`: a malformed argument (bad keyword, UID search without a mailbox, header search without blobs).
 */
export type MailErrorCode =
  | 'MAILBOX_NOT_FOUND'
  | 'MAILBOX_EXISTS'
  | 'MAILBOX_NAME_INVALID'
  | 'MAILBOX_HAS_ROLE'
  | 'MAILBOX_HAS_CHILD'
  | 'MAILBOX_HAS_EMAIL'
  | 'ROLE_INVALID'
  | 'ROLE_TAKEN'
  | 'EMAIL_NOT_FOUND'
  | 'NO_MAILBOX'
  | 'OVERQUOTA'
  | 'ANCHOR_NOT_FOUND'
  | 'INVALID_ARGUMENT';

export class MailError extends Error {
  code: MailErrorCode;
  constructor(code: MailErrorCode, message: string) {
    super(message);
    this.name = 'MailError';
    this.code = code;
  }
}
