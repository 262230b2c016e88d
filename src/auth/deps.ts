/** What the auth services need: store, configuration, clock, the shared rate limiter, the notifier. */
import type { Config } from '../config/schema.ts';
import type { Logger } from '../log/index.ts';
import type { Store } from '../store/store.ts';
import { RateLimiter } from './rate-limit.ts';
import './tables.ts';

export type Role = 'user' | 'helpdesk' | 'admin';
export type Protocol = 'imap' | 'smtp' | 'dav' | 'jmap' | 'http';

/** A mail the auth service wants sent; the lead wires `send` to delivery. Texts are French then English. */
export interface AuthNotice {
  kind: 'new-device' | 'password-changed' | 'password-reset' | 'reset-link';
  accountId: number;
  /** Recipient address (the account's own address, or its recovery address for reset links). */
  to: string;
  subject: string;
  text: string;
  info: Record<string, string | number | null>;
}

export interface AuthNotifier {
  send(notice: AuthNotice): void | Promise<void>;
}

export interface AuthDeps {
  store: Store;
  config: Config;
  log?: Logger;
  /** Injected clock (epoch ms). */
  now: () => number;
  /** One limiter for every door: pass the same AuthDeps to HTTP, IMAP, SMTP and DAV. */
  limiter: RateLimiter;
  notifier: AuthNotifier;
}

export class AuthError extends Error {
  code: string;
  status: number;
  extra: Record<string, unknown>;
  constructor(code: string, status: number, message = code, extra: Record<string, unknown> = {}) {
    super(message);
    this.code = code;
    this.status = status;
    this.extra = extra;
  }
}

/** Build the auth dependencies once in main.ts and share them between all doors. */
export function createAuthDeps(opts: { store: Store; config: Config; log?: Logger; now?: () => number; notifier?: AuthNotifier; limiter?: RateLimiter }): AuthDeps {
  const now = opts.now ?? Date.now;
  return {
    store: opts.store,
    config: opts.config,
    log: opts.log,
    now,
    limiter: opts.limiter ?? new RateLimiter({ now }),
    notifier: opts.notifier ?? { send: (n) => opts.log?.info({ kind: n.kind, account: n.accountId }, 'auth.notice.unsent') },
  };
}

/** Fire a notice without letting a delivery failure break the flow that produced it. */
export function notify(deps: AuthDeps, notice: AuthNotice): void {
  Promise.resolve()
    .then(() => deps.notifier.send(notice))
    .catch((e) => deps.log?.warn({ kind: notice.kind, account: notice.accountId, err: (e as Error).message }, 'auth.notice.failed'));
}
