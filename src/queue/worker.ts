/** Outbound worker: claims due recipients, delivers (MX or smarthost) with DKIM, retries with back-off, bounces. RFC 5321 §4.5.4, §5.1. */
import { randomUUID } from 'node:crypto';
import type { AccountId, BlobId } from '../store/ids.ts';
import { ingest } from '../mail/ingest.ts';
import { vacationAfterDelivery } from '../mail/vacation-reply.ts';
import { lookupRecipient } from '../mail/recipients.ts';
import type { SendCtx } from './context.ts';
import { signMessage } from './dkim.ts';
import { domainOf, fromAddresses, normaliseLineEndings } from './message.ts';
import { lookupMx, type MxResolver } from './mx-resolve.ts';
import { attemptDelivery, type SmtpTarget } from './deliver.ts';
import { claimDue, flipOnce, getQueueMessage, purgeDone, queueSignal, recordResults, type QueueMessageRow, type QueueRecipientRow, type RecipientResult } from './queue-store.ts';
import { sendBounces, type Bounce } from './bounce.ts';
import { Semaphore } from './semaphore.ts';
import { statusFromReply } from './dsn.ts';

export interface WorkerOptions {
  /** DNS (node:dns/promises shape); defaults to ctx.resolver. */
  resolver?: MxResolver;
  /** SMTP port of a remote host (tests); default 25. */
  portFor?: (host: string) => number;
  clock?: () => number;
  /** Run the polling loop (default true); tests call runOnce(). */
  autoStart?: boolean;
  pollMs?: number;
  batch?: number;
  leaseMs?: number;
  workerId?: string;
  timeoutMs?: number;
}

