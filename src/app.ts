/** Composition of a running Préau: config → store → services → doors. Used by main.ts and tests. */
import { join } from 'node:path';
import { sql } from 'kysely';
import { readFileSync } from 'node:fs';
import { promises as dns } from 'node:dns';
import type { Config } from './config/schema.ts';
import { createLogger, type Logger } from './log/index.ts';
import { openStore } from './store/open.ts';
import { FsBlobStore } from './blobs/fs-blob-store.ts';
import { loadOrCreateTls } from './tls/certificate.ts';
import type { AppContext, Resolver } from './context.ts';
import { parseSize, ConfigError } from './config/load.ts';
import { createDomain } from './accounts/service.ts';
import { resolvePolicy, type SecurityPolicy } from './security/policy.ts';
import { createInboundInspector } from './security/inbound.ts';
import { createAuthDeps, startAuthMaintenance, type AuthDeps } from './auth/index.ts';
import { sendSystemMail } from './queue/system-mail.ts';
import { startOutboundWorker, ensureDkimKeys } from './queue/index.ts';
import { startMxServer } from './smtp/mx.ts';
import { startSubmissionServer } from './smtp/submission.ts';
import { createHttpServer } from './http/index.ts';
import { registerWebClient } from './http/web-static.ts';
import { registerJmap } from './jmap/index.ts';
import type { JmapDeps } from './jmap/types.ts';
import { startImapServer } from './imap/server.ts';
import { sweepBlobs } from './mail/sweeper.ts';

export interface RunningApp {
  ctx: AppContext;
  auth: AuthDeps;
  ports: { smtp: number; submission: number; submissions: number; imap: number; imaps: number; http: number };
  close(): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  resolver?: Resolver;
  clock?: () => number;
  /** Start background workers (outbound queue, blob sweeper, auth maintenance)? Default true. */
  workers?: boolean;
  /** Serve the web client (and build it when stale)? Default true. */
  web?: boolean;
  /** Start the inspection and blob-writer threads before answering (`serve`); otherwise they start
   *  with the first message, which is inspected and written on the event loop meanwhile. */
  warmThreads?: boolean;
}

function loadPolicy(config: Config): SecurityPolicy {
  let input: unknown = {};
  if (config.securityPolicy) {
    try {
      input = JSON.parse(readFileSync(config.securityPolicy, 'utf8'));
    } catch (e) {
      throw new ConfigError(`PREAU_SECURITY_POLICY: cannot read ${config.securityPolicy}: ${(e as Error).message}`);
    }
  }
  try {
    return resolvePolicy(config, input as never);
  } catch (e) {
    throw new ConfigError(`PREAU_SECURITY_POLICY: ${(e as Error).message}`);
  }
}

export async function buildContext(config: Config, opts: StartOptions = {}): Promise<AppContext> {
  const securityPolicy = loadPolicy(config);
  const log = opts.log ?? createLogger(config.logLevel);
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  if (opts.clock) store.clock = opts.clock;
  // Durable blob writes on worker threads (src/blobs/blob-writers.ts): fsyncs run in parallel, off the event loop.
  const blobs = new FsBlobStore(join(config.dataDir, 'blobs'), { writers: 4 });
  const tls = await loadOrCreateTls({ dataDir: config.dataDir, hostname: config.hostname, certFile: config.tlsCert, keyFile: config.tlsKey });
  await createDomain(store, config.domain, parseSize(config.defaultQuota));
  return { config, log, store, blobs, tls, resolver: opts.resolver ?? (dns as unknown as Resolver), securityPolicy };
}

export async function startApp(config: Config, opts: StartOptions = {}): Promise<RunningApp> {
  const ctx = await buildContext(config, opts);
  const { log, store } = ctx;
  const closers: (() => Promise<void>)[] = [];
  const ports = { smtp: 0, submission: 0, submissions: 0, imap: 0, imaps: 0, http: 0 };
  // One AuthDeps for every door: one rate limiter, one sign-in history.
  const auth = createAuthDeps({
    store,
    config,
    log,
    now: opts.clock,
    notifier: {
      send: (n) => {
        sendSystemMail(ctx, { accountId: n.accountId as never, to: n.to, subject: n.subject, text: n.text }).catch((e) => log.error({ event: 'notice.failed', kind: n.kind, err: (e as Error).message }));
      },
    },
  });
  ctx.auth = auth;
  try {
    await ensureDkimKeys(store, config.domain);
    // Port 0 means "do not open this door" (configuration contract).
    if (config.smtpPort) {
      const inspect = createInboundInspector({ store, log, hostname: config.hostname, policy: ctx.securityPolicy as SecurityPolicy, resolver: (name, rrtype) => ctx.resolver.resolve(name, rrtype) });
      closers.push(inspect.close);
      if (opts.warmThreads) await Promise.all([inspect.whenReady(), ctx.blobs.whenReady?.()]);
      const mx = await startMxServer(ctx, { port: config.smtpPort, inspect });
      ports.smtp = mx.port;
      closers.push(mx.close);
    }
    if (config.submissionPort || config.submissionsPort) {
      const sub = await startSubmissionServer(ctx, {});
      ports.submission = sub.port;
      ports.submissions = sub.securePort ?? 0;
      closers.push(sub.close);
    }
    if (config.imapPort) {
      const imap = await startImapServer(ctx, { port: config.imapPort, implicitTlsPort: config.imapsPort || undefined });
      ports.imap = imap.port;
      ports.imaps = imap.tlsPort;
      closers.push(imap.close);
    }
    if (config.httpPort) {
      const plugins = [async (app: Parameters<typeof registerJmap>[0]) => registerJmap(app, ctx as JmapDeps)];
      if (opts.web !== false) plugins.push(async (app) => registerWebClient(app, { config, log }));
      const http = createHttpServer({ config, log, store, auth, plugins });
      await http.listen({ port: config.httpPort, host: config.listen });
      const addr = http.server.address();
      ports.http = typeof addr === 'object' && addr ? addr.port : config.httpPort;
      closers.push(() => http.close());
    }
    if (opts.workers !== false) {
      const worker = startOutboundWorker(ctx, {});
      closers.push(() => worker.stop());
      // Unreferenced blobs are removed after a grace period, never before (ARCHITECTURE.md "Durability").
      const sweeper = setInterval(() => {
        sweepBlobs(ctx, 3_600_000).catch((e) => log.error({ event: 'blobs.sweep.failed', err: (e as Error).message }));
      }, 10 * 60_000);
      sweeper.unref();
      // SQLite: keep the planner's statistics current (https://sqlite.org/lang_analyze.html).
      const optimize = setInterval(() => {
        if (store.dialect === 'sqlite') void sql`PRAGMA optimize`.execute(store.db).catch(() => {});
      }, 3_600_000);
      optimize.unref();
      closers.push(async () => clearInterval(optimize));
      closers.push(async () => clearInterval(sweeper));
      const maint = startAuthMaintenance(auth);
      closers.push(async () => maint.stop());
    }
  } catch (e) {
    for (const c of closers.reverse()) await c().catch(() => {});
    await store.close();
    await ctx.blobs.close?.();
    throw e;
  }
  log.info({ event: 'server.started', ports });
  return {
    ctx,
    auth,
    ports,
    async close() {
      for (const c of closers.reverse()) await c().catch(() => {});
      await store.close();
      await ctx.blobs.close?.();
    },
  };
}
