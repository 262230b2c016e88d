/** JMAP upload and download endpoints. RFC 8620 §6.1 (upload), §6.2 (download); RFC 6266 (Content-Disposition). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccountId, BlobId } from '../store/ids.ts';
import { decodePartBody, findPart, parseMessage, type MimePart } from '../mime/index.ts';
import { parseAccountId, type JmapLimits } from './capabilities.ts';
import { RequestProblem } from './errors.ts';
import { dropOldestUploads, emailBlobOwned, emailStructureByBlob, findUpload, pendingUploadBytes, recordUpload } from '../mail/uploads.ts';
import { getQuota } from '../mail/quota.ts';
import type { JmapDeps, JmapPrincipal } from './types.ts';

type Auth = (req: FastifyRequest, reply: FastifyReply) => Promise<JmapPrincipal | null>;

/** A blob id: the message blob (sha-256 hex), or `<message blob>-<partId>` for one MIME part. */
export function parseBlobId(id: string): { blob: BlobId; partId: string | null } | null {
  const m = /^([0-9a-f]{64})(?:-((?:[1-9][0-9]{0,4})(?:\.[1-9][0-9]{0,4}){0,49}))?$/.exec(id);
  return m ? { blob: m[1] as BlobId, partId: m[2] ?? null } : null;
}

/** Resolve an account-visible blob id to bytes and a type; null when not reachable from the account. */
export async function readAccountBlob(deps: JmapDeps, account: AccountId, blobId: string): Promise<{ data: Buffer; type: string; name: string | null } | null> {
  const p = parseBlobId(blobId);
  if (!p) return null;
  if (p.partId === null) {
    if (await emailBlobOwned(deps.store, account, p.blob)) return { data: await deps.blobs.get(p.blob), type: 'message/rfc822', name: null };
    const up = await findUpload(deps.store, account, p.blob, deps.store.clock());
    if (up) return { data: await deps.blobs.get(p.blob), type: up.type, name: null };
    return null;
  }
  // Authorisation: the part's message must be one of the account's emails or uploads (RFC 8620 §6.2).
  let root: MimePart | null = await emailStructureByBlob(deps.store, account, p.blob);
  let raw: Buffer | null = null;
  if (!root && (await findUpload(deps.store, account, p.blob, deps.store.clock()))) {
    raw = await deps.blobs.get(p.blob);
    root = (await parseMessage(raw)).root;
  }
  const part = root && findPart(root, p.partId);
  if (!part || part.children) return null;
  raw ??= await deps.blobs.get(p.blob);
  return { data: decodePartBody(raw, part), type: `${part.type}/${part.subtype}`, name: part.name };
}

function contentDisposition(name: string, attachment: boolean): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${attachment ? 'attachment' : 'inline'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export function registerBlobRoutes(app: FastifyInstance, deps: JmapDeps, limits: JmapLimits, auth: Auth): void {
  const uploading = new Map<AccountId, number>();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: limits.maxSizeUpload }, (_req, body, done) => done(null, body));
  app.post('/jmap/upload/:accountId/', { bodyLimit: limits.maxSizeUpload }, async (req, reply) => {
    const principal = await auth(req, reply);
    if (!principal) return reply;
    const account = parseAccountId((req.params as { accountId: string }).accountId);
    if (account !== principal.account) return reply.code(404).type('application/problem+json').send({ type: 'about:blank', status: 404, title: 'account not found' });
    // RFC 8620 §2: maxConcurrentUpload
    const n = uploading.get(account) ?? 0;
    if (n >= limits.maxConcurrentUpload) throw new RequestProblem('limit', 'too many concurrent uploads', { limit: 'maxConcurrentUpload', status: 429 });
    uploading.set(account, n + 1);
    try {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.from(typeof req.body === 'string' ? req.body : JSON.stringify(req.body ?? ''));
      const now = deps.store.clock();
      // Uploads count against the quota until they expire (issue 6); when one would not fit, the
      // oldest pending uploads go first (RFC 8620 §6, dropOldestUploads), then it is refused.
      const q = (await getQuota(deps.store, account)) ?? { used: 0, limit: 0 };
      const over = q.used + (await pendingUploadBytes(deps.store, account, now)) + body.length - q.limit;
      if (over > 0 && q.used + body.length <= q.limit) await dropOldestUploads(deps.store, account, over, now);
      if (over > 0 && q.used + (await pendingUploadBytes(deps.store, account, now)) + body.length > q.limit) {
        return reply.code(413).type('application/problem+json').send({ type: 'urn:ietf:params:jmap:error:overQuota', status: 413, detail: 'the upload would exceed the quota' });
      }
      const type = String(req.headers['content-type'] ?? 'application/octet-stream').slice(0, 255);
      const { id, size } = await deps.blobs.put(body);
      await recordUpload(deps.store, { account, blobId: id, type, size, now, ttlMs: limits.uploadTtlMs });
      deps.log.info({ account, size }, 'jmap.upload');
      return reply.code(201).send({ accountId: `a${account}`, blobId: id, type, size });
    } finally {
      uploading.set(account, (uploading.get(account) ?? 1) - 1);
    }
  });
  app.get('/jmap/download/:accountId/:blobId/:name', async (req, reply) => {
    const principal = await auth(req, reply);
    if (!principal) return reply;
    const p = req.params as { accountId: string; blobId: string; name: string };
    const account = parseAccountId(p.accountId);
    const found = account === principal.account ? await readAccountBlob(deps, account, p.blobId) : null;
    if (!found) return reply.code(404).type('application/problem+json').send({ type: 'about:blank', status: 404, title: 'blob not found' });
    const q = req.query as { type?: string; accept?: string; inline?: string };
    const type = typeof q.type === 'string' && /^[\w.+-]+\/[\w.+-]+$/.test(q.type) ? q.type : found.type;
    // RFC 6266 §4.2: `inline` only for the previewable types the webmail asks for (?inline=1: PDF, images); every other
    // type stays an attachment. The sandbox CSP and nosniff below keep an inline blob from acting as a page of our origin.
    const inline = /^image\//i.test(type) || (q.inline === '1' && /^application\/pdf$/i.test(type));
    reply.header('Content-Type', type);
    reply.header('Content-Disposition', contentDisposition(p.name || found.name || 'blob', !inline));
    // Blobs are immutable (RFC 8620 §6.2); never let a browser render them as a page of our origin.
    reply.header('Cache-Control', 'private, immutable, max-age=604800');
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Content-Security-Policy', "default-src 'none'; sandbox");
    return reply.send(found.data);
  });
}
