/** Staff directory routes: `GET /api/directory` (recipient autocompletion) and a group's members (docs/api.md). */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { accountDomainId, directoryGroup, searchDirectory } from '../accounts/directory.ts';
import { HttpProblem, parse } from './problems.ts';
import type { ResolvedHttpContext } from './context.ts';
import { requireSession } from './session.ts';

/**
 * Token bucket per account: a burst of `capacity` requests, then `perSecond`. Autocompletion sends
 * a few requests a second while someone types; anything much faster is a script walking the
 * directory. Limit: `maxKeys` buckets kept in memory (oldest dropped first).
 */
export class DirectoryRateLimit {
  #buckets = new Map<number, { tokens: number; at: number }>();
  #o: { capacity: number; perSecond: number; maxKeys: number; now: () => number };

  constructor(o: Partial<{ capacity: number; perSecond: number; maxKeys: number; now: () => number }> = {}) {
    this.#o = { capacity: 60, perSecond: 2, maxKeys: 50_000, now: Date.now, ...o };
  }

  /** 0 when the request may go ahead (and is counted), otherwise milliseconds to wait. */
  take(key: number): number {
    const now = this.#o.now();
    const b = this.#buckets.get(key) ?? { tokens: this.#o.capacity, at: now };
    b.tokens = Math.min(this.#o.capacity, b.tokens + ((now - b.at) / 1000) * this.#o.perSecond);
    b.at = now;
    this.#buckets.delete(key);
    this.#buckets.set(key, b);
    while (this.#buckets.size > this.#o.maxKeys) this.#buckets.delete(this.#buckets.keys().next().value!);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - b.tokens) / this.#o.perSecond) * 1000);
  }
}

const searchQuery = z.object({
  // Limit: 100 characters of query, 50 results.
  q: z.string().max(100).default(''),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
const groupParam = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

export async function directoryRoutes(app: FastifyInstance, ctx: ResolvedHttpContext, limiter = new DirectoryRateLimit()): Promise<void> {
  const store = ctx.store;

  async function domainOf(accountId: number) {
    const wait = limiter.take(accountId);
    if (wait > 0) throw new HttpProblem('rate-limited', { retryAfterMs: wait });
    const d = await accountDomainId(store, accountId);
    if (d === null) throw new HttpProblem('unauthenticated');
    return d;
  }

  // Only the session's own domain (its institution) is searched; no password field is ever read.
  app.get('/api/directory', { preHandler: requireSession }, async (req) => {
    const q = parse(searchQuery, req.query);
    const domainId = await domainOf(req.account!.id);
    return { results: await searchDirectory(store, domainId, q.q, q.limit) };
  });

  app.get('/api/directory/groups/:id', { preHandler: requireSession }, async (req) => {
    const { id } = parse(groupParam, req.params);
    const domainId = await domainOf(req.account!.id);
    const g = await directoryGroup(store, domainId, id);
    if (!g) throw new HttpProblem('not-found');
    return { ...g.group, memberList: g.members };
  });
}
