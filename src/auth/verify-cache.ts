/** Recently verified passwords for the mail doors (IMAP, SMTP, DAV, JMAP Basic): phones and mail
 *  clients reconnect all day, and argon2id costs ~40 ms each time. The idea of Dovecot's
 *  auth_cache: a hit skips the hash, never the rate limiter, the account checks or 2FA rules. */
import { createHmac, randomBytes } from 'node:crypto';

// Limit: 10 000 entries, 5 minutes each; keys are HMACs under a per-process secret, so the map
// holds no password and nothing usable outside this process. The stored hash is part of the key:
// a password change makes every cached entry for the old one useless at once.
const TTL_MS = 5 * 60_000;
const MAX = 10_000;

export class VerifyCache {
  #secret = randomBytes(32);
  #entries = new Map<string, number>();

  #key(account: number, storedHash: string, password: string): string {
    return createHmac('sha256', this.#secret).update(`${account}\0${storedHash}\0`).update(password).digest('base64');
  }

  has(account: number, storedHash: string, password: string, now: number): boolean {
    const k = this.#key(account, storedHash, password);
    const exp = this.#entries.get(k);
    if (exp === undefined) return false;
    if (exp < now) {
      this.#entries.delete(k);
      return false;
    }
    return true;
  }

  add(account: number, storedHash: string, password: string, now: number): void {
    if (this.#entries.size >= MAX) {
      for (const [k, exp] of this.#entries) if (exp < now || this.#entries.size >= MAX) this.#entries.delete(k);
    }
    this.#entries.set(this.#key(account, storedHash, password), now + TTL_MS);
  }
}
