/** Test double of the Préau HTTP API and JMAP (RFC 8620/8621 subset) for browser tests of web/, served with the real registerWebClient. */
import Fastify, { type FastifyInstance } from 'fastify';
import { EventEmitter } from 'node:events';
import { registerWebClient } from '../src/http/web-static.ts';
import type { Config } from '../src/config/schema.ts';

export interface FakeEmail {
  id: string; threadId: string; mailboxIds: Record<string, boolean>; keywords: Record<string, boolean>;
  from: { name: string | null; email: string }[]; to: { name: string | null; email: string }[]; cc: { name: string | null; email: string }[] | null;
  subject: string; receivedAt: string; preview: string; hasAttachment: boolean; size: number;
  html?: string; text?: string; attachments: { blobId: string; type: string; name: string; size: number; partId: string; disposition: string; cid: null }[];
  preauVerdict?: unknown;
}

export const USER = { identifier: 'elodie.lefevre', password: 'Un-tres-bon-mot-de-passe', totp: '123456', address: 'elodie.lefevre@preau.test' };
const BOXES = [
  ['inbox', 'Inbox'], ['drafts', 'Drafts'], ['sent', 'Sent'], ['archive', 'Archive'], ['junk', 'Junk'], ['trash', 'Trash'],
].map(([role, name], i) => ({ id: `mb-${role}`, name, role, parentId: null as string | null, sortOrder: i }));

export class FakeBackend extends EventEmitter {
  app: FastifyInstance;
  url = '';
  emails = new Map<string, FakeEmail>();
  blobs = new Map<string, { type: string; data: Buffer }>();
  boxes = BOXES.map((b) => ({ ...b }));
  quota = { used: 10_000_000, hardLimit: 50_000_000 };
  submissions: Record<string, unknown>[] = [];
  csrfMissing = 0;
  private signedIn: 'no' | 'pending' | 'ok' = 'no';
  /** Server configuration served by the real clientConfig (tests may change it, e.g. schoolHolidays, then reload). */
  config = { orgName: 'Académie de Préau', hostname: 'mail.preau.test', imapPort: 1143, imapsPort: 993, submissionPort: 587, submissionsPort: 465, supportContact: 'assistance@preau.test, 01 23 45 67 89', workingHours: '08:00-18:30', schoolHolidays: '' } as Config;
  /** Ask for the second factor at sign-in (the benchmark turns it off). */
  twoFactor = true;
  private queryCache = new Map<string, string[]>();
  private seq = 0;

  constructor() {
    super();
    this.app = Fastify({ forceCloseConnections: true });
  }

  addEmail(e: Partial<FakeEmail> & { subject: string }): FakeEmail {
    const id = `e${++this.seq}`;
    const full: FakeEmail = {
      id, threadId: `t${id}`, mailboxIds: { 'mb-inbox': true }, keywords: {}, from: [{ name: 'Karim Benali', email: 'karim.benali@preau.test' }],
      to: [{ name: 'Élodie Lefèvre', email: USER.address }], cc: null, receivedAt: new Date(Date.UTC(2026, 10, 28, 8, 0, 0) - this.seq * 60_000).toISOString(),
      preview: '', hasAttachment: false, size: 2000, attachments: [], ...e,
    };
    this.queryCache.clear();
    if (!full.preview) full.preview = (full.text ?? full.html ?? '').replace(/<[^>]*>/g, ' ').slice(0, 120);
    this.emails.set(id, full);
    return full;
  }

  /** Send a JMAP StateChange over the open EventSource streams (RFC 8620 §7.1). */
  push(): void {
    this.emit('state');
  }

  private mailbox(id: string) {
    const list = [...this.emails.values()].filter((e) => e.mailboxIds[id]);
    const b = this.boxes.find((x) => x.id === id)!;
    return { ...b, totalEmails: list.length, unreadEmails: list.filter((e) => !e.keywords.$seen).length, myRights: {}, isSubscribed: true };
  }

  private query(args: Record<string, any>): string[] {
    const key = JSON.stringify([args.filter, args.sort]);
    const hit = this.queryCache.get(key);
    if (hit) return hit;
    const ids = this.runQuery(args);
    this.queryCache.set(key, ids);
    return ids;
  }

