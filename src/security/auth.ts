/** Inbound authentication: SPF (RFC 7208), DKIM (RFC 6376), DMARC (RFC 7489), ARC (RFC 8617) through mailauth; Authentication-Results (RFC 8601). */
import { authenticate } from 'mailauth';

export type DnsResolver = (name: string, rrtype: string) => Promise<any>;

export interface AuthContext {
  /** Connecting client's IP address. */
  ip: string;
  /** EHLO/HELO name given by the client. */
  helo: string;
  /** MAIL FROM address ("" for the null reverse-path). */
  mailFrom: string;
  /** Our host name: the authserv-id of the Authentication-Results we add. */
  hostname: string;
  /** DNS resolver (tests inject one); defaults to the system resolver. */
  resolver?: DnsResolver;
}

export interface DkimSignatureResult {
  domain: string;
  selector: string;
  result: string;
  /** Signing domain aligned with the From domain (relaxed). */
  aligned: boolean;
}

/** What the analyzers and the webmail need from authentication, JSON-serialisable. */
export interface AuthResults {
  spf: { result: string; domain: string };
  dkim: { result: string; signatures: DkimSignatureResult[] };
  dmarc: {
    result: string;
    /** The policy that applies to the From domain (p, or sp for a subdomain), null without a record. */
    policy: 'none' | 'quarantine' | 'reject' | null;
    domain: string;
    alignedDkim: boolean;
    alignedSpf: boolean;
  };
  arc: { result: string };
  /** Domains of the From header as mailauth saw them. */
  headerFrom: string[];
  /** The `Authentication-Results:` field (folded, CRLF-terminated) to prepend. */
  header: string;
  /** Every field to prepend (Received-SPF, ARC seal if any, Authentication-Results). */
  headers: string;
  /** Submitted by one of our own authenticated users (internal mail: no inbound checks ran). */
  submitted?: boolean;
}

/** An empty result (no authentication performed), e.g. for mail submitted by our own users. */
export function noAuth(submitted = false): AuthResults {
  return {
    submitted,
    spf: { result: 'none', domain: '' },
    dkim: { result: 'none', signatures: [] },
    dmarc: { result: 'none', policy: null, domain: '', alignedDkim: false, alignedSpf: false },
    arc: { result: 'none' },
    headerFrom: [],
    header: '',
    headers: '',
  };
}

/**
 * Run SPF, DKIM, DMARC and ARC on an inbound message. Never throws for DNS trouble: mailauth turns
 * lookup failures into temperror results.
 */
export async function authenticateInbound(raw: Buffer, ctx: AuthContext): Promise<AuthResults> {
  let r: Awaited<ReturnType<typeof authenticate>>;
  try {
    r = await authenticate(raw, {
      ip: ctx.ip,
      helo: ctx.helo,
      sender: ctx.mailFrom,
      mta: ctx.hostname,
      resolver: ctx.resolver,
      disableBimi: true,
    });
  } catch (e) {
    // A parser or resolver failure must not lose the message: report temperror, a transient failure (RFC 7208 §2.6.6).
    return failedAuth(ctx.hostname, (e as Error).message);
  }
  const sigs: DkimSignatureResult[] = (r.dkim?.results ?? [])
    .filter((s) => s.signingDomain)
    .map((s) => ({ domain: s.signingDomain.toLowerCase(), selector: s.selector ?? '', result: s.status.result, aligned: Boolean(s.status.aligned) }));
  // DKIM summary: pass if any signature passes; fail if signatures exist and none passes.
  const dkimResult = sigs.some((s) => s.result === 'pass') ? 'pass' : sigs.length ? (sigs.find((s) => s.result !== 'none')?.result ?? 'none') : 'none';
  const d = r.dmarc || null;
  const policy = d && ['none', 'quarantine', 'reject'].includes(d.policy) ? (d.policy as 'none' | 'quarantine' | 'reject') : null;
  const headers = r.headers;
  const arStart = headers.search(/^Authentication-Results:/im);
  return {
    spf: { result: r.spf ? r.spf.status.result : 'none', domain: r.spf ? r.spf.domain : '' },
    dkim: { result: dkimResult, signatures: sigs },
    dmarc: {
      result: d ? d.status.result : 'none',
      policy,
      domain: d ? d.domain : '',
      alignedDkim: Boolean(d && d.alignment?.dkim?.result),
      alignedSpf: Boolean(d && d.alignment?.spf?.result),
    },
    arc: { result: r.arc ? r.arc.status.result : 'none' },
    headerFrom: (r.dkim?.headerFrom ?? []).map((x) => x.toLowerCase()),
    header: arStart >= 0 ? headers.slice(arStart) : '',
    headers,
  };
}

function failedAuth(hostname: string, why: string): AuthResults {
  const a = noAuth();
  a.spf.result = a.dkim.result = a.dmarc.result = a.arc.result = 'temperror';
  const comment = why.replace(/[()\r\n\\]/g, ' ').slice(0, 80);
  a.header = `Authentication-Results: ${hostname};\r\n spf=temperror; dkim=temperror (${comment}); dmarc=temperror\r\n`;
  a.headers = a.header;
  return a;
}

// Limit: only the header block is examined (up to the first empty line, at most 1 MiB).
const HEADER_LIMIT = 1 << 20;

/**
 * Remove every incoming Authentication-Results field whose authserv-id is ours, so a sender cannot
 * forge our verdict. RFC 8601 §5: a border MTA MUST delete such fields (or rename them).
 */
export function stripForeignAuthResults(raw: Buffer, authservId: string): Buffer {
  const head = raw.subarray(0, Math.min(raw.length, HEADER_LIMIT)).toString('latin1');
  const m = /\r?\n\r?\n/.exec(head);
  const end = m ? m.index + m[0].length : head.length;
  const header = head.slice(0, end);
  // Split into fields: a field starts at a line not beginning with WSP (RFC 5322 §2.2.3 folding).
  const fields = header.split(/(?<=\n)(?=[^ \t])/);
  const id = authservId.toLowerCase();
  let removed = false;
  const kept = fields.filter((f) => {
    const fm = /^authentication-results[ \t]*:([\s\S]*)$/i.exec(f);
    if (!fm) return true;
    // authserv-id is the first token of the value, before an optional version and the ";".
    const value = fm[1].replace(/\([^)]*\)/g, ' ').trim();
    const sid = value.split(/[\s;]/, 1)[0].toLowerCase();
    if (sid === id) {
      removed = true;
      return false;
    }
    return true;
  });
  if (!removed) return raw;
  return Buffer.concat([Buffer.from(kept.join(''), 'latin1'), raw.subarray(end)]);
}

/** Prepend our Authentication-Results (and Received-SPF) after stripping forged ones. */
export function withAuthHeaders(raw: Buffer, auth: AuthResults, authservId: string): Buffer {
  const clean = stripForeignAuthResults(raw, authservId);
  return auth.headers ? Buffer.concat([Buffer.from(auth.headers, 'utf8'), clean]) : clean;
}
