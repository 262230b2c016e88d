/** Sending mail: the submission service, the outbound worker, DKIM, CLI pieces (public surface of src/queue). */
export { submitMessage, checkRecipient, listSubmissions, getSubmission, cancelSubmission, type SubmitInput, type SubmitResult, type SubmitRecipient, type SubmissionView } from './submit.ts';
export { startOutboundWorker, backoff, retryPolicy, type RetryPolicy, type OutboundWorker, type WorkerOptions } from './worker.ts';
export { ensureDkimKeys, dkimTxt, signMessage, DKIM_SELECTORS, type DkimKey } from './dkim.ts';
export { maySendAs, checkSenders, hourlyUsage, checkLimits } from './policy.ts';
export { queueCommand, dnsCommand } from './cli.ts';
export { SubmissionError, type SubmissionErrorCode, type SendCtx } from './context.ts';
export { receivedField } from './message.ts';
export type { MxResolver } from './mx-resolve.ts';
