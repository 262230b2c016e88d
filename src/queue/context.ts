/** What the sending services need from the application context, and their error type. */
import type { AppContext } from '../context.ts';
import './tables.ts';

/** The application context (src/context.ts); the sending services use config, log, store, blobs, resolver. */
export type SendCtx = AppContext;

export type SubmissionErrorCode =
  | 'SENDER_NOT_ALLOWED'
  | 'RATE_LIMITED'
  | 'TOO_MANY_RECIPIENTS'
  | 'TOO_BIG'
  | 'NO_RECIPIENTS'
  | 'INVALID_ADDRESS'
  | 'INVALID_MESSAGE'
  | 'NOT_FOUND'
  | 'NOT_CANCELLABLE';

/** A refusal with the SMTP reply (RFC 5321 §4.2, enhanced code RFC 3463) adapters send as-is. */
export class SubmissionError extends Error {
  code: SubmissionErrorCode;
  /** SMTP reply code, e.g. 550. */
  responseCode: number;
  /** Enhanced status code, e.g. "5.7.1". */
  status: string;
  constructor(code: SubmissionErrorCode, responseCode: number, status: string, message: string) {
    super(message);
    this.code = code;
    this.responseCode = responseCode;
    this.status = status;
  }
  /** The reply line text without the code: "5.7.1 message". */
  get reply(): string {
    return `${this.status} ${this.message}`;
  }
}