  private runQuery(args: Record<string, any>): string[] {
    const f = (args.filter ?? {}) as Record<string, any>;
    let list = [...this.emails.values()].filter((e) => {
      if (f.inMailbox && !e.mailboxIds[f.inMailbox]) return false;
      const hay = (s: string) => s.toLowerCase();
      if (f.text && !hay(`${e.subject} ${e.preview} ${e.from[0]?.email} ${e.from[0]?.name}`).includes(hay(f.text))) return false;
      if (f.from && !hay(`${e.from[0]?.email} ${e.from[0]?.name}`).includes(hay(f.from))) return false;
      if (f.subject && !hay(e.subject).includes(hay(f.subject))) return false;
      if (f.hasAttachment && !e.hasAttachment) return false;
      if (f.minSize && e.size < f.minSize) return false;
      return true;
    });
    const sort = args.sort?.[0]?.property ?? 'receivedAt';
    list = list.sort((a, b) => (sort === 'size' ? b.size - a.size : b.receivedAt.localeCompare(a.receivedAt)));
    return list.map((e) => e.id);
  }

  private emailView(e: FakeEmail, props: string[] | null, args: Record<string, any>): Record<string, unknown> {
    const o: Record<string, unknown> = { ...e, sentAt: e.receivedAt, replyTo: null, bcc: null, messageId: [`${e.id}@preau.test`], references: null };
    o.htmlBody = e.html ? [{ partId: 'h', blobId: null, type: 'text/html', size: e.html.length, name: null, disposition: null, cid: null }] : [];
    o.textBody = [{ partId: 't', blobId: null, type: 'text/plain', size: (e.text ?? '').length, name: null, disposition: null, cid: null }];
    if (!e.html) o.htmlBody = o.textBody;
    o.bodyValues = args.fetchHTMLBodyValues || args.fetchTextBodyValues ? { h: { value: e.html ?? '' }, t: { value: e.text ?? '' } } : {};
    delete o.html;
    delete o.text;
    if (!props) return o;
    return Object.fromEntries(['id', ...props].map((p) => [p, o[p] ?? null]));
  }

  private applyPatch(e: FakeEmail, patch: Record<string, unknown>): void {
    this.queryCache.clear();
    for (const [k, v] of Object.entries(patch)) {
      if (k === 'mailboxIds') e.mailboxIds = { ...(v as Record<string, boolean>) };
      else if (k === 'keywords') e.keywords = { ...(v as Record<string, boolean>) };
      else if (k.startsWith('mailboxIds/')) { const id = k.slice(11); if (v) e.mailboxIds[id] = true; else delete e.mailboxIds[id]; }
      else if (k.startsWith('keywords/')) { const id = k.slice(9); if (v) e.keywords[id] = true; else delete e.keywords[id]; }
    }
  }

