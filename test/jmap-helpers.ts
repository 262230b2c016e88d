/** Test helper for the JMAP tests: the real app (SMTP, store) plus the HTTP server with the JMAP plugin on 127.0.0.1:0. */
import type { FastifyInstance } from 'fastify';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { createHttpServer } from '../src/http/index.ts';
import { jmapPlugin } from '../src/jmap/index.ts';
import { ingest } from '../src/mail/ingest.ts';
import type { AccountId } from '../src/store/ids.ts';

export const USING = ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail', 'urn:ietf:params:jmap:submission', 'urn:ietf:params:jmap:vacationresponse', 'urn:ietf:params:jmap:quota', 'urn:preau:verdict', 'urn:preau:safehtml'];

export interface JmapEnv {
  app: TestApp;
  http: FastifyInstance;
  base: string;
  stop(): Promise<void>;
}

export interface Who {
  id: number;
  address: string;
  password: string;
  accountId: string;
  auth: string;
}

export async function startJmap(limits: Record<string, number> = {}): Promise<JmapEnv> {
  // PREAU_TEST_PG set: run the JMAP tests on PostgreSQL too (fresh database per app).
  const app = await startTestApp({}, { pg: !!process.env.PREAU_TEST_PG });
  const http = createHttpServer({ ...(app.ctx as any), jmapLimits: limits, plugins: [jmapPlugin] } as any);
  await http.listen({ port: 0, host: '127.0.0.1' });
  const port = (http.server.address() as { port: number }).port;
  return {
    app,
    http,
    base: `http://127.0.0.1:${port}`,
    async stop() {
      await http.close();
      await app.stop();
    },
  };
}

export async function user(env: JmapEnv, first: string, last: string): Promise<Who> {
  const a = await env.app.account(first, last);
  return { ...a, accountId: `a${a.id}`, auth: 'Basic ' + Buffer.from(`${a.address}:${a.password}`).toString('base64') };
}

/** POST one JMAP request; returns the parsed Response object (or throws with the problem). */
export async function api(env: JmapEnv, who: Who, methodCalls: unknown[], using = USING): Promise<any> {
  const r = await fetch(`${env.base}/jmap/api`, { method: 'POST', headers: { authorization: who.auth, 'content-type': 'application/json' }, body: JSON.stringify({ using, methodCalls }) });
  const body = await r.json();
  if (r.status !== 200) throw Object.assign(new Error(`HTTP ${r.status}: ${JSON.stringify(body)}`), { status: r.status, body });
  return body;
}

/** One call, its response arguments (asserting the method name). */
export async function call(env: JmapEnv, who: Who, name: string, args: Record<string, unknown>): Promise<any> {
  const r = await api(env, who, [[name, { accountId: who.accountId, ...args }, 'c0']]);
  const [n, a] = r.methodResponses[0];
  if (n !== name) return { error: a };
  return a;
}

let seq = 0;
/** Deliver a message straight through ingest (as SMTP would). */
export async function deliver(env: JmapEnv, who: Who, opts: { subject?: string; from?: string; text?: string; html?: string; headers?: string; messageId?: string; raw?: string; role?: string; keywords?: string[]; verdict?: unknown } = {}) {
  seq++;
  const raw =
    opts.raw ??
    [
      `From: ${opts.from ?? 'Parent Élève <parent@example.org>'}`,
      `To: ${who.address}`,
      `Subject: ${opts.subject ?? `Message ${seq}`}`,
      `Message-ID: <${opts.messageId ?? `m${seq}.${Date.now()}@example.org`}>`,
      'Date: Mon, 2 Nov 2026 10:00:00 +0100',
      'MIME-Version: 1.0',
      ...(opts.headers ? [opts.headers] : []),
      ...(opts.html
        ? ['Content-Type: multipart/alternative; boundary="b1"', '', '--b1', 'Content-Type: text/plain; charset=utf-8', '', opts.text ?? 'texte', '--b1', 'Content-Type: text/html; charset=utf-8', '', opts.html, '--b1--', '']
        : ['Content-Type: text/plain; charset=utf-8', '', opts.text ?? 'Bonjour, à jeudi.', '']),
    ].join('\r\n');
  const r = await ingest({ store: env.app.ctx.store, blobs: env.app.ctx.blobs }, { raw: Buffer.from(raw), targets: [{ account: who.id as AccountId, role: opts.role, keywords: opts.keywords }], verdict: opts.verdict });
  const d = r.delivered[0];
  return { emailId: `e${d.emailId}`, threadId: `t${d.threadId}`, mailboxId: `m${d.mailboxId}`, blobId: r.blobId };
}
