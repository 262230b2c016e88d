/** SMTP message submission with smtp-server: STARTTLS port and implicit-TLS port, AUTH PLAIN/LOGIN, sender policy.
 *  RFC 6409, RFC 8314 (implicit TLS), RFC 3207 (STARTTLS), RFC 4954 (AUTH), RFC 3461 (DSN), RFC 1870 (SIZE). */
import { randomBytes } from 'node:crypto';
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { AppContext } from '../context.ts';
import { parseSize } from '../config/load.ts';
import { smtpError } from './mx.ts';
import { collectData } from './data.ts';
import { authenticateSubmission, type SubmissionUser } from './submission-auth.ts';
import { checkLimits, checkRecipient, hourlyUsage, maySendAs, receivedField, submitMessage, SubmissionError } from '../queue/index.ts';

export interface SubmissionOptions {
  /** STARTTLS port; default config.submissionPort (0: not opened). */
  port?: number;
  /** Implicit-TLS port; default config.submissionsPort (0: not opened). */
  securePort?: number;
  host?: string;
  /** Store a copy in Sent; default config.submissionSaveSent. */
  saveSent?: boolean;
}

interface SubSession extends SMTPServerSession {
  user?: SubmissionUser;
  preauRcpts?: { address: string; notify?: string[]; orcpt?: string }[];
}

function reply(e: unknown): Error {
  if (e instanceof SubmissionError) return smtpError(e.responseCode, e.reply);
  return smtpError(451, '4.3.0 Temporary failure, try again later / Erreur temporaire, reessayez plus tard');
}

function createServer(ctx: AppContext, secure: boolean, opts: SubmissionOptions): SMTPServer {
  const { config, log } = ctx;
  const maxSize = parseSize(config.maxMessageSize);
  const saveSent = opts.saveSent ?? config.submissionSaveSent;
  const fail = (session: SMTPServerSession, where: string, e: unknown) => {
    if (!(e instanceof SubmissionError)) log.error({ event: 'submission.error', cid: session.id, where, err: (e as Error).message }, 'submission.error');
    else log.info({ event: 'submission.rejected', cid: session.id, where, code: e.code, account: (session as SubSession).user?.accountId }, 'submission.rejected');
    return reply(e);
  };
  return new SMTPServer({
    secure,
    name: config.hostname,
    banner: 'Préau ESMTP submission',
    key: ctx.tls.key,
    cert: ctx.tls.cert,
    size: maxSize,
    authMethods: ['PLAIN', 'LOGIN'],
    // Advertised and accepted before TLS only if some plaintext case is configured; onAuth decides per connection.
    allowInsecureAuth: config.allowPlainAuth || config.allowPlainLoopback,
    authOptional: false,
    // RFC 6409 §4.3 / RFC 3207 §4: the STARTTLS port offers the upgrade.
    hideSTARTTLS: secure,
    hideDSN: false,
    logger: false,
    maxClients: 1000,
    socketTimeout: 5 * 60_000,
    onConnect(session, cb) {
      session.id = session.id || randomBytes(6).toString('hex');
      cb();
    },
    onAuth(auth, session, cb) {
      if (auth.method !== 'PLAIN' && auth.method !== 'LOGIN') return cb(smtpError(504, '5.5.4 Unrecognized authentication type'));
      authenticateSubmission(ctx, { username: auth.username ?? '', password: auth.password ?? '', ip: session.remoteAddress, secure: session.secure })
        .then((r) => {
          if (!r.ok) {
            log.info({ event: 'submission.auth.failed', cid: session.id, code: r.code }, 'submission.auth.failed');
            return cb(smtpError(r.code, r.message));
          }
          log.info({ event: 'submission.auth.ok', cid: session.id, account: r.user.accountId }, 'submission.auth.ok');
          cb(null, { user: r.user });
        })
        .catch((e) => cb(fail(session, 'auth', e)));
    },
    onMailFrom(address: SMTPServerAddress, session, cb) {
      const s = session as SubSession;
      s.preauRcpts = [];
      const user = s.user!;
      (async () => {
        // RFC 6409 §6.1: the envelope sender must belong to the authenticated account.
        if (!(await maySendAs(ctx, user.accountId, address.address))) {
          throw new SubmissionError('SENDER_NOT_ALLOWED', 550, '5.7.1', `Sender address <${address.address}> is not one of your addresses / L'adresse d'expedition <${address.address}> n'est pas l'une de vos adresses`);
        }
        checkLimits(ctx, await hourlyUsage(ctx, user.accountId, ctx.store.clock()), 0);
      })().then(() => cb(), (e) => cb(fail(session, 'mail', e)));
    },
    onRcptTo(address: SMTPServerAddress, session, cb) {
      const s = session as SubSession;
      const list = (s.preauRcpts ??= []);
      if (list.length >= config.submissionMaxRecipients) return cb(smtpError(452, `4.5.3 Too many recipients (max ${config.submissionMaxRecipients}) / Trop de destinataires`));
      checkRecipient(ctx, address.address).then(
        () => {
          list.push({ address: address.address, notify: address.dsn?.notify, orcpt: address.dsn?.orcpt });
          cb();
        },
        (e) => cb(fail(session, 'rcpt', e)),
      );
    },
    onData(stream: SMTPServerDataStream, session, cb) {
      const s = session as SubSession;
      collectData(stream, maxSize, cb, (raw) => {
        const env = session.envelope;
        const now = ctx.store.clock();
        const received = receivedField({ helo: session.hostNameAppearsAs, ip: session.remoteAddress, hostname: config.hostname, secure: session.secure, id: session.id, now });
        submitMessage(ctx, {
          accountId: s.user!.accountId,
          raw,
          mailFrom: env.mailFrom ? env.mailFrom.address : '',
          rcptTo: s.preauRcpts ?? [],
          saveToSent: saveSent,
          dsn: { envid: env.dsn?.envid ?? null, ret: env.dsn?.ret ?? null },
          received,
        }).then(
          (r) => cb(null, `2.0.0 Ok: queued as ${r.queueId ?? session.id}`),
          (e) => cb(fail(session, 'data', e)),
        );
      });
    },
  });
}

function listen(server: SMTPServer, port: number, host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const addr = (server as any).server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}

/** Open the submission door(s). Port 0 in config means "not opened"; `opts` ports override config. */
export async function startSubmissionServer(ctx: AppContext, opts: SubmissionOptions = {}): Promise<{ port: number; securePort?: number; close(): Promise<void> }> {
  const host = opts.host ?? ctx.config.listen;
  const servers: SMTPServer[] = [];
  const close = async () => {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  };
  try {
    const plainPort = opts.port ?? ctx.config.submissionPort;
    const securePortCfg = opts.securePort ?? ctx.config.submissionsPort;
    let port = 0;
    let securePort: number | undefined;
    if (plainPort || opts.port === 0) {
      const s = createServer(ctx, false, opts);
      s.on('error', (e) => ctx.log.warn({ event: 'submission.server.error', err: (e as Error).message }, 'submission.server.error'));
      servers.push(s);
      port = await listen(s, plainPort, host);
    }
    if (securePortCfg || opts.securePort === 0) {
      const s = createServer(ctx, true, opts);
      s.on('error', (e) => ctx.log.warn({ event: 'submission.server.error', err: (e as Error).message }, 'submission.server.error'));
      servers.push(s);
      securePort = await listen(s, securePortCfg, host);
    }
    ctx.log.info({ event: 'submission.listening', port, securePort }, 'submission.listening');
    return { port, securePort, close };
  } catch (e) {
    await close();
    throw e;
  }
}
