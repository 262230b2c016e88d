/**
 * Why an action failed, as a phrase for the "{reason}" of messages such as app.actionFailed:
 * a server refusal by its type (RFC 8620 §3.6.2 method errors, §5.3 SetError), the server's
 * problem details (RFC 9457) in the user's language, or a translated generic phrase. Raw texts
 * (a TypeError's "Failed to fetch", an English description) go to the console only.
 */
import { HttpError } from '../api/http.ts';
import { getLang, t, type Key } from '../i18n/index.ts';

/** An error whose message is already written for the user (translated). */
export class UserError extends Error {}

/** Refusal types the user can act on. */
const TYPES: Record<string, Key> = {
  overQuota: 'compose.errOverQuota',
  cannotUnsend: 'compose.errCannotUnsend',
  tooLarge: 'compose.errTooLarge',
  forbiddenFrom: 'compose.errForbiddenFrom',
  forbiddenToSend: 'compose.errForbiddenToSend',
  tooManyRecipients: 'compose.errTooManyRecipients',
  noRecipients: 'compose.noRecipients',
  invalidRecipients: 'compose.errInvalidRecipients',
  notFound: 'app.reasonNotFound',
  forbidden: 'app.reasonForbidden',
  rateLimit: 'app.reasonRateLimited',
};

/** The text of a server refusal `{ type, description }`: known types in words, else a generic phrase. */
export function refusalText(err: { type: string; description?: string }): string {
  const key = TYPES[err.type];
  if (key) return t(key);
  console.error('refused:', err.type, err.description ?? '');
  return t('app.reasonRefused');
}

/** The server's problem details (RFC 9457) in the current language (docs/api.md: `en` holds the English text). */
export function problemText(e: HttpError): string {
  const b = (e.body ?? {}) as { title?: string; detail?: string; en?: { title?: string; detail?: string }; reasons?: { fr: string; en: string }[] };
  if (b.reasons?.length) return b.reasons.map((r) => (getLang() === 'en' ? r.en : r.fr)).join(' ');
  const src = getLang() === 'en' && b.en ? b.en : b;
  return [src.title, src.detail].filter(Boolean).join(' — ') || t(e.status >= 500 ? 'auth.errorServer' : 'app.unexpectedError');
}

export function reasonText(e: unknown): string {
  if (e instanceof UserError) return e.message;
  if (e instanceof HttpError) {
    if (e.status === 429) return t('app.reasonRateLimited');
    if (e.status === 0 || e.status >= 500) return t('app.reasonServer');
    return problemText(e);
  }
  if (e && typeof e === 'object' && typeof (e as { type?: unknown }).type === 'string') return refusalText(e as { type: string; description?: string });
  console.error(e);
  // fetch() rejects with a TypeError when the network or the server cannot be reached.
  return t(e instanceof TypeError ? 'app.reasonNetwork' : 'app.reasonUnexpected');
}