  private method(name: string, args: Record<string, any>, created: Map<string, string>): [string, Record<string, unknown>] {
    const accountId = 'a1';
    switch (name) {
      case 'Mailbox/get': return [name, { accountId, state: 's', list: this.boxes.map((b) => this.mailbox(b.id)), notFound: [] }];
      case 'Mailbox/set': {
        const out: Record<string, unknown> = { accountId, created: {}, updated: {}, destroyed: [] };
        for (const [k, v] of Object.entries((args.create ?? {}) as Record<string, any>)) {
          const id = `mb-${++this.seq}`;
          this.boxes.push({ id, name: v.name, role: null as unknown as string, parentId: v.parentId ?? null, sortOrder: 10 });
          (out.created as Record<string, unknown>)[k] = { id };
        }
        return [name, out];
      }
      case 'Email/query': {
        const ids = this.query(args);
        const pos = args.position ?? 0;
        return [name, { accountId, queryState: 'q', canCalculateChanges: false, position: pos, ids: ids.slice(pos, pos + (args.limit ?? 100)), total: ids.length }];
      }
      case 'Email/get': {
        const ids: string[] = args.ids ?? [...this.emails.keys()];
        const list = ids.map((id) => this.emails.get(id)).filter((e): e is FakeEmail => !!e).map((e) => this.emailView(e, args.properties ?? null, args));
        return [name, { accountId, state: 's', list, notFound: [] }];
      }
      case 'Email/set': {
        const out: Record<string, any> = { accountId, created: {}, updated: {}, destroyed: [] };
        for (const [id, patch] of Object.entries((args.update ?? {}) as Record<string, Record<string, unknown>>)) {
          const e = this.emails.get(id);
          if (e) { this.applyPatch(e, patch); out.updated[id] = null; }
        }
        for (const [k, v] of Object.entries((args.create ?? {}) as Record<string, any>)) {
          const e = this.addEmail({ subject: v.subject ?? '', mailboxIds: v.mailboxIds, keywords: v.keywords, from: v.from, to: v.to ?? [], cc: v.cc ?? [], text: v.bodyValues?.t?.value, html: v.bodyValues?.h?.value, attachments: (v.attachments ?? []).map((a: any, i: number) => ({ ...a, partId: `a${i}`, size: this.blobs.get(a.blobId)?.data.length ?? 0 })) });
          e.hasAttachment = e.attachments.length > 0;
          created.set(k, e.id);
          out.created[k] = { id: e.id, blobId: `b${e.id}`, threadId: e.threadId, size: 100 };
          this.emit('email-created', e);
        }
        for (const id of (args.destroy ?? []) as string[]) if (this.emails.delete(id)) out.destroyed.push(id);
        this.queryCache.clear();
        return [name, out];
      }
      case 'EmailSubmission/set': {
        const out: Record<string, any> = { accountId, created: {} };
        for (const [k, v] of Object.entries((args.create ?? {}) as Record<string, any>)) {
          this.submissions.push(v);
          out.created[k] = { id: `s${this.submissions.length}` };
          const e = this.emails.get(v.emailId);
          const patch = args.onSuccessUpdateEmail?.[`#${k}`];
          if (e && patch) this.applyPatch(e, patch);
          this.emit('submission', v, e);
        }
        return [name, out];
      }
      case 'Identity/get': return [name, { accountId, state: 's', list: [{ id: 'i1', name: 'Élodie Lefèvre', email: USER.address, textSignature: 'Élodie Lefèvre\nProfesseure de lettres', htmlSignature: '', replyTo: null, mayDelete: false }] }];
      case 'Quota/get': return [name, { accountId, state: 's', list: [{ id: 'q1', resourceType: 'octets', scope: 'account', used: this.quota.used, hardLimit: this.quota.hardLimit, types: ['Mail'], name: 'Mail' }] }];
      case 'SearchSnippet/get': return [name, { accountId, list: (args.emailIds as string[]).map((emailId) => ({ emailId, subject: null, preview: null })) }];
      default: return ['error', { type: 'unknownMethod' }];
    }
  }

  private resolveRefs(args: Record<string, any>, responses: [string, Record<string, any>, string][], created: Map<string, string>): Record<string, any> {
    const out: Record<string, any> = {};
    for (const [k, v] of Object.entries(args)) {
      if (k.startsWith('#')) {
        // RFC 8620 §3.7: only the "/ids" path is used by the client.
        const r = responses.find((x) => x[2] === v.resultOf);
        out[k.slice(1)] = r?.[1].ids ?? [];
      } else out[k] = v;
    }
    if (typeof out.emailId === 'string' && out.emailId.startsWith('#')) out.emailId = created.get(out.emailId.slice(1));
    return out;
  }

