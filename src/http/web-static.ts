/** Serves the webmail (web/dist) at `/` with an SPA fallback, and builds it when missing or stale. RFC 9111 (caching). */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { parseDateRanges, type Config } from '../config/schema.ts';
import type { Logger } from '../log/index.ts';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WEB_DIR = join(REPO, 'web');
export const DIST_DIR = join(WEB_DIR, 'dist');

/** Paths that belong to the server, never to the SPA fallback. */
const SERVER_PREFIXES = ['/api/', '/jmap', '/.well-known/', '/dav', '/healthz', '/autoconfig', '/autodiscover', '/mail/config-v1.1.xml'];

/**
 * The CSP of the page. Scripts: only our own files (no inline script). Styles: 'unsafe-inline' is
 * needed because mail bodies are written into a sandboxed iframe's initial about:blank document,
 * which inherits this policy (HTML "policy container" of about:blank), and mail HTML uses style attributes; our own HTML
 * has none. Images: http(s): so that "show images" can load remote images the user allowed.
 */
export const PAGE_CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob: https: http:",
  "connect-src 'self'", "font-src 'self'", "frame-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const f of readdirSync(path)) max = Math.max(max, newestMtime(join(path, f)));
  return max;
}

/** True when web/dist/index.html is missing or older than a source file of the client. */
export function webBuildIsStale(): boolean {
  const built = join(DIST_DIR, 'index.html');
  if (!existsSync(built)) return existsSync(join(WEB_DIR, 'src'));
  if (!existsSync(join(WEB_DIR, 'src'))) return false; // a release without sources: serve what is there
  const src = Math.max(newestMtime(join(WEB_DIR, 'src')), newestMtime(join(WEB_DIR, 'public')), newestMtime(join(WEB_DIR, 'index.html')), newestMtime(join(WEB_DIR, 'vite.config.ts')));
  return src > statSync(built).mtimeMs;
}

function nodeBinary(): string {
  // Vite 8 needs Node ≥ 20.19; the server already runs on the project's Node 24.
  const local = join(REPO, 'node_modules', '.bin', 'node');
  return Number(process.versions.node.split('.')[0]) >= 22 || !existsSync(local) ? process.execPath : local;
}

function runVite(log?: Logger): Promise<void> {
  const vite = join(REPO, 'node_modules', 'vite', 'bin', 'vite.js');
  return new Promise((resolve, reject) => {
    const child = spawn(nodeBinary(), [vite, 'build', '--config', join(WEB_DIR, 'vite.config.ts'), '--logLevel', 'warn'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) return resolve();
      log?.error({ code, output: out.slice(-2000) }, 'http.web.build.failed');
      reject(new Error(`vite build exited with ${code}`));
    });
  });
}

let building: Promise<void> | null = null;

/**
 * Build web/dist when it is missing or older than web/src. One build per process; across
 * processes (parallel test files) a lock directory serialises builds.
 */
export async function ensureWebBuilt(log?: Logger): Promise<void> {
  if (!webBuildIsStale()) return;
  building ??= (async () => {
    const lock = join(WEB_DIR, '.build-lock');
    const deadline = Date.now() + 120_000;
    for (;;) {
      try {
        mkdirSync(lock);
        break;
      } catch {
        // Another process builds; a lock older than 2 minutes is left from a crash.
        try {
          if (Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
        } catch {
          // The lock went away meanwhile.
        }
        if (Date.now() > deadline) throw new Error('web build lock timeout');
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    try {
      if (!webBuildIsStale()) return;
      const t0 = Date.now();
      log?.info({}, 'http.web.build.start');
      await runVite(log);
      log?.info({ ms: Date.now() - t0 }, 'http.web.build.done');
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  })().finally(() => {
    building = null;
  });
  return building;
}

function listFiles(dir: string): Set<string> {
  const out = new Set<string>();
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (!/\.(gz|br)$/.test(f)) out.add('/' + relative(dir, p).split(sep).join('/'));
    }
  };
  walk(dir);
  return out;
}

/** Public facts for the help centre (server names, ports, support contact). */
export function clientConfig(config: Config): Record<string, unknown> {
  const imap = [config.imapsPort ? { port: config.imapsPort, security: 'tls' } : null, config.imapPort ? { port: config.imapPort, security: 'starttls' } : null].filter(Boolean);
  const smtp = [config.submissionsPort ? { port: config.submissionsPort, security: 'tls' } : null, config.submissionPort ? { port: config.submissionPort, security: 'starttls' } : null].filter(Boolean);
  // Droit à la déconnexion: the composer's guard rail uses the working hours and the school holidays.
  const [start = '08:00', end = '18:30'] = (config.workingHours ?? '08:00-18:30').split('-');
  const workingTime = { start, end, days: [1, 2, 3, 4, 5] };
  const schoolHolidays = parseDateRanges(config.schoolHolidays ?? '');
  return { orgName: config.orgName, hostname: config.hostname, imap, smtp, supportContact: config.supportContact || null, workingTime, schoolHolidays };
}

function sendIndex(reply: FastifyReply): FastifyReply {
  reply.header('content-security-policy', PAGE_CSP);
  reply.header('cache-control', 'no-cache');
  return reply.sendFile('index.html');
}

/** HttpPlugin: `createHttpServer({ plugins: [registerWebClient] })`. */
export async function registerWebClient(app: FastifyInstance, ctx: { config: Config; log?: Logger }): Promise<void> {
  try {
    await ensureWebBuilt(ctx.log);
  } catch (e) {
    ctx.log?.error({ err: (e as Error).message }, 'http.web.build.error');
  }
  const files = listFiles(DIST_DIR);
  await app.register(fastifyStatic, {
    root: DIST_DIR,
    serve: false,
    preCompressed: true,
    // Hashed file names never change: cache for a year (RFC 8246 immutable).
    setHeaders: (res, path) => {
      const file = path.replace(/\.(br|gz)$/, '');
      if (/[\\/]assets[\\/]/.test(file)) res.header('cache-control', 'public, max-age=31536000, immutable');
      else if (file.endsWith('index.html')) res.header('cache-control', 'no-cache');
      else res.header('cache-control', 'public, max-age=3600');
    },
    cacheControl: false,
  });

  app.get('/api/webmail/config', async () => clientConfig(ctx.config));

  app.get('/*', async (req, reply) => {
    const path = decodeURIComponent(req.url.split('?')[0]);
    if (SERVER_PREFIXES.some((p) => path.startsWith(p))) {
      return reply.code(404).type('application/problem+json').send({ type: 'urn:preau:problem:not-found', title: 'Not found', status: 404, code: 'not-found' });
    }
    if (path === '/' || path === '/index.html') return sendIndex(reply);
    // The client's code-cache frame (web/src/codeCache.ts): the same page, framable by itself only.
    if (path === '/_code-cache') {
      reply.header('content-security-policy', PAGE_CSP.replace("frame-ancestors 'none'", "frame-ancestors 'self'"));
      reply.header('x-frame-options', 'SAMEORIGIN');
      reply.header('cache-control', 'no-cache');
      return reply.sendFile('index.html');
    }
    if (files.has(path)) return reply.sendFile(path.slice(1));
    // A missing hashed asset is a real 404 (an old tab after a deployment), not the SPA.
    if (path.startsWith('/assets/') || /\.[a-z0-9]{2,5}$/i.test(path)) {
      return reply.code(404).type('application/problem+json').send({ type: 'urn:preau:problem:not-found', title: 'Not found', status: 404, code: 'not-found' });
    }
    return sendIndex(reply);
  });
}
