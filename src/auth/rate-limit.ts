/** One rate limiter for every door (HTTP, IMAP, SMTP AUTH, DAV): growing delays, never a lock-out. */

export interface RateLimiterOptions {
  now: () => number;
  /** Failures allowed per IP before delays start. */
  ipFree?: number;
  /** Failures allowed per account (or unknown identifier) before delays start. */
  accountFree?: number;
  /** First delay; each further failure doubles it. */
  baseDelayMs?: number;
  /** Longest delay for an IP (an attacker's address can wait long). */
  ipMaxDelayMs?: number;
  /** Longest delay for an account: short, so an attacker cannot lock a colleague out. */
  accountMaxDelayMs?: number;
  /** A key with no failure for this long is forgotten. */
  forgetAfterMs?: number;
  /** Limit: entries kept in memory (oldest dropped first). */
  maxEntries?: number;
}

interface Entry {
  failures: number;
  last: number;
  blockedUntil: number;
}

/**
 * Counters in memory, keyed `ip:<address>` and `acct:<id>` (or `id:<identifier>` for an unknown
 * identifier, so unknown and known identifiers are throttled alike); `reset-ip:` and `reset:<identifier>`
 * count lost-password requests apart from sign-ins; `2fa:<id>` counts
 * second-factor guesses, which a correct password does not clear. A delay is a time before
 * which the next attempt is refused without even checking the password.
 * TODO(multi-node): keep the counters in the database or PostgreSQL when running several nodes.
 */
export class RateLimiter {
  #o: Required<RateLimiterOptions>;
  #map = new Map<string, Entry>();

  constructor(o: RateLimiterOptions) {
    this.#o = {
      ipFree: 20,
      accountFree: 5,
      baseDelayMs: 1000,
      ipMaxDelayMs: 15 * 60_000,
      accountMaxDelayMs: 60_000,
      forgetAfterMs: 60 * 60_000,
      maxEntries: 100_000,
      ...o,
    };
  }

  /** IPv4 address as is; IPv6 by its /64 (one subscriber usually holds a whole /64). */
  static ipKey(ip: string): string {
    const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
    if (v4) return 'ip:' + v4[1];
    if (!ip.includes(':')) return 'ip:' + ip;
    return 'ip:' + expandV6(ip).slice(0, 4).join(':') + '::/64';
  }

  /** Milliseconds to wait before an attempt under these keys may be checked (0 = go ahead). */
  retryAfter(keys: string[]): number {
    const now = this.#o.now();
    let wait = 0;
    for (const k of keys) {
      const e = this.#entry(k, now);
      if (e && e.blockedUntil > now) wait = Math.max(wait, e.blockedUntil - now);
    }
    return wait;
  }

  /** Count one failure under each key; the delay doubles after the free allowance. */
  fail(keys: string[]): void {
    const now = this.#o.now();
    for (const k of keys) {
      const e = this.#entry(k, now) ?? { failures: 0, last: now, blockedUntil: 0 };
      e.failures++;
      e.last = now;
      // An address key (`ip:`, or `reset-ip:` for lost-password requests) has the address allowance.
      const isIp = k.startsWith('ip:') || k.startsWith('reset-ip:');
      const free = isIp ? this.#o.ipFree : this.#o.accountFree;
      // Second-factor guesses (`2fa:` keys) come from someone who has the password: they may wait
      // as long as an IP; guesses of a password (`acct:`) only briefly, against lock-out abuse.
      const max = isIp || k.startsWith('2fa:') ? this.#o.ipMaxDelayMs : this.#o.accountMaxDelayMs;
      if (e.failures > free) {
        const n = Math.min(e.failures - free - 1, 30);
        e.blockedUntil = now + Math.min(max, this.#o.baseDelayMs * 2 ** n);
      }
      this.#map.delete(k);
      this.#map.set(k, e);
    }
    while (this.#map.size > this.#o.maxEntries) this.#map.delete(this.#map.keys().next().value!);
  }

  /** Number of keys held (tests, metrics). */
  get size(): number {
    return this.#map.size;
  }

  /** A success clears the account's counter (not the IP's: one good account must not whitewash an IP). */
  succeed(keys: string[]): void {
    for (const k of keys) if (!k.startsWith('ip:')) this.#map.delete(k);
  }

  #entry(k: string, now: number): Entry | undefined {
    const e = this.#map.get(k);
    if (e && now - e.last > this.#o.forgetAfterMs && e.blockedUntil <= now) {
      this.#map.delete(k);
      return undefined;
    }
    return e;
  }
}

/** Eight hextets of an IPv6 address ("2001:db8::1" -> ["2001","db8","0",...,"1"]). */
function expandV6(ip: string): string[] {
  const [head, tail = ''] = ip.split('%')[0].toLowerCase().split('::');
  const h = head ? head.split(':') : [];
  const t = ip.includes('::') && tail ? tail.split(':') : [];
  const fill = ip.includes('::') ? Array(Math.max(0, 8 - h.length - t.length)).fill('0') : [];
  return [...h, ...fill, ...t].map((x) => x.replace(/^0+(?=.)/, ''));
}
