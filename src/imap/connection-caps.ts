/** IMAP connection caps per client address and per account. RFC 9051 §7.1.5 (BYE), RFC 5530 §3 (UNAVAILABLE, LIMIT). */

/** Counts open connections by IP and signed-in connections by account; one instance per IMAP server. */
export class ConnectionCaps {
  readonly maxPerIp: number;
  readonly maxPerAccount: number;
  readonly #ips = new Map<string, number>();
  readonly #accounts = new Map<number, number>();
  /** What each session holds, so release() is idempotent. */
  readonly #held = new Map<string, { ip: string; account: number | null }>();
  #releaseWaiters: (() => void)[] = [];

  constructor(maxPerIp: number, maxPerAccount: number) {
    this.maxPerIp = maxPerIp;
    this.maxPerAccount = maxPerAccount;
  }

  /** Takes an address slot for `key` (a session id); false when the address is at its cap. Loopback is not exempt. */
  acquireIp(key: string, ip: string): boolean {
    const a = normalizeIp(ip);
    const n = this.#ips.get(a) ?? 0;
    if (n >= this.maxPerIp) return false;
    this.#ips.set(a, n + 1);
    this.#held.set(key, { ip: a, account: null });
    return true;
  }

  /** Takes an account slot for a session that holds an address slot; false at the cap. */
  acquireAccount(key: string, account: number): boolean {
    const h = this.#held.get(key);
    if (!h) return false;
    if (h.account === account) return true;
    const n = this.#accounts.get(account) ?? 0;
    if (n >= this.maxPerAccount) return false;
    if (h.account !== null) dec(this.#accounts, h.account);
    this.#accounts.set(account, n + 1);
    h.account = account;
    return true;
  }

  /** Frees whatever `key` holds (on connection close); idempotent. */
  release(key: string): void {
    const h = this.#held.get(key);
    if (!h) return;
    this.#held.delete(key);
    dec(this.#ips, h.ip);
    if (h.account !== null) dec(this.#accounts, h.account);
    for (const w of this.#releaseWaiters.splice(0)) w();
  }

  /** Resolves at the next release (tests await a connection's slots being freed). */
  waitReleased(): Promise<void> {
    return new Promise((r) => this.#releaseWaiters.push(r));
  }

  /** Open connections from an address / signed-in connections of an account (tests, metrics). */
  count(kind: 'ip' | 'account', k: string | number): number {
    return kind === 'ip' ? (this.#ips.get(normalizeIp(String(k))) ?? 0) : (this.#accounts.get(Number(k)) ?? 0);
  }
}

function dec<K>(m: Map<K, number>, k: K): void {
  const n = (m.get(k) ?? 1) - 1;
  if (n > 0) m.set(k, n);
  else m.delete(k);
}

/** An IPv4 address seen through an IPv6 socket (::ffff:a.b.c.d) counts as that IPv4 address. */
function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}