  async start(): Promise<string> {
    const app = this.app;
    const config = this.config;
    const authed = (req: { headers: Record<string, unknown>; method: string }) => {
      if (req.method !== 'GET' && req.headers['x-csrf-token'] !== 'csrf-ok') this.csrfMissing++;
      return this.signedIn === 'ok';
    };
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    app.get('/api/me', async (_req, reply) => (this.signedIn === 'ok' ? { status: 'ok', csrfToken: 'csrf-ok', account: { id: 1, address: USER.address, displayName: 'Élodie Lefèvre', role: 'user' } } : reply.code(401).send({ code: 'unauthenticated', status: 401 })));
    app.post('/api/auth/login', async (req, reply) => {
      const b = req.body as { identifier: string; password: string };
      if (b.identifier !== USER.identifier || b.password !== USER.password) return reply.code(401).send({ code: 'invalid-credentials', status: 401, title: 'Identifiant ou mot de passe incorrect' });
      if (!this.twoFactor) {
        this.signedIn = 'ok';
        return { status: 'ok', csrfToken: 'csrf-ok', account: { id: 1, address: USER.address, displayName: 'Élodie Lefèvre', role: 'user' } };
      }
      this.signedIn = 'pending';
      return { status: 'second-factor', methods: ['totp', 'recovery'], csrfToken: 'csrf-pending' };
    });
    app.post('/api/auth/second-factor', async (req, reply) => {
      const b = req.body as { method: string; code: string };
      if (this.signedIn !== 'pending' || b.code !== USER.totp) return reply.code(401).send({ code: 'invalid-second-factor', status: 401 });
      this.signedIn = 'ok';
      return { status: 'ok', csrfToken: 'csrf-ok', account: { id: 1, address: USER.address, displayName: 'Élodie Lefèvre', role: 'user' } };
    });
    app.post('/api/auth/logout', async (_req, reply) => { this.signedIn = 'no'; return reply.code(204).send(); });
    app.get('/.well-known/jmap', async (req, reply) => {
      if (!authed(req)) return reply.code(401).send({ status: 401 });
      return {
        capabilities: { 'urn:ietf:params:jmap:core': { maxSizeUpload: 20_000_000 }, 'urn:ietf:params:jmap:mail': {}, 'urn:ietf:params:jmap:submission': { maxDelayedSend: 2592000 }, 'urn:ietf:params:jmap:quota': {}, 'urn:preau:verdict': {} },
        accounts: { a1: { name: USER.address, isPersonal: true, isReadOnly: false, accountCapabilities: {} } },
        primaryAccounts: { 'urn:ietf:params:jmap:mail': 'a1' }, username: USER.address, state: 's',
        apiUrl: '/jmap/api', downloadUrl: '/jmap/download/{accountId}/{blobId}/{name}?type={type}', uploadUrl: '/jmap/upload/{accountId}/', eventSourceUrl: '/jmap/eventsource?types={types}&closeafter={closeafter}&ping={ping}',
      };
    });
    app.post('/jmap/api', async (req, reply) => {
      if (!authed(req)) return reply.code(401).send({ status: 401 });
      const body = req.body as { methodCalls: [string, Record<string, any>, string][] };
      const responses: [string, Record<string, any>, string][] = [];
      const created = new Map<string, string>();
      for (const [name, args, id] of body.methodCalls) {
        const [n, r] = this.method(name, this.resolveRefs(args, responses, created), created);
        responses.push([n, r, id]);
      }
      this.emit('api', body.methodCalls);
      return { methodResponses: responses, sessionState: 's' };
    });
    app.post('/jmap/upload/:accountId/', async (req, reply) => {
      if (!authed(req)) return reply.code(401).send({ status: 401 });
      const data = req.body as Buffer;
      const blobId = `blob${++this.seq}`;
      this.blobs.set(blobId, { type: String(req.headers['content-type']), data });
      return { accountId: 'a1', blobId, type: req.headers['content-type'], size: data.length };
    });
    app.get('/jmap/download/:accountId/:blobId/:name', async (req, reply) => {
      const b = this.blobs.get((req.params as { blobId: string }).blobId);
      if (!b || this.signedIn !== 'ok') return reply.code(404).send();
      // Like src/jmap/blob-routes.ts: ?inline=1 answers inline for PDF (and images), with a sandbox CSP.
      const inline = (req.query as { inline?: string }).inline === '1' && /^(application\/pdf|image\/)/.test(b.type);
      reply.header('content-disposition', inline ? 'inline' : 'attachment');
      if (inline) reply.header('content-security-policy', "default-src 'none'; sandbox").header('x-content-type-options', 'nosniff');
      return reply.type(b.type).send(b.data);
    });
    app.get('/jmap/eventsource', (req, reply) => {
      reply.hijack();
      reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      reply.raw.write(': hello\n\n');
      const send = () => reply.raw.write(`event: state\ndata: ${JSON.stringify({ '@type': 'StateChange', changed: { a1: { Email: String(Date.now()), Mailbox: String(Date.now()) } } })}\n\n`);
      this.on('state', send);
      req.raw.on('close', () => this.off('state', send));
    });
    await app.register(async (sub) => registerWebClient(sub, { config }));
    this.url = await app.listen({ port: 0, host: '127.0.0.1' });
    return this.url;
  }

  async stop(): Promise<void> {
    await this.app.close();
  }
}
