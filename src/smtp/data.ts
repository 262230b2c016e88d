/** SMTP replies and DATA collection shared by the MX and submission doors. RFC 5321 §4.2, RFC 1870 §6.3. */
import type { SMTPServerDataStream } from 'smtp-server';

export interface SmtpReplyError extends Error {
  responseCode: number;
}

/** An error smtp-server turns into the reply `code message`. */
export function smtpError(code: number, message: string): SmtpReplyError {
  const e = new Error(message) as SmtpReplyError;
  e.responseCode = code;
  return e;
}

/**
 * Collect the message; `onMessage` runs with the bytes once DATA ended, or the callback gets
 * `552 5.3.4` when the message is over `maxSize` (the rest is read and dropped, not stored).
 */
export function collectData(stream: SMTPServerDataStream, maxSize: number, cb: (err?: Error | null, message?: string) => void, onMessage: (raw: Buffer) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  stream.on('data', (c: Buffer) => {
    size += c.length;
    if (size <= maxSize) chunks.push(c);
  });
  stream.on('error', (e) => cb(e));
  stream.on('end', () => {
    // RFC 1870 §6.3 / RFC 3463 X.3.4: message too big.
    if (stream.sizeExceeded || size > maxSize) return cb(smtpError(552, '5.3.4 Message too big for system / Message trop volumineux'));
    onMessage(Buffer.concat(chunks));
  });
}
