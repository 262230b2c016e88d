/** One SMTP delivery attempt with nodemailer: opportunistic STARTTLS, per-recipient replies. RFC 5321 §4.2, §5.1; RFC 3207. */
import { isIP } from 'node:net';
import nodemailer from 'nodemailer';

export interface SmtpTarget {
  /** Host name (SNI, Remote-MTA). */
  host: string;
  /** Address or name to connect to. */
  connect: string;
  port: number;
  /** Implicit TLS (relay on 465). */
  secure?: boolean;
  auth?: { user: string; pass: string };
  /** Verify the server certificate (relay); MX delivery is opportunistic and does not. */
  verifyTls?: boolean;
  /** Refuse to go on without STARTTLS (credentials to a relay). */
  requireTls?: boolean;
}

export interface RecipientReply {
  rcpt: string;
  ok: boolean;
  code: number;
  permanent: boolean;
  response: string;
}

export type AttemptOutcome =
  | { kind: 'replied'; host: string; replies: RecipientReply[] }
  /** Could not talk to any host (connection, TLS, timeout): try again later. */
  | { kind: 'unreachable'; error: string };

export interface AttemptInput {
  targets: SmtpTarget[];
  /** Our EHLO name (config hostname). */
  name: string;
  from: string;
  to: string[];
  raw: Buffer;
  timeoutMs?: number;
}

const CONNECTION_ERRORS = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'ECONNREFUSED', 'ECONNRESET', 'EPROTOCOL']);

function codeOf(response: string | undefined, fallback: number): number {
  const m = /^(\d{3})/.exec(response ?? '');
  return m ? Number(m[1]) : fallback;
}

/**
 * Try each target in order until one answers. RFC 5321 §5.1: when a host cannot be reached, the
 * next MX is tried; once a server has replied, its answer (accept, 4xx, 5xx) stands.
 */
export async function attemptDelivery(input: AttemptInput): Promise<AttemptOutcome> {
  let lastError = 'no host to try';
  for (const t of input.targets) {
    const transport = nodemailer.createTransport({
      host: t.connect,
      port: t.port,
      secure: !!t.secure,
      name: input.name,
      // RFC 3207 §4 / RFC 7435: use STARTTLS when offered, go on in plaintext if the upgrade is refused.
      opportunisticTLS: !t.requireTls,
      requireTLS: !!t.requireTls && !t.secure,
      tls: { servername: isIP(t.host) ? undefined : t.host, rejectUnauthorized: !!t.verifyTls },
      auth: t.auth,
      connectionTimeout: input.timeoutMs ?? 60_000,
      greetingTimeout: input.timeoutMs ?? 60_000,
      socketTimeout: (input.timeoutMs ?? 60_000) * 5,
      logger: false,
    } as any);
    try {
      // nodemailer streams `raw` through its DataStream: dot-stuffing (RFC 5321 §4.5.2) and CRLF.
      const info: any = await transport.sendMail({ envelope: { from: input.from, to: input.to }, raw: input.raw });
      const replies: RecipientReply[] = [];
      const rejected = new Map<string, any>();
      for (const e of info.rejectedErrors ?? []) rejected.set(String(e.recipient).toLowerCase(), e);
      for (const rcpt of input.to) {
        const e = rejected.get(rcpt.toLowerCase());
        if (e) {
          const code = e.responseCode ?? codeOf(e.response, 450);
          replies.push({ rcpt, ok: false, code, permanent: code >= 500, response: e.response ?? e.message });
        } else replies.push({ rcpt, ok: true, code: codeOf(info.response, 250), permanent: false, response: info.response ?? '250' });
      }
      return { kind: 'replied', host: t.host, replies };
    } catch (err) {
      const e = err as any;
      // Our credentials refused by the relay is our configuration's fault: retry, never bounce.
      if (e.code === 'EAUTH') {
        lastError = `${t.host}:${t.port}: authentication failed: ${e.response ?? e.message}`;
        continue;
      }
      if (e.responseCode && !CONNECTION_ERRORS.has(e.code)) {
        // A reply that applies to the whole transaction (MAIL, DATA) or to every recipient.
        const perRcpt = new Map<string, any>();
        for (const r of e.rejectedErrors ?? []) perRcpt.set(String(r.recipient).toLowerCase(), r);
        const replies = input.to.map((rcpt) => {
          const r = perRcpt.get(rcpt.toLowerCase()) ?? e;
          const code = r.responseCode ?? codeOf(r.response, 451);
          return { rcpt, ok: false, code, permanent: code >= 500, response: r.response ?? r.message };
        });
        return { kind: 'replied', host: t.host, replies };
      }
      lastError = `${t.host}[${t.connect}]:${t.port}: ${e.message ?? String(e)}`;
    } finally {
      transport.close();
    }
  }
  return { kind: 'unreachable', error: lastError };
}
