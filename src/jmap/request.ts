/** JMAP API request processing: validation, limits, method dispatch in order, createdIds. RFC 8620 §3.2–§3.6. */
import { randomUUID } from 'node:crypto';
import type { SessionId } from '../store/ids.ts';
import { SUPPORTED_CAPABILITIES, parseAccountId, type JmapLimits } from './capabilities.ts';
import { MethodError, RequestProblem } from './errors.ts';
import { resolveReferences } from './references.ts';
import type { Args, CallCtx, JmapDeps, JmapPrincipal, MethodDef } from './types.ts';

type Invocation = [string, Args, string];

/** Validate the Request object shape (RFC 8620 §3.3); throws notRequest / unknownCapability / limit. */
export function parseRequest(body: unknown, limits: JmapLimits): { using: string[]; methodCalls: Invocation[]; createdIds?: Record<string, string> } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new RequestProblem('notRequest', 'the request must be a JSON object');
  const b = body as Record<string, unknown>;
  if (!Array.isArray(b.using) || !b.using.every((u) => typeof u === 'string')) throw new RequestProblem('notRequest', '"using" must be an array of strings');
  if (!Array.isArray(b.methodCalls)) throw new RequestProblem('notRequest', '"methodCalls" must be an array');
  for (const inv of b.methodCalls) {
    if (!Array.isArray(inv) || inv.length !== 3 || typeof inv[0] !== 'string' || typeof inv[2] !== 'string' || !inv[1] || typeof inv[1] !== 'object' || Array.isArray(inv[1])) {
      throw new RequestProblem('notRequest', 'each method call must be [name, arguments, callId]');
    }
  }
  if (b.createdIds !== undefined && (typeof b.createdIds !== 'object' || b.createdIds === null || Array.isArray(b.createdIds))) throw new RequestProblem('notRequest', '"createdIds" must be an object');
  // RFC 8620 §3.6.1: unknownCapability
  for (const u of b.using as string[]) if (!SUPPORTED_CAPABILITIES.has(u)) throw new RequestProblem('unknownCapability', `The Request object used capability '${u}', which is not supported by this server.`);
  // RFC 8620 §2: maxCallsInRequest
  if (b.methodCalls.length > limits.maxCallsInRequest) throw new RequestProblem('limit', `more than ${limits.maxCallsInRequest} method calls`, { limit: 'maxCallsInRequest' });
  return { using: b.using as string[], methodCalls: b.methodCalls as Invocation[], createdIds: b.createdIds as Record<string, string> | undefined };
}

export interface Dispatcher {
  methods: Map<string, MethodDef>;
}

/** Process the method calls in order and build the Response object (RFC 8620 §3.4). */
export async function processRequest(deps: JmapDeps, limits: JmapLimits, principal: JmapPrincipal, dispatcher: Dispatcher, req: ReturnType<typeof parseRequest>, timings?: { name: string; ms: number }[]): Promise<Args> {
  const using = new Set(req.using);
  const createdIds = new Map<string, string>(Object.entries(req.createdIds ?? {}));
  const responses: Invocation[] = [];
  const origin = `jmap-${randomUUID()}` as SessionId;
  for (const [name, rawArgs, callId] of req.methodCalls) {
    const extra: Invocation[] = [];
    const run = async (n: string, a: Args): Promise<Args> => {
      const def = dispatcher.methods.get(n);
      // RFC 8620 §3.6.2: unknownMethod, also when its capability is not in "using" (§3.3).
      if (!def || !using.has(def.capability)) throw new MethodError('unknownMethod', `unknown method ${n}`);
      const accountId = a.accountId === undefined ? `a${principal.account}` : a.accountId;
      const account = parseAccountId(accountId);
      if (account === null || account !== principal.account) throw new MethodError('accountNotFound');
      const ctx: CallCtx = {
        deps,
        limits,
        principal,
        account,
        using,
        createdIds,
        origin,
        emit: (en, ea) => extra.push([en, ea, callId]),
        call: (cn, ca) => run(cn, ca),
      };
      return def.handler(a, ctx);
    };
    const t0 = timings ? performance.now() : 0;
    try {
      const args = resolveReferences(rawArgs, responses);
      const result = await run(name, args);
      responses.push([name, result, callId], ...extra);
    } catch (e) {
      if (e instanceof MethodError) {
        responses.push(...extra, ['error', e.toArgs(), callId]);
      } else {
        deps.log.error({ err: (e as Error).message, stack: (e as Error).stack, method: name }, 'jmap.method.failed');
        responses.push(['error', { type: 'serverFail', description: 'internal error' }, callId]);
      }
    }
    timings?.push({ name, ms: performance.now() - t0 });
  }
  const out: Args = { methodResponses: responses, sessionState: '' };
  if (req.createdIds !== undefined) out.createdIds = Object.fromEntries(createdIds);
  return out;
}
