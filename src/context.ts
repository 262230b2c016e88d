/** The application context handed to services and doors by the composition root (src/app.ts). */
import type { Config } from './config/schema.ts';
import type { Logger } from './log/index.ts';
import type { Store } from './store/store.ts';
import type { BlobStore } from './blobs/blob-store.ts';
import type { TlsMaterial } from './tls/certificate.ts';

/** DNS resolver shape (node:dns/promises subset), injectable for tests. */
export interface Resolver {
  resolveMx(name: string): Promise<{ exchange: string; priority: number }[]>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
  resolveTxt(name: string): Promise<string[][]>;
  /** Any record type (mailauth's resolver shape). */
  resolve(name: string, rrtype: string): Promise<unknown>;
}

export interface AppContext {
  config: Config;
  log: Logger;
  store: Store;
  blobs: BlobStore;
  tls: TlsMaterial;
  resolver: Resolver;
  /** Extension slots filled by the composition root (security policy, queue, auth …). */
  [key: string]: unknown;
}
