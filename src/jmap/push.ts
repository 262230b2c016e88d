/** JMAP push over EventSource: coalesced StateChange events from store.feed, pings, closeafter. RFC 8620 §7.1, §7.3. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccountId, DataType, StateChange } from '../store/ids.ts';
import { currentModseq } from '../mail/changes.ts';
import { quotaState, typeState, type LoggedType } from './state.ts';
import type { JmapDeps, JmapPrincipal } from './types.ts';

const PUSHABLE: readonly DataType[] = ['Mailbox', 'Email', 'Thread', 'EmailDelivery', 'Identity', 'EmailSubmission', 'VacationResponse', 'Quota'];
// RFC 8620 §7.3: the ping interval may be clamped, but the minimum must be ≤ 30 s and the maximum ≥ 300 s.
const MIN_PING = 5;
const MAX_PING = 600;
/** Changes arriving within this window are sent as one StateChange (coalescing). */
const COALESCE_MS = 25;

/** Current state strings of the given types. */
export async function statesOf(deps: JmapDeps, account: AccountId, types: Iterable<DataType>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of types) {
    if (t === 'Quota') out[t] = await quotaState(deps.store, account);
    else if (t === 'EmailDelivery') out[t] = await typeState(deps.store, account, 'Email');
    else if (t !== 'Account') out[t] = await typeState(deps.store, account, t as LoggedType);
  }
  return out;
}

export function parsePushQuery(q: Record<string, unknown>): { types: Set<DataType>; closeAfterState: boolean; ping: number } | string {
  const typesRaw = typeof q.types === 'string' ? q.types : '*';
  let types: Set<DataType>;
  if (typesRaw === '*') types = new Set(PUSHABLE);
  else {
    types = new Set();
    // Limit: at most 32 type names are considered.
    for (const t of typesRaw.split(',').slice(0, 32)) if ((PUSHABLE as readonly string[]).includes(t)) types.add(t as DataType);
  }
  const closeafter = typeof q.closeafter === 'string' ? q.closeafter : 'no';
  if (closeafter !== 'state' && closeafter !== 'no') return 'closeafter must be "state" or "no"';
  const pingRaw = typeof q.ping === 'string' ? q.ping : '0';
  if (!/^[0-9]{1,6}$/.test(pingRaw)) return 'ping must be a non-negative integer';
  const ping = Number(pingRaw) === 0 ? 0 : Math.min(MAX_PING, Math.max(MIN_PING, Number(pingRaw)));
  return { types, closeAfterState: closeafter === 'state', ping };
}

/** Serve one event-source connection until the client goes away (or after one state with closeafter=state). */
export async function servePush(deps: JmapDeps, principal: JmapPrincipal, req: FastifyRequest, reply: FastifyReply, open: Set<() => void> = new Set()): Promise<void> {
  const opts = parsePushQuery(req.query as Record<string, unknown>);
  if (typeof opts === 'string') {
    reply.code(400).type('application/problem+json').send({ type: 'about:blank', status: 400, detail: opts });
    return;
  }
  const account = principal.account;
  const res = reply.raw;
  reply.hijack();
  res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
  res.write(': préau push\n\n');
  const pending = new Set<DataType>();
  let timer: NodeJS.Timeout | null = null;
  let pingTimer: NodeJS.Timeout | null = null;
  let closed = false;
  const armPing = () => {
    if (pingTimer) clearTimeout(pingTimer);
    if (opts.ping && !closed) pingTimer = setTimeout(() => send('ping', { interval: opts.ping }), opts.ping * 1000);
  };
  const send = (event: string, data: unknown, id?: string) => {
    if (closed) return;
    res.write(`event: ${event}\n${id ? `id: ${id}\n` : ''}data: ${JSON.stringify(data)}\n\n`);
    armPing();
  };
  const flush = async () => {
    timer = null;
    const types = [...pending];
    pending.clear();
    if (!types.length || closed) return;
    try {
      const states = await statesOf(deps, account, types);
      const modseq = await currentModseq(deps.store, account);
      // RFC 8620 §7.1: StateChange; the event id encodes the account state (§7.3).
      send('state', { '@type': 'StateChange', changed: { [`a${account}`]: states } }, String(modseq ?? ''));
      if (opts.closeAfterState) close();
    } catch (e) {
      deps.log.warn({ account, err: (e as Error).message }, 'jmap.push.failed');
    }
  };
  const onChange = (c: StateChange) => {
    if (c.account !== account) return;
    let any = false;
    for (const t of c.types) if (opts.types.has(t)) {
      pending.add(t);
      any = true;
    }
    if (any && !timer) timer = setTimeout(() => void flush(), COALESCE_MS);
  };
  const off = deps.store.feed.subscribe(onChange);
  const close = () => {
    if (closed) return;
    closed = true;
    open.delete(close);
    off();
    if (timer) clearTimeout(timer);
    if (pingTimer) clearTimeout(pingTimer);
    res.end();
  };
  open.add(close);
  req.raw.on('close', close);
  res.on('close', close);
  armPing();
  // RFC 8620 §7.3: a reconnecting client that missed changes (Last-Event-ID behind) gets them at once.
  const last = req.headers['last-event-id'];
  if (typeof last === 'string' && /^[0-9]{1,16}$/.test(last)) {
    const modseq = await currentModseq(deps.store, account);
    if (modseq !== null && modseq > Number(last)) {
      for (const t of opts.types) pending.add(t);
      void flush();
    }
  }
  deps.log.debug({ account }, 'jmap.push.open');
}