export interface OutboundWorker {
  stop(): Promise<void>;
  /** Claim and process the due recipients once; resolves with how many were processed. */
  runOnce(): Promise<number>;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface RetryPolicy {
  firstMs: number;
  maxMs: number;
  /** Give up this long after the send time (RFC 5321 §4.5.4.1: at least 4-5 days). */
  lifetimeMs: number;
  /** One delay warning DSN once a message has waited this long. */
  delayWarningMs: number;
}

/** RFC 5321 §4.5.4.1: the retry parameters MUST be configurable. */
export function retryPolicy(c: { queueRetryFirstMinutes: number; queueRetryMaxMinutes: number; queueLifetimeHours: number; queueDelayWarningHours: number }): RetryPolicy {
  return { firstMs: c.queueRetryFirstMinutes * MINUTE, maxMs: c.queueRetryMaxMinutes * MINUTE, lifetimeMs: c.queueLifetimeHours * HOUR, delayWarningMs: c.queueDelayWarningHours * HOUR };
}

/**
 * Delay before attempt `attempts + 1`. RFC 5321 §4.5.4.1 asks for "in general" 30 minutes; we start
 * shorter (5 min by default) because the commonest temporary failure is greylisting, then double.
 */
export function backoff(attempts: number, p: Pick<RetryPolicy, 'firstMs' | 'maxMs'> = { firstMs: 5 * MINUTE, maxMs: 4 * HOUR }): number {
  return Math.min(p.firstMs * 2 ** Math.max(0, attempts - 1), p.maxMs);
}

function parseRelay(hostPort: string): { host: string; port: number } {
  const i = hostPort.lastIndexOf(':');
  if (i < 0) return { host: hostPort, port: 25 };
  return { host: hostPort.slice(0, i), port: Number(hostPort.slice(i + 1)) };
}

export function startOutboundWorker(ctx: SendCtx, opts: WorkerOptions = {}): OutboundWorker {
  const clock = opts.clock ?? (() => ctx.store.clock());
  const resolver = opts.resolver ?? (ctx.resolver as MxResolver);
  const retry = retryPolicy(ctx.config);
  const workerId = opts.workerId ?? `${ctx.config.hostname}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const all = new Semaphore(ctx.config.outboundConcurrency);
  const perDomain = new Map<string, Semaphore>();
  const domainSem = (d: string) => {
    let s = perDomain.get(d);
    if (!s) perDomain.set(d, (s = new Semaphore(ctx.config.outboundDomainConcurrency)));
    return s;
  };
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;

  async function prepared(m: QueueMessageRow, cache: Map<number, Promise<Buffer>>): Promise<Buffer> {
    let p = cache.get(Number(m.id));
    if (!p) {
      p = (async () => {
        const raw = normaliseLineEndings(await ctx.blobs.get(m.blob_id as BlobId));
        // RFC 6376 §3.7: sign for the From: domain when it is ours, else the envelope domain.
        const domain = domainOf(fromAddresses(raw)[0] ?? '') || domainOf(m.mail_from);
        const signed = await signMessage(ctx.store, ctx.log, raw, domain, clock()).catch((e) => {
          ctx.log.warn({ event: 'queue.dkim.error', err: (e as Error).message }, 'queue.dkim.error');
          return raw;
        });
        return signed;
      })();
      cache.set(Number(m.id), p);
    }
    return p;
  }

  function temporary(m: QueueMessageRow, r: QueueRecipientRow, now: number, error: string, remoteMta: string | null, status: string, smtp: boolean, bounces: Bounce[]): RecipientResult {
    const expires = Number(m.send_at) + retry.lifetimeMs;
    if (now >= expires) {
      const hours = Math.round(retry.lifetimeMs / HOUR);
      bounces.push({ rcpt: r, action: 'failed', status: status.replace(/^4/, '5'), diagnostic: `${error} (gave up after ${hours} h / abandon apres ${hours} h)`, remoteMta, smtp });
      return { id: Number(r.id), state: 'failed', error, remoteMta };
    }
    if (now - Number(m.send_at) >= retry.delayWarningMs) bounces.push({ rcpt: r, action: 'delayed', status, diagnostic: error, remoteMta, smtp, willRetryUntil: expires });
    return { id: Number(r.id), state: 'deferred', error, remoteMta, nextAttemptAt: Math.min(now + backoff(Number(r.attempts) + 1, retry), expires) };
  }

  /** Deliver one group of recipients of one message (same domain, or all through the relay). */
  async function deliverGroup(m: QueueMessageRow, rows: QueueRecipientRow[], cache: Map<number, Promise<Buffer>>): Promise<{ results: RecipientResult[]; bounces: Bounce[] }> {
    const bounces: Bounce[] = [];
    const results: RecipientResult[] = [];
    const domain = rows[0].domain;
    let targets: SmtpTarget[];
    const relay = ctx.config.relayHost;
    if (relay) {
      const { host, port } = parseRelay(relay);
      const auth = ctx.config.relayUser ? { user: ctx.config.relayUser, pass: ctx.config.relayPassword ?? '' } : undefined;
      const loopback = host === 'localhost' || host.startsWith('127.') || host === '::1';
      targets = [{ host, connect: host, port, secure: port === 465, auth, verifyTls: !loopback, requireTls: !!auth && !loopback }];
    } else {
      const mx = await lookupMx(resolver, domain);
      const now = clock();
      if (!mx.ok) {
        for (const r of rows) {
          if (mx.permanent) {
            bounces.push({ rcpt: r, action: 'failed', status: mx.status, diagnostic: mx.error, remoteMta: null, smtp: false });
            results.push({ id: Number(r.id), state: 'failed', error: `${mx.code} ${mx.status} ${mx.error}` });
          } else results.push(temporary(m, r, now, mx.error, null, mx.status, false, bounces));
        }
        return { results, bounces };
      }
      targets = mx.hosts.flatMap((h) => h.addresses.map((a) => ({ host: h.host, connect: a, port: opts.portFor?.(h.host) ?? 25 })));
    }
    const raw = await prepared(m, cache);
    const out = await attemptDelivery({ targets, name: ctx.config.hostname, from: m.mail_from, to: rows.map((r) => r.rcpt), raw, timeoutMs: opts.timeoutMs });
    const now = clock();
    if (out.kind === 'unreachable') {
      for (const r of rows) results.push(temporary(m, r, now, out.error, null, '4.4.1', false, bounces));
      return { results, bounces };
    }
    for (const r of rows) {
      const rep = out.replies.find((x) => x.rcpt.toLowerCase() === r.rcpt.toLowerCase())!;
      if (rep.ok) results.push({ id: Number(r.id), state: 'delivered', error: null, remoteMta: out.host });
      else if (rep.permanent) {
        bounces.push({ rcpt: r, action: 'failed', status: statusFromReply(rep.response, rep.code), diagnostic: rep.response, remoteMta: out.host, smtp: true });
        results.push({ id: Number(r.id), state: 'failed', error: rep.response, remoteMta: out.host });
      } else results.push(temporary(m, r, now, rep.response, out.host, statusFromReply(rep.response, rep.code), true, bounces));
    }
    return { results, bounces };
  }

  /** Local recipients of a scheduled send (or a local delivery that failed at submission). */
  async function deliverLocal(m: QueueMessageRow, rows: QueueRecipientRow[]): Promise<{ results: RecipientResult[]; bounces: Bounce[] }> {
    const bounces: Bounce[] = [];
    const results: RecipientResult[] = [];
    const raw = normaliseLineEndings(await ctx.blobs.get(m.blob_id as BlobId));
    const now = clock();
    const ok: { r: QueueRecipientRow; account: AccountId }[] = [];
    for (const r of rows) {
      const l = await lookupRecipient(ctx, r.rcpt);
      if (l.kind === 'ok' || l.kind === 'over-quota') ok.push({ r, account: l.account });
      else {
        const status = l.kind === 'disabled' ? '5.2.1' : '5.1.1';
        bounces.push({ rcpt: r, action: 'failed', status, diagnostic: `${status} ${l.kind === 'disabled' ? 'mailbox disabled' : 'no such user'}`, remoteMta: null, smtp: false });
        results.push({ id: Number(r.id), state: 'failed', error: `550 ${status} ${l.kind}` });
      }
    }
    if (ok.length) {
      try {
        const res = await ingest(ctx, { raw, targets: ok.map((o) => ({ account: o.account })), receivedAt: now });
        const over = new Set(res.overQuota);
        for (const d of res.delivered) void vacationAfterDelivery(ctx, { account: d.account, raw, mailFrom: m.mail_from, role: 'inbox' });
        for (const o of ok) {
          if (over.has(o.account)) results.push(temporary(m, o.r, now, '452 4.2.2 Mailbox full / Boite pleine', null, '4.2.2', false, bounces));
          else results.push({ id: Number(o.r.id), state: 'delivered', error: null, remoteMta: ctx.config.hostname });
        }
      } catch (e) {
        for (const o of ok) results.push(temporary(m, o.r, now, `local delivery failed: ${(e as Error).message}`, null, '4.3.0', false, bounces));
      }
    }
    return { results, bounces };
  }

  /** The Sent copy of a scheduled send is stored when it goes out (once). */
  async function saveSent(m: QueueMessageRow): Promise<void> {
    const account = Number(m.account_id) as AccountId;
    if (!Number(m.save_sent) || Number(m.sent_saved)) return;
    if (!(await flipOnce(ctx.store, account, Number(m.id), 'sent_saved'))) return;
    const raw = normaliseLineEndings(await ctx.blobs.get(m.blob_id as BlobId));
    await ingest(ctx, { raw, targets: [{ account, role: 'sent', keywords: ['\\Seen'] }], receivedAt: clock() }).catch((e) => ctx.log.error({ event: 'queue.sent.error', account, err: (e as Error).message }, 'queue.sent.error'));
  }

  async function processMessage(queueId: number, rows: QueueRecipientRow[], cache: Map<number, Promise<Buffer>>): Promise<void> {
    const account = Number(rows[0].account_id) as AccountId;
    const m = await getQueueMessage(ctx.store, queueId, account);
    if (!m) return;
    await saveSent(m);
    const groups = new Map<string, QueueRecipientRow[]>();
    for (const r of rows) {
      // RFC 5321 §4.5.3.1.8: up to 100 recipients per transaction; one transaction per domain.
      const key = Number(r.local) ? '\0local' : ctx.config.relayHost ? '\0relay' : r.domain;
      const list = groups.get(key) ?? [];
      list.push(r);
      groups.set(key, list);
    }
    const tasks: Promise<void>[] = [];
    for (const [key, list] of groups) {
      for (let i = 0; i < list.length; i += 100) {
        const chunk = list.slice(i, i + 100);
        tasks.push(
          (async () => {
            let out: { results: RecipientResult[]; bounces: Bounce[] };
            if (key === '\0local') out = await deliverLocal(m, chunk);
            else {
              // Domain slot first, then a global one: a holder of a global slot never waits.
              const releaseDomain = await domainSem(key).acquire();
              const releaseAll = await all.acquire();
              try {
                out = await deliverGroup(m, chunk, cache);
              } finally {
                releaseAll();
                releaseDomain();
              }
            }
            await recordResults(ctx.store, account, queueId, workerId, out.results);
            for (const r of out.results) ctx.log.info({ event: `queue.recipient.${r.state}`, account, queueId, recipient: r.id, remote: r.remoteMta ?? undefined }, `queue.recipient.${r.state}`);
            await sendBounces(ctx, m, out.bounces, clock());
          })().catch(async (e) => {
            // An internal fault (blob unreadable, database error): count the attempt and retry later.
            ctx.log.error({ event: 'queue.deliver.error', queueId, err: (e as Error).message }, 'queue.deliver.error');
            const bounces: Bounce[] = [];
            const results = chunk.map((r) => temporary(m, r, clock(), `internal error: ${(e as Error).message}`, null, '4.3.0', false, bounces));
            await recordResults(ctx.store, account, queueId, workerId, results).catch(() => {});
            await sendBounces(ctx, m, bounces, clock()).catch(() => {});
          }),
        );
      }
    }
    await Promise.all(tasks);
  }

  async function runOnce(): Promise<number> {
    const now = clock();
    const rows = await claimDue(ctx.store, workerId, now, now + (opts.leaseMs ?? 15 * MINUTE), opts.batch ?? 200);
    if (!rows.length) return 0;
    const byMessage = new Map<number, QueueRecipientRow[]>();
    for (const r of rows) {
      const l = byMessage.get(Number(r.queue_id)) ?? [];
      l.push(r);
      byMessage.set(Number(r.queue_id), l);
    }
    const cache = new Map<number, Promise<Buffer>>();
    await Promise.all([...byMessage].map(([id, list]) => processMessage(id, list, cache)));
    await purgeDone(ctx.store, now - 7 * 24 * HOUR).catch(() => {});
    return rows.length;
  }

  let again = false;
  const loop = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    again = false;
    if (timer) clearTimeout(timer);
    timer = null;
    running = runOnce()
      .catch((e) => {
        ctx.log.error({ event: 'queue.worker.error', err: (e as Error).message }, 'queue.worker.error');
        return 0;
      })
      .finally(() => {
        running = null;
      });
    void running.then((n) => {
      if (stopped) return;
      // Keep going while there is work; otherwise poll (other nodes enqueue too).
      timer = setTimeout(loop, n > 0 || again ? 0 : (opts.pollMs ?? 5000));
    });
  };
  const wake = () => setImmediate(loop);
  if (opts.autoStart !== false) {
    queueSignal.on('queued', wake);
    setImmediate(loop);
  }
  return {
    runOnce,
    async stop() {
      stopped = true;
      queueSignal.off('queued', wake);
      if (timer) clearTimeout(timer);
      await running?.catch(() => {});
    },
  };
}
