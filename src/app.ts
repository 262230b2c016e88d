/** Composition of a running Préau: config → store → services → doors. Used by main.ts and tests. */
import { join } from 'node:path';
import { promises as dns } from 'node:dns';
import type { Config } from './config/schema.ts';
import { createLogger, type Logger } from './log/index.ts';
import { openStore } from './store/open.ts';
import { FsBlobStore } from './blobs/fs-blob-store.ts';
import { loadOrCreateTls } from './tls/certificate.ts';
import type { AppContext, Resolver } from './context.ts';
import { startMxServer } from './smtp/mx.ts';
import { parseSize } from './config/load.ts';
import { createDomain } from './accounts/service.ts';

export interface RunningApp {
  ctx: AppContext;
  ports: { smtp: number; submission: number; imap: number; http: number };
  close(): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  resolver?: Resolver;
  clock?: () => number;
  /** Tests: start background workers (queue, sweeper)? Default true. */
  workers?: boolean;
}

export async function buildContext(config: Config, opts: StartOptions = {}): Promise<AppContext> {
  const log = opts.log ?? createLogger(config.logLevel);
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  if (opts.clock) store.clock = opts.clock;
  const blobs = new FsBlobStore(join(config.dataDir, 'blobs'));
  const tls = await loadOrCreateTls({ dataDir: config.dataDir, hostname: config.hostname, certFile: config.tlsCert, keyFile: config.tlsKey });
  await createDomain(store, config.domain, parseSize(config.defaultQuota));
  return { config, log, store, blobs, tls, resolver: opts.resolver ?? (dns as unknown as Resolver) };
}

export async function startApp(config: Config, opts: StartOptions = {}): Promise<RunningApp> {
  const ctx = await buildContext(config, opts);
  const closers: (() => Promise<void>)[] = [];
  const ports = { smtp: 0, submission: 0, imap: 0, http: 0 };
  try {
    // Port 0 means "do not open this door" (configuration contract).
    if (config.smtpPort) {
      const mx = await startMxServer(ctx, { port: config.smtpPort });
      ports.smtp = mx.port;
      closers.push(mx.close);
    }
  } catch (e) {
    for (const c of closers.reverse()) await c().catch(() => {});
    await ctx.store.close();
    throw e;
  }
  return {
    ctx,
    ports,
    async close() {
      for (const c of closers.reverse()) await c().catch(() => {});
      await ctx.store.close();
    },
  };
}
