/** What the HTTP server is built from, and the plugin shape other HTTP features register. */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/schema.ts';
import type { Logger } from '../log/index.ts';
import type { Store } from '../store/store.ts';
import type { AuthDeps } from '../auth/index.ts';

export interface HttpContext {
  config: Config;
  log?: Logger;
  store: Store;
  /** The auth dependencies shared with the other doors (one rate limiter for all). */
  auth?: AuthDeps;
  /** Plugins of other features (JMAP routes, static files of web/dist). */
  plugins?: HttpPlugin[];
}

/** What a plugin receives: the context with `auth` always set. */
export type ResolvedHttpContext = HttpContext & { auth: AuthDeps };
export type HttpPlugin = (app: FastifyInstance, ctx: ResolvedHttpContext) => Promise<void>;

