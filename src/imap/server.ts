/** The IMAP listener: clear port with STARTTLS and optional implicit-TLS port. RFC 9051, RFC 8314 §3.3 (993). */
import { createServer, type Server, type Socket } from 'node:net';
import { createSecureContext, createServer as createTlsServer, TLSSocket, type SecureContext } from 'node:tls';
import type { AppContext } from '../context.ts';
import { parseSize } from '../config/load.ts';
import { defaultLimits } from './proto/limits.ts';
import { Session } from './session.ts';
import { COMMANDS } from './commands/index.ts';
import { ConnectionCaps } from './connection-caps.ts';

export interface ImapServerOptions {
  /** Clear-text port (STARTTLS offered); 0 picks a free port. */
  port: number;
  /** Implicit TLS port (RFC 8314 §3.3); not opened when absent or null, 0 picks a free port. */
  implicitTlsPort?: number | null;
  host?: string;
  /** Certificate and key; default: the composition root's `ctx.tls`. */
  tls?: { key: string; cert: string } | null;
  /** APPENDLIMIT in octets; default: the configured maxMessageSize. */
  appendLimit?: number;
}

export interface ImapServer {
  port: number;
  tlsPort: number;
  /** Open connections per address and per account. */
  caps: ConnectionCaps;
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as { port: number }).port);
    });
  });
}

/** Starts the IMAP door; `close()` says BYE to every session and stops listening. */
export async function startImapServer(ctx: AppContext, opts: ImapServerOptions): Promise<ImapServer> {
  const host = opts.host ?? ctx.config.listen;
  const material = opts.tls === undefined ? ctx.tls : opts.tls;
  const secureContext: SecureContext | null = material ? createSecureContext({ key: material.key, cert: material.cert }) : null;
  const appendLimit = opts.appendLimit ?? parseSize(ctx.config.maxMessageSize);
  const sessions = new Set<Session>();
  const caps = new ConnectionCaps(ctx.config.imapMaxConnectionsPerIp, ctx.config.imapMaxConnectionsPerAccount);
  const startTls = secureContext ? (socket: Socket): Socket => new TLSSocket(socket, { isServer: true, secureContext }) : undefined;

  const accept = (socket: Socket, secure: boolean): void => {
    socket.setNoDelay(true);
    const s = new Session(ctx, socket, { secure, startTls: secure ? undefined : startTls, appendLimit, maxBadCommands: defaultLimits.maxBadCommands, commands: COMMANDS, caps });
    // RFC 9051 §7.1.5 / RFC 5530 §3: over the per-address cap, BYE [UNAVAILABLE] before any command.
    if (!caps.acquireIp(s.id, s.ip)) {
      ctx.log.info({ cid: s.id, ip: s.ip, max: caps.maxPerIp }, 'imap.connect.refused');
      s.refuse('Too many connections from your address / Trop de connexions');
      return;
    }
    sessions.add(s);
    socket.once('close', () => {
      sessions.delete(s);
      caps.release(s.id);
    });
    ctx.log.debug({ cid: s.id, ip: socket.remoteAddress, secure }, 'imap.connect');
    s.start();
  };

  const clear = createServer((socket) => accept(socket, false));
  const port = await listen(clear, opts.port, host);
  let tlsServer: Server | null = null;
  let tlsPort = 0;
  if (opts.implicitTlsPort !== undefined && opts.implicitTlsPort !== null && material) {
    tlsServer = createTlsServer({ key: material.key, cert: material.cert }, (socket) => accept(socket, true));
    tlsPort = await listen(tlsServer, opts.implicitTlsPort, host);
  }
  ctx.log.info({ port, tlsPort }, 'imap.listen');

  return {
    port,
    tlsPort,
    caps,
    async close() {
      const closing = [clear, tlsServer].filter((x): x is Server => x !== null).map((srv) => new Promise<void>((r) => srv.close(() => r())));
      for (const s of sessions) s.shutdown();
      sessions.clear();
      await Promise.all(closing);
    },
  };
}
