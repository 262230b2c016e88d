/** Inbound SMTP (MX) with smtp-server. RFC 5321, RFC 3207 (STARTTLS), RFC 6531 (SMTPUTF8),
 *  RFC 1870 (SIZE), RFC 2920 (PIPELINING), RFC 3463 / 2034 (enhanced status codes). */
import { randomBytes } from 'node:crypto';
import { SMTPServer, type SMTPServerSession, type SMTPServerAddress, type SMTPServerDataStream } from 'smtp-server';
import type { AppContext } from '../context.ts';
import type { AccountId } from '../store/ids.ts';
import { parseSize } from '../config/load.ts';
import './enhanced-codes.ts';
import { collectData } from './data.ts';
import { lookupRecipient, type RecipientLookup } from '../mail/recipients.ts';
import { deliverInbound, type InboundInspector } from '../mail/inbound.ts';

export interface MxOptions {
  port: number;
  host?: string;
  /** Spam/phishing/authentication inspection (src/security), wired by the composition root. */
  inspect?: InboundInspector;
}

export { smtpError, type SmtpReplyError } from './data.ts';
import { smtpError } from './data.ts';

interface MxSession extends SMTPServerSession {
  preauRcpt?: Map<string, AccountId>;
}

export async function startMxServer(ctx: AppContext, opts: MxOptions): Promise<{ port: number; close(): Promise<void> }> {
  const { config, log } = ctx;
  const maxSize = parseSize(config.maxMessageSize);
  const server = new SMTPServer({
    name: config.hostname,
    banner: 'Préau ESMTP',
    key: ctx.tls.key,
    cert: ctx.tls.cert,
    size: maxSize,
    authOptional: true,
    disabledCommands: ['AUTH'],
    hideSTARTTLS: false,
    hidePIPELINING: false,
    hide8BITMIME: false,
    hideSMTPUTF8: false,
    hideENHANCEDSTATUSCODES: false,
    logger: false,
    maxClients: 500,
    socketTimeout: 5 * 60_000,
    onConnect(session, cb) {
      session.id = session.id || randomBytes(6).toString('hex');
      cb();
    },
    onMailFrom(_address, session, cb) {
      (session as MxSession).preauRcpt = new Map();
      cb();
    },
    onRcptTo(address: SMTPServerAddress, session, cb) {
      const s = session as MxSession;
      lookupRecipient(ctx, address.address)
        .then((r: RecipientLookup) => {
          switch (r.kind) {
            case 'ok':
              s.preauRcpt ??= new Map();
              if (s.preauRcpt.size >= 1000) return cb(smtpError(452, '4.5.3 Too many recipients / Trop de destinataires'));
              s.preauRcpt.set(address.address.toLowerCase(), r.account);
              return cb();
            // RFC 5321 §3.6.2: never an open relay.
            case 'foreign-domain':
              log.info({ event: 'smtp.rcpt.rejected', cid: session.id, reason: 'relay' });
              return cb(smtpError(554, '5.7.1 Relay access denied: this server only accepts mail for its own domains'));
            case 'unknown':
              return cb(smtpError(550, '5.1.1 No such user here / Destinataire inconnu'));
            case 'disabled':
              return cb(smtpError(550, '5.2.1 Mailbox disabled / Boîte désactivée'));
            // RFC 3463 §3.3: X.2.2 mailbox full.
            case 'over-quota':
              return cb(smtpError(452, '4.2.2 Mailbox full / Boîte aux lettres pleine'));
          }
        })
        .catch((e) => {
          log.error({ event: 'smtp.rcpt.error', cid: session.id, err: e });
          cb(smtpError(451, '4.3.0 Temporary failure, try again later'));
        });
    },
    onData(stream: SMTPServerDataStream, session, cb) {
      collectData(stream, maxSize, cb, (raw) => {
        const s = session as MxSession;
        const recipients = [...(s.preauRcpt ?? new Map()).entries()].map(([address, account]) => ({ address, account }));
        deliverInbound(ctx, {
          raw,
          session: {
            id: session.id,
            remoteAddress: session.remoteAddress,
            clientHostname: session.clientHostname,
            helo: session.hostNameAppearsAs,
            secure: session.secure,
            mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            utf8: !!(session.envelope as any).utf8,
          },
          recipients,
          inspect: opts.inspect,
        })
          .then((r) => {
            if (r.kind === 'rejected') return cb(smtpError(r.code, r.message));
            cb(null, `2.0.0 Ok: queued as ${r.id}`);
          })
          .catch((e) => {
            log.error({ event: 'smtp.delivery.error', cid: session.id, err: e });
            cb(smtpError(451, '4.3.0 Temporary failure, message not accepted; try again later'));
          });
      });
    },
  });
  server.on('error', (e) => log.warn({ event: 'smtp.server.error', err: e }));
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? config.listen, () => {
      const addr = (server as any).server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : opts.port);
    });
  });
  log.info({ event: 'smtp.mx.listening', port });
  return { port, close: () => new Promise<void>((r) => server.close(() => r())) };
}
