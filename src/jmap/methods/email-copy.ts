/** Email/copy between accounts. RFC 8621 §4.7, RFC 8620 §5.4. */
import { parseAccountId } from '../capabilities.ts';
import { MethodError } from '../errors.ts';
import type { MethodHandler } from '../types.ts';

/**
 * A principal reaches only its own account (no sharing yet), so a copy always names an account
 * it cannot read (fromAccountNotFound) or the same account, where RFC 8620 §5.4 says to use
 * Email/set (mailboxIds) instead. TODO(shared mailboxes): copy through ingest into `accountId`.
 */
export const emailCopy: MethodHandler = async (args, c) => {
  const from = parseAccountId(args.fromAccountId);
  if (from === null || from !== c.principal.account) throw new MethodError('fromAccountNotFound');
  if (from === c.account) throw new MethodError('invalidArguments', 'fromAccountId must differ from accountId; use Email/set mailboxIds to copy within an account');
  throw new MethodError('fromAccountNotFound');
};
