/** Helpdesk and admin routes: one-time reset codes, two-factor policy, audit log (docs/api.md). */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import * as A from '../auth/index.ts';
import { HttpProblem, parse } from './problems.ts';
import type { ResolvedHttpContext } from './context.ts';
import { requireRole } from './session.ts';

export async function adminRoutes(app: FastifyInstance, ctx: ResolvedHttpContext): Promise<void> {
  const auth = ctx.auth;

  app.post('/api/helpdesk/reset-code', { preHandler: requireRole('helpdesk', 'admin') }, async (req) => {
    const b = parse(z.strictObject({ address: z.string().trim().min(1).max(320) }), req.body);
    const r = await A.issueHelpdeskCode(auth, req.account!.id, b.address, req.ip);
    if (!r) throw new HttpProblem('not-found');
    return r;
  });

  app.get('/api/admin/policy', { preHandler: requireRole('admin') }, async () => ({ require2faRoles: await A.requiredRoles(auth) }));

  app.put('/api/admin/policy', { preHandler: requireRole('admin') }, async (req) => {
    const b = parse(z.strictObject({ require2faRoles: z.array(z.enum(['user', 'helpdesk', 'admin'])).max(3) }), req.body);
    const roles = await A.setRequiredRoles(auth, b.require2faRoles);
    await A.audit(auth.store, { actorId: req.account!.id, accountId: null, action: 'admin.policy.two-factor', ip: req.ip, details: { roles } });
    return { require2faRoles: roles };
  });

  app.get('/api/admin/audit', { preHandler: requireRole('admin') }, async (req) => {
    const q = parse(z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100), before: z.coerce.number().int().positive().optional() }), req.query);
    return { entries: await A.listAudit(auth.store, q) };
  });

  app.get('/api/admin/audit/verify', { preHandler: requireRole('admin') }, async () => A.verifyAudit(auth.store));
}
