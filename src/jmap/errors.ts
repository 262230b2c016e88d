/** JMAP errors: request-level problem details and method-level / set-level errors. RFC 8620 §3.6, §5.3, RFC 9457. */

/** Request-level problem types (RFC 8620 §3.6.1). */
export type RequestProblemType = 'unknownCapability' | 'notJSON' | 'notRequest' | 'limit';

export class RequestProblem extends Error {
  type: RequestProblemType;
  status: number;
  limit?: string;
  constructor(type: RequestProblemType, detail: string, opts: { status?: number; limit?: string } = {}) {
    super(detail);
    this.type = type;
    this.status = opts.status ?? 400;
    this.limit = opts.limit;
  }
  toJSON(): Record<string, unknown> {
    return { type: `urn:ietf:params:jmap:error:${this.type}`, status: this.status, detail: this.message, ...(this.limit ? { limit: this.limit } : {}) };
  }
}

/** Method-level error types (RFC 8620 §3.6.2 and the method sections of RFC 8620/8621). */
export type MethodErrorType =
  | 'serverUnavailable'
  | 'serverFail'
  | 'serverPartialFail'
  | 'unknownMethod'
  | 'invalidArguments'
  | 'invalidResultReference'
  | 'forbidden'
  | 'accountNotFound'
  | 'accountNotSupportedByMethod'
  | 'accountReadOnly'
  | 'requestTooLarge'
  | 'stateMismatch'
  | 'cannotCalculateChanges'
  | 'anchorNotFound'
  | 'unsupportedSort'
  | 'unsupportedFilter'
  | 'tooManyChanges'
  | 'fromAccountNotFound'
  | 'fromAccountNotSupportedByMethod';

export class MethodError extends Error {
  type: MethodErrorType;
  extra: Record<string, unknown>;
  constructor(type: MethodErrorType, description?: string, extra: Record<string, unknown> = {}) {
    super(description ?? type);
    this.type = type;
    this.extra = extra;
  }
  toArgs(): Record<string, unknown> {
    return { type: this.type, ...(this.message && this.message !== this.type ? { description: this.message } : {}), ...this.extra };
  }
}

/** SetError types (RFC 8620 §5.3, §5.4; RFC 8621 §2.3, §4.6, §4.7, §7.5). */
export type SetErrorType =
  | 'forbidden'
  | 'overQuota'
  | 'tooLarge'
  | 'rateLimit'
  | 'notFound'
  | 'invalidPatch'
  | 'willDestroy'
  | 'invalidProperties'
  | 'singleton'
  | 'alreadyExists'
  | 'mailboxHasChild'
  | 'mailboxHasEmail'
  | 'blobNotFound'
  | 'tooManyKeywords'
  | 'tooManyMailboxes'
  | 'invalidEmail'
  | 'tooManyRecipients'
  | 'noRecipients'
  | 'invalidRecipients'
  | 'forbiddenMailFrom'
  | 'forbiddenFrom'
  | 'forbiddenToSend'
  | 'cannotUnsend';

export class SetError extends Error {
  type: SetErrorType;
  extra: Record<string, unknown>;
  constructor(type: SetErrorType, description?: string, extra: Record<string, unknown> = {}) {
    super(description ?? type);
    this.type = type;
    this.extra = extra;
  }
  toJSON(): Record<string, unknown> {
    return { type: this.type, ...(this.message && this.message !== this.type ? { description: this.message } : {}), ...this.extra };
  }
}

/** Turn anything thrown while handling one object into a SetError (unknown faults become serverFail-like forbidden). */
export function toSetError(e: unknown): Record<string, unknown> {
  if (e instanceof SetError) return e.toJSON();
  if (e instanceof MethodError) return { type: 'invalidProperties', description: e.message };
  const code = (e as { code?: string }).code;
  const description = (e as Error).message;
  switch (code) {
    case 'OVERQUOTA':
      return { type: 'overQuota', description };
    case 'TOO_BIG':
      return { type: 'tooLarge', description };
    case 'MAILBOX_NOT_FOUND':
    case 'EMAIL_NOT_FOUND':
    case 'NOT_FOUND':
      return { type: 'notFound', description };
    case 'MAILBOX_HAS_CHILD':
      return { type: 'mailboxHasChild', description };
    case 'MAILBOX_HAS_EMAIL':
      return { type: 'mailboxHasEmail', description };
    case 'MAILBOX_HAS_ROLE':
      return { type: 'forbidden', description };
    case 'MAILBOX_EXISTS':
    case 'MAILBOX_NAME_INVALID':
      return { type: 'invalidProperties', properties: ['name'], description };
    case 'ROLE_INVALID':
    case 'ROLE_TAKEN':
      return { type: 'invalidProperties', properties: ['role'], description };
    case 'NO_MAILBOX':
      return { type: 'invalidProperties', properties: ['mailboxIds'], description };
    case 'INVALID_ARGUMENT':
      return { type: 'invalidProperties', description };
  }
  throw e;
}
