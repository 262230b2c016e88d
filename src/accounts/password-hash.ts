/** Password material for account creation: argon2id hashing comes from src/auth; one-time passwords. */
import { hashPassword, randomCode } from '../auth/crypto.ts';

export { hashPassword };

/** A one-time password to give out of band, e.g. "k7pq-3xmz-9rtw-4hcd" (changed at first sign-in). */
export function oneTimePassword(): string {
  return randomCode(4, 4);
}
