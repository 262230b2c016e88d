/** Optional hooks, off by default: DNSBL (RFC 5782), rspamd HTTP /checkv2, ClamAV clamd INSTREAM. A failing hook never loses mail. */
import { connect } from 'node:net';
import { promises as dns } from 'node:dns';
import { isIPv4, isIPv6 } from 'node:net';
import type { SecurityPolicy } from './policy.ts';
import type { DnsResolver } from './auth.ts';
import { tag, type Tag } from './types.ts';

/** Outcome of a hook: its tags, or the reason it could not answer (the caller logs it). */
export interface HookResult {
  tags: Tag[];
  error?: string;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** RFC 5782 §2.1 (IPv4: octets reversed), §2.4 (IPv6: nibbles reversed). */
export function dnsblName(ip: string, zone: string): string | null {
  if (isIPv4(ip)) return `${ip.split('.').reverse().join('.')}.${zone}`;
  if (isIPv6(ip)) {
    const parts = ip.split('::');
    const head = parts[0] ? parts[0].split(':') : [];
    const tail = parts.length > 1 && parts[1] ? parts[1].split(':') : [];
    const groups = [...head, ...new Array(8 - head.length - tail.length).fill('0'), ...tail].map((g) => g.padStart(4, '0'));
    return `${groups.join('').split('').reverse().join('.')}.${zone}`;
  }
  return null;
}

const defaultResolver: DnsResolver = (name, rrtype) => dns.resolve(name, rrtype);

/** Query each configured zone; a 127.0.0.x answer means listed (RFC 5782 §2.1). */
export async function dnsblLookup(ip: string, policy: SecurityPolicy, resolver: DnsResolver = defaultResolver): Promise<HookResult> {
  const zones = policy.dnsbl.zones;
  if (!zones.length) return { tags: [] };
  const errors: string[] = [];
  const listed: string[] = [];
  await Promise.all(
    zones.map(async (zone) => {
      const name = dnsblName(ip, zone);
      if (!name) return;
      try {
        const answers: unknown = await withTimeout(resolver(name, 'A'), policy.dnsbl.timeoutMs, `dnsbl ${zone}`);
        const list = (Array.isArray(answers) ? answers.flat() : []) as string[];
        if (list.some((a) => typeof a === 'string' && a.startsWith('127.'))) listed.push(zone);
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code !== 'ENOTFOUND' && code !== 'ENODATA') errors.push((e as Error).message);
      }
    }),
  );
  return { tags: listed.map((z) => tag(policy, 'DNSBL_LISTED', `${ip} listed by ${z}`, z)), ...(errors.length ? { error: errors.join('; ') } : {}) };
}

export interface RspamdInput {
  raw: Buffer;
  ip: string;
  helo: string;
  mailFrom: string;
  rcptTo: string[];
  hostname: string;
}

/** POST the message to rspamd's /checkv2; its score becomes an RSPAMD tag (scaled by the RSPAMD tag score). */
export async function rspamdCheck(input: RspamdInput, policy: SecurityPolicy): Promise<HookResult> {
  if (!policy.rspamd.url) return { tags: [] };
  try {
    const headers: Record<string, string> = { IP: input.ip, Helo: input.helo, From: input.mailFrom, MTA: input.hostname };
    if (policy.rspamd.password) headers.Password = policy.rspamd.password;
    const res = await fetch(new URL('/checkv2', policy.rspamd.url), {
      method: 'POST',
      headers: { ...headers, ...Object.fromEntries(input.rcptTo.slice(0, 1).map((r) => ['Rcpt', r])) },
      body: new Uint8Array(input.raw),
      signal: AbortSignal.timeout(policy.rspamd.timeoutMs),
    });
    if (!res.ok) return { tags: [], error: `rspamd HTTP ${res.status}` };
    const body = (await res.json()) as { score?: number; action?: string };
    if (typeof body.score !== 'number' || !Number.isFinite(body.score)) return { tags: [], error: 'rspamd: no score' };
    return { tags: [tag(policy, 'RSPAMD', `rspamd score ${body.score} action ${body.action ?? '?'}`, String(body.score), body.score)] };
  } catch (e) {
    return { tags: [], error: `rspamd: ${(e as Error).message}` };
  }
}

// Limit: clamd's StreamMaxLength defaults to 25 MB; we send at most 64 KiB per chunk and read at most 4 KiB of reply.
const CHUNK = 64 * 1024;

/** clamd INSTREAM: "zINSTREAM\0", then <uint32 BE length><bytes> chunks, then a zero length. */
export function clamavScan(raw: Buffer, policy: SecurityPolicy): Promise<HookResult> {
  const { host, port, timeoutMs } = policy.clamav;
  if (!host) return Promise.resolve({ tags: [] });
  return new Promise((resolve) => {
    let reply = '';
    let done = false;
    const finish = (r: HookResult) => {
      if (done) return;
      done = true;
      sock.destroy();
      resolve(r);
    };
    const sock = connect({ host, port });
    sock.setTimeout(timeoutMs, () => finish({ tags: [], error: `clamd timed out after ${timeoutMs} ms` }));
    sock.on('error', (e) => finish({ tags: [], error: `clamd: ${e.message}` }));
    sock.on('connect', () => {
      sock.write('zINSTREAM\0');
      for (let o = 0; o < raw.length; o += CHUNK) {
        const chunk = raw.subarray(o, o + CHUNK);
        const len = Buffer.alloc(4);
        len.writeUInt32BE(chunk.length);
        sock.write(len);
        sock.write(chunk);
      }
      sock.write(Buffer.alloc(4));
    });
    const parse = () => {
      const line = reply.replace(/\0[\s\S]*$/, '').trim();
      const found = /^stream: (.+) FOUND$/.exec(line);
      if (found) return finish({ tags: [tag(policy, 'VIRUS_FOUND', `clamd: ${found[1]}`, found[1])] });
      if (/^stream: OK$/.test(line)) return finish({ tags: [] });
      finish({ tags: [], error: `clamd: ${line.slice(0, 200) || 'no reply'}` });
    };
    sock.on('data', (d: Buffer) => {
      reply += d.toString('latin1');
      if (reply.includes('\0') || reply.length > 4096) parse();
    });
    sock.on('end', parse);
  });
}

/** Run every configured hook in parallel; tags are merged, errors are returned for the log. */
export async function runHooks(input: RspamdInput, policy: SecurityPolicy, resolver?: DnsResolver): Promise<{ tags: Tag[]; errors: string[] }> {
  const results = await Promise.all([dnsblLookup(input.ip, policy, resolver), rspamdCheck(input, policy), clamavScan(input.raw, policy)]);
  return { tags: results.flatMap((r) => r.tags), errors: results.flatMap((r) => (r.error ? [r.error] : [])) };
}
