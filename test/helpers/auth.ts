/** Test harness for the sign-in API: temp SQLite store, injected clock, real Fastify on 127.0.0.1:0. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'otplib';
import { openStore } from '../../src/store/open.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { Store } from '../../src/store/store.ts';
import { createAuthDeps, hashPassword, RateLimiter, type AuthDeps, type AuthNotice } from '../../src/auth/index.ts';
import { createHttpServer } from '../../src/http/index.ts';
import type { FastifyInstance } from 'fastify';
import { freshPgDatabase } from './app.ts';

export const ORIGIN = 'https://mail.preau.test';
export const PASSWORD = 'cheval agrafe pile correcte';

export interface Harness {
  store: Store;
  auth: AuthDeps;
  app: FastifyInstance;
  base: string;
  clock: { t: number };
  notices: AuthNotice[];
  nextNotice(kind: AuthNotice['kind']): Promise<AuthNotice>;
  addAccount(first: string, last: string, opts?: { role?: string; password?: string; mustChange?: boolean }): Promise<{ id: number; address: string }>;
  close(): Promise<void>;
}

/** SQLite in a temp dir; PostgreSQL (a fresh database) when PREAU_TEST_PG is set and `pg` asked. */
export async function harness(opts: { pg?: boolean } = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'preau-auth-'));
  const pgdb = opts.pg && process.env.PREAU_TEST_PG ? await freshPgDatabase(process.env.PREAU_TEST_PG) : null;
  const store = await openStore({ dataDir: dir, databaseUrl: pgdb?.url, listen: false });
  const config = loadConfig({}, { dataDir: dir, domain: 'preau.test', publicUrl: ORIGIN });
  const clock = { t: Date.UTC(2026, 8, 1, 8, 0, 0) };
  const notices: AuthNotice[] = [];
  const waiters: { kind: string; resolve: (n: AuthNotice) => void }[] = [];
  const auth = createAuthDeps({
    store,
    config,
    now: () => clock.t,
    // Every test client is 127.0.0.1: a large per-IP allowance keeps tests independent; the
    // per-account counters keep their production values (the limiter has its own unit tests).
    limiter: new RateLimiter({ now: () => clock.t, ipFree: 500 }),
    notifier: {
      send(n) {
        notices.push(n);
        const i = waiters.findIndex((w) => w.kind === n.kind);
        if (i >= 0) waiters.splice(i, 1)[0].resolve(n);
      },
    },
  });
  const app = createHttpServer({ config, store, auth });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const now = clock.t;
  const d = await store.db.insertInto('domains').values({ name: 'preau.test', default_quota: 50 << 20, created_at: now }).returning('id').executeTakeFirstOrThrow();
  return {
    store,
    auth,
    app,
    base,
    clock,
    notices,
    nextNotice: (kind) => new Promise((resolve) => waiters.push({ kind, resolve })),
    async addAccount(first, last, o = {}) {
      const local = `${first}.${last}`.toLowerCase();
      const r = await store.db
        .insertInto('accounts')
        .values({ domain_id: Number(d.id), local_part: local, first_name: first, last_name: last, display_name: `${first} ${last}`, title: '', role: o.role ?? 'user', password_hash: await hashPassword(o.password ?? PASSWORD), must_change_password: o.mustChange ? 1 : 0, password_changed_at: now, quota_bytes: 50 << 20, used_bytes: 0, modseq: 1, status: 'active', created_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      const address = `${local}@preau.test`;
      await store.db.insertInto('addresses').values({ address, account_id: Number(r.id), domain_id: Number(d.id), kind: 'primary', created_at: now }).execute();
      return { id: Number(r.id), address };
    },
    async close() {
      await app.close();
      await store.close();
      await pgdb?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A browser-like client: keeps the cookies and the latest CSRF token, sends Origin. */
export class Client {
  base: string;
  cookies = new Map<string, string>();
  csrf: string | null = null;
  origin: string | null = ORIGIN;
  sendCsrf = true;
  constructor(base: string) {
    this.base = base;
  }
  async req(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
    const h: Record<string, string> = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0', ...headers };
    if (body !== undefined) h['content-type'] = 'application/json';
    if (this.origin && method !== 'GET') h.origin = this.origin;
    if (this.cookies.size) h.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (this.csrf && this.sendCsrf && method !== 'GET') h['x-csrf-token'] = this.csrf;
    const res = await fetch(this.base + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      const k = pair.slice(0, i);
      const v = pair.slice(i + 1);
      if (v === '' || /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(k);
      else this.cookies.set(k, v);
    }
    const text = await res.text();
    let parsed: any = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    if (parsed && typeof parsed === 'object' && typeof parsed.csrfToken === 'string') this.csrf = parsed.csrfToken;
    return { status: res.status, body: parsed, headers: res.headers };
  }
  get(path: string) {
    return this.req('GET', path);
  }
  post(path: string, body: unknown = {}) {
    return this.req('POST', path, body);
  }
  del(path: string) {
    return this.req('DELETE', path);
  }
  async login(identifier: string, password = PASSWORD, sharedComputer = false) {
    return this.post('/api/auth/login', { identifier, password, sharedComputer });
  }
}

export function totpCode(secret: string, at: number): Promise<string> {
  return generate({ secret, epoch: Math.floor(at / 1000) });
}
