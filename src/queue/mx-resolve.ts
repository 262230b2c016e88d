/** Where to deliver a domain's mail: MX records, implicit MX (A/AAAA), null MX. RFC 5321 §5.1, RFC 7505. */
import { isIP } from 'node:net';

/** The node:dns/promises subset the worker uses; tests inject their own. */
export interface MxResolver {
  resolveMx(name: string): Promise<{ exchange: string; priority: number }[]>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
}

export interface MxHost {
  /** Host name (for TLS SNI, Remote-MTA) */
  host: string;
  addresses: string[];
}

export type MxLookup = { ok: true; hosts: MxHost[] } | { ok: false; permanent: boolean; code: number; status: string; error: string };

const NOT_FOUND = new Set(['ENOTFOUND', 'ENXDOMAIN']);
const NO_DATA = new Set(['ENODATA', 'ENOTIMP']);

async function addressesOf(resolver: MxResolver, host: string): Promise<{ addresses: string[]; nxdomain: boolean }> {
  if (isIP(host)) return { addresses: [host], nxdomain: false };
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
  const addresses = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
  const nx = [v4, v6].every((r) => r.status === 'rejected' && NOT_FOUND.has((r.reason as NodeJS.ErrnoException)?.code ?? ''));
  return { addresses, nxdomain: nx };
}

/** Resolve the hosts to try for `domain`, in preference order. */
export async function lookupMx(resolver: MxResolver, domain: string): Promise<MxLookup> {
  let records: { exchange: string; priority: number }[];
  try {
    records = await resolver.resolveMx(domain);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (NOT_FOUND.has(code)) return { ok: false, permanent: true, code: 550, status: '5.1.2', error: `domain ${domain} does not exist (DNS NXDOMAIN)` };
    if (!NO_DATA.has(code)) return { ok: false, permanent: false, code: 451, status: '4.4.3', error: `DNS lookup of MX ${domain} failed: ${code || (e as Error).message}` };
    records = [];
  }
  // RFC 7505 §3: a single MX with an empty exchange (".") means the domain accepts no mail;
  // §4.1: report it at once with 556 5.1.10.
  if (records.some((r) => r.exchange === '' || r.exchange === '.')) {
    return { ok: false, permanent: true, code: 556, status: '5.1.10', error: `domain ${domain} does not accept mail (null MX, RFC 7505)` };
  }
  if (!records.length) {
    // RFC 5321 §5.1: no MX records: the domain itself is the implicit MX (its A/AAAA).
    const { addresses, nxdomain } = await addressesOf(resolver, domain);
    if (addresses.length) return { ok: true, hosts: [{ host: domain, addresses }] };
    if (nxdomain) return { ok: false, permanent: true, code: 550, status: '5.1.2', error: `domain ${domain} has no mail server (no MX, A or AAAA)` };
    return { ok: false, permanent: false, code: 451, status: '4.4.3', error: `no address found for ${domain}` };
  }
  // RFC 5321 §5.1: lower preference first; equal preferences in random order.
  const sorted = [...records].sort((a, b) => a.priority - b.priority || Math.random() - 0.5);
  const hosts: MxHost[] = [];
  for (const r of sorted) {
    const host = r.exchange.replace(/\.$/, '').toLowerCase();
    const { addresses } = await addressesOf(resolver, host);
    if (addresses.length) hosts.push({ host, addresses });
  }
  if (!hosts.length) return { ok: false, permanent: false, code: 451, status: '4.4.3', error: `no address found for the MX hosts of ${domain}` };
  return { ok: true, hosts };
}
