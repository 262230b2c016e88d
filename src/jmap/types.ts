/** Shared types of the JMAP adapter: dependencies, per-call context, method handlers. RFC 8620 §3. */
import type { Config } from '../config/schema.ts';
import type { Logger } from '../log/index.ts';
import type { Store } from '../store/store.ts';
import type { BlobStore } from '../blobs/blob-store.ts';
import type { AccountId, SessionId } from '../store/ids.ts';
import type { JmapLimits } from './capabilities.ts';

/** What the JMAP plugin needs from the app composition (a subset of the app ctx). */
export interface JmapDeps {
  config: Config;
  log: Logger;
  store: Store;
  blobs: BlobStore;
  /** Optional overrides (tests): limits and the clock. */
  jmapLimits?: Partial<JmapLimits>;
  [k: string]: unknown;
}

/** The authenticated principal of one HTTP request. */
export interface JmapPrincipal {
  account: AccountId;
  username: string;
  name: string;
}

/** Context of one method call. */
export interface CallCtx {
  deps: JmapDeps;
  limits: JmapLimits;
  principal: JmapPrincipal;
  /** The account named by the call's accountId (checked against the principal). */
  account: AccountId;
  using: ReadonlySet<string>;
  /** Creation ids of this request → server ids (RFC 8620 §3.3, §5.3). */
  createdIds: Map<string, string>;
  /** Origin of writes made by this request (the push connection of the same client is still told). */
  origin: SessionId;
  /** Add a response after this call's (implicit calls, e.g. onSuccessUpdateEmail; RFC 8621 §7.5). */
  emit(name: string, args: Record<string, unknown>): void;
  /** Run another method inside this request (implicit Email/set). */
  call(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>>;
}

export type Args = Record<string, unknown>;
export type MethodHandler = (args: Args, c: CallCtx) => Promise<Args>;

export interface MethodDef {
  /** Capability the client must list in `using` for this method. */
  capability: string;
  handler: MethodHandler;
}
