/** Maps service errors to IMAP completions in one place. RFC 5530 response codes, RFC 9051 §7.1. */
import { MailError } from '../mail/errors.ts';
import { IngestError } from '../mail/ingest.ts';
import type { Done } from './done.ts';
import type { Logger } from '../log/index.ts';

const MAIL_CODES: Record<string, string> = {
  MAILBOX_NOT_FOUND: 'NONEXISTENT',
  MAILBOX_EXISTS: 'ALREADYEXISTS',
  MAILBOX_NAME_INVALID: 'CANNOT',
  MAILBOX_HAS_ROLE: 'CANNOT',
  MAILBOX_HAS_CHILD: 'HASCHILDREN',
  MAILBOX_HAS_EMAIL: 'CANNOT',
  ROLE_INVALID: 'USEATTR',
  ROLE_TAKEN: 'USEATTR',
  EMAIL_NOT_FOUND: 'NONEXISTENT',
  NO_MAILBOX: 'CANNOT',
  OVERQUOTA: 'OVERQUOTA',
  INVALID_ARGUMENT: 'CANNOT',
  // IngestError
  NO_TARGET: 'CANNOT',
};

/** A thrown error as a tagged completion: user errors → NO [CODE], faults → logged + NO [SERVERBUG]. */
export function errorDone(log: Logger, cid: string, e: unknown): Done {
  if (e instanceof MailError || e instanceof IngestError) {
    const code = e instanceof IngestError && e.code === 'MAILBOX_NOT_FOUND' ? 'TRYCREATE' : (MAIL_CODES[e.code] ?? 'CANNOT');
    return { status: 'NO', code, text: e.message };
  }
  log.error({ err: (e as Error)?.message, stack: (e as Error)?.stack, cid }, 'imap.command.failed');
  return { status: 'NO', code: 'SERVERBUG', text: 'internal error, try again later' };
}
