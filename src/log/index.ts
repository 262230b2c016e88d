/** pino logger. Event names are dotted (`smtp.delivery.rejected`); never log a secret or a body. */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string = 'info'): Logger {
  return pino({
    level,
    base: undefined,
    redact: { paths: ['password', 'token', '*.password', '*.token', 'secret', '*.secret'], censor: '[redacted]' },
  });
}
