/** Test helper: a real Préau in-process on free loopback ports with a temp data dir (and PostgreSQL
 *  when `pg` is asked and PREAU_TEST_PG is set). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { loadConfig } from '../../src/config/load.ts';
import type { ConfigInput } from '../../src/config/schema.ts';
import { startApp, type RunningApp, type StartOptions } from '../../src/app.ts';
import { createAccount, type NewAccount } from '../../src/accounts/service.ts';
import { createLogger } from '../../src/log/index.ts';
import { startImapServer, type ImapServer } from '../../src/imap/server.ts';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export function tempDir(prefix = 'preau-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export { freshPgDatabase } from '../../src/store/contract/pg-fixture.ts';
import { freshPgDatabase } from '../../src/store/contract/pg-fixture.ts';

export interface TestApp extends RunningApp {
  dataDir: string;
  domain: string;
  /** Create an account with a password that works at once. */
  account(first: string, last: string, extra?: Partial<NewAccount>): Promise<{ id: number; address: string; password: string }>;
  stop(): Promise<void>;
}

/** A resolver that knows no name (tests never reach beyond loopback): answers ENOTFOUND at once. */
export function emptyResolver(records: Record<string, unknown> = {}) {
  const lookup = async (name: string, rrtype: string) => {
    const hit = records[`${rrtype}:${name.toLowerCase()}`];
    if (hit !== undefined) return hit;
    const e = new Error(`queryA ENOTFOUND ${name}`) as Error & { code: string };
    e.code = 'ENOTFOUND';
    throw e;
  };
  return {
    resolve: lookup,
    resolveMx: (n: string) => lookup(n, 'MX') as Promise<{ exchange: string; priority: number }[]>,
    resolve4: (n: string) => lookup(n, 'A') as Promise<string[]>,
    resolve6: (n: string) => lookup(n, 'AAAA') as Promise<string[]>,
    resolveTxt: (n: string) => lookup(n, 'TXT') as Promise<string[][]>,
  };
}

export const TEST_PASSWORD = 'Tr3s-b0n-m0t-de-passe!';

export async function startTestApp(overrides: ConfigInput = {}, opts: StartOptions & { pg?: boolean } = {}): Promise<TestApp> {
  const dataDir = tempDir();
  let dropPg: (() => Promise<void>) | null = null;
  let databaseUrl: string | undefined;
  if (opts.pg) {
    const base = process.env.PREAU_TEST_PG;
    if (!base) throw new Error('PREAU_TEST_PG is not set');
    const db = await freshPgDatabase(base);
    databaseUrl = db.url;
    dropPg = db.drop;
  }
  // Port 0 means "no such door" in the configuration, so the doors get ports picked just before:
  // another test file may take one of them meanwhile (EADDRINUSE), then the app (which closes what
  // it opened on failure) starts again on new ones.
  let config: ReturnType<typeof loadConfig>;
  let app: Awaited<ReturnType<typeof startApp>>;
  for (let attempt = 1; ; attempt++) {
    const ports = { smtpPort: await freePort(), submissionPort: await freePort(), imapPort: await freePort(), httpPort: await freePort() };
    config = loadConfig({}, { dataDir, domain: 'ac-test.fr', orgName: 'Académie de Test', logLevel: 'silent', databaseUrl, ...ports, ...overrides });
    try {
      app = await startApp(config, { log: createLogger(process.env.PREAU_TEST_LOG ?? 'silent'), workers: false, resolver: emptyResolver(), ...opts });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 5) throw e;
    }
  }
  return {
    ...app,
    dataDir,
    domain: config.domain,
    async account(first, last, extra = {}) {
      const r = await createAccount(app.ctx.store, { domain: config.domain, firstName: first, lastName: last, password: TEST_PASSWORD, ...extra });
      return { id: r.id, address: r.address, password: extra.password ?? TEST_PASSWORD };
    },
    async stop() {
      await app.close();
      await dropPg?.();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ImapTestApp { app: TestApp; imap: ImapServer; close(): Promise<void> }

/** The app with its IMAP door on a free port (PostgreSQL when PREAU_TEST_PG is set, else SQLite in a temp dir). */
export async function startImapTestApp(overrides: ConfigInput = {}, opts: { pg?: boolean } = { pg: !!process.env.PREAU_TEST_PG }): Promise<ImapTestApp> {
  const app = await startTestApp(overrides, opts);
  const imap = await startImapServer(app.ctx, { port: 0 });
  return {
    app,
    imap,
    async close() {
      await imap.close();
      await app.stop();
    },
  };
}
