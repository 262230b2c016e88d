/** Test fixtures for sending: a Préau with submission + outbound worker, a sink smtp-server playing example.org, a fake DNS. */
import { Writable } from 'node:stream';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { pino } from 'pino';
import { startTestApp, type TestApp } from './helpers/app.ts';
import type { ConfigInput } from '../src/config/schema.ts';
import { startSubmissionServer } from '../src/smtp/submission.ts';
import { startOutboundWorker, type OutboundWorker, type WorkerOptions } from '../src/queue/index.ts';
import type { MxResolver } from '../src/queue/mx-resolve.ts';
import type { AccountId } from '../src/store/ids.ts';

export interface SinkMessage {
  from: string;
  to: string[];
  raw: Buffer;
  secure: boolean;
}

export interface Sink {
  port: number;
  messages: SinkMessage[];
  /** Per-recipient verdict: null accepts, else an SMTP error reply. */
  onRcpt: (address: string) => { code: number; message: string } | null;
  /** Most sessions seen in DATA at once, and a delay before each DATA reply (to make them overlap). */
  maxActive: number;
  replyDelayMs: number;
  /** When it returns true the DATA reply is never sent (the message is not recorded): a remote that hangs. */
  holdData: () => boolean;
  /** Resolves when `n` messages have arrived in all. */
  waitFor(n: number): Promise<void>;
  close(): Promise<void>;
}

function smtpErr(code: number, message: string): Error {
  const e = new Error(message) as Error & { responseCode: number };
  e.responseCode = code;
  return e;
}

export async function startSink(opts: { auth?: { user: string; pass: string } } = {}): Promise<Sink> {
  const waiters: { n: number; resolve: () => void }[] = [];
  const sink: Sink = {
    port: 0,
    messages: [],
    onRcpt: () => null,
    holdData: () => false,
    maxActive: 0,
    replyDelayMs: 0,
    waitFor(n) {
      if (sink.messages.length >= n) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    close: async () => {},
  };
  let active = 0;
  const server = new SMTPServer({
    name: 'mx.example.org',
    logger: false,
    authOptional: !opts.auth,
    disabledCommands: opts.auth ? [] : ['AUTH'],
    allowInsecureAuth: true,
    onAuth(auth, _s, cb) {
      if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass) return cb(null, { user: auth.username });
      cb(smtpErr(535, '5.7.8 bad credentials'));
    },
    onRcptTo(address: SMTPServerAddress, _s, cb) {
      const v = sink.onRcpt(address.address);
      cb(v ? smtpErr(v.code, v.message) : undefined);
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      active++;
      sink.maxActive = Math.max(sink.maxActive, active);
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        if (sink.holdData()) return;
        if (sink.replyDelayMs) await new Promise((r) => setTimeout(r, sink.replyDelayMs));
        active--;
        sink.messages.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks), secure: session.secure });
        for (const w of waiters.filter((x) => sink.messages.length >= x.n)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
        cb(null, '2.0.0 Ok: sink');
      });
    },
  });
  // A client killed mid-transaction (the restart tests SIGKILL workers) resets its socket:
  // smtp-server reports it as an 'error' event, which must not crash the test process.
  server.on('error', () => {});
  sink.port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server as any).server.address().port));
  });
  sink.close = () => new Promise<void>((r) => server.close(() => r()));
  return sink;
}

function dnsError(code: string): Error {
  const e = new Error(`queryMx ${code}`) as NodeJS.ErrnoException;
  e.code = code;
  return e;
}

/** example.org → mx.example.org → 127.0.0.1; nullmx.example has a null MX (RFC 7505); others NXDOMAIN. */
export function fakeResolver(): MxResolver {
  return {
    async resolveMx(name: string) {
      if (name === 'example.org' || name === 'example.net') return [{ exchange: 'mx.example.org', priority: 10 }];
      if (name === 'nullmx.example') return [{ exchange: '', priority: 0 }];
      throw dnsError('ENOTFOUND');
    },
    async resolve4(name: string) {
      if (name === 'mx.example.org') return ['127.0.0.1'];
      throw dnsError('ENOTFOUND');
    },
    async resolve6() {
      throw dnsError('ENODATA');
    },
  };
}

/** A mailauth resolver answering DKIM TXT queries from our dkim_keys table. */
export function dkimResolver(app: TestApp) {
  return async (name: string, rrtype: string) => {
    if (rrtype === 'TXT') {
      const m = /^([^.]+)\._domainkey\.(.+)$/.exec(name);
      if (m) {
        const row = await app.ctx.store.db
          .selectFrom('dkim_keys')
          .innerJoin('domains', 'domains.id', 'dkim_keys.domain_id')
          .select(['dkim_keys.algorithm', 'dkim_keys.public_key'])
          .where('dkim_keys.selector', '=', m[1])
          .where('domains.name', '=', m[2])
          .executeTakeFirst();
        if (row) return [[`v=DKIM1; k=${row.algorithm}; p=${row.public_key}`]];
      }
    }
    throw dnsError('ENOTFOUND');
  };
}

export interface LogLine {
  event?: string;
  [k: string]: unknown;
}

export interface SendEnv {
  app: TestApp;
  sink: Sink;
  submission: { port: number; securePort?: number; close(): Promise<void> };
  worker: OutboundWorker;
  logs: LogLine[];
  /** Injected clock: tests move time with `clock.now += …`. */
  clock: { now: number };
  alice: { id: AccountId; address: string; password: string };
  bob: { id: AccountId; address: string; password: string };
  stop(): Promise<void>;
}

export async function startSendEnv(overrides: ConfigInput = {}, workerOpts: WorkerOptions = {}, sinkOpts: { auth?: { user: string; pass: string } } = {}): Promise<SendEnv> {
  const logs: LogLine[] = [];
  const stream = new Writable({
    write(chunk, _e, cb) {
      for (const line of chunk.toString().split('\n')) if (line) logs.push(JSON.parse(line));
      cb();
    },
  });
  const clock = { now: Date.now() };
  const log = pino({ level: 'info' }, stream);
  // PREAU_TEST_SEND_PG=1 (with PREAU_TEST_PG) runs the sending tests on PostgreSQL.
  const pg = !!(process.env.PREAU_TEST_SEND_PG && process.env.PREAU_TEST_PG);
  const app = await startTestApp({ submissionsPort: 0, ...overrides }, { log, clock: () => clock.now, pg });
  const sink = await startSink(sinkOpts);
  const submission = await startSubmissionServer(app.ctx, { port: 0, securePort: 0, host: '127.0.0.1' });
  const worker = startOutboundWorker(app.ctx, { resolver: fakeResolver(), portFor: () => sink.port, autoStart: false, timeoutMs: 5000, ...workerOpts });
  const a = await app.account('Alice', 'Durand');
  const b = await app.account('Bruno', 'Petit');
  return {
    app,
    sink,
    submission,
    worker,
    logs,
    clock,
    alice: { ...a, id: a.id as AccountId },
    bob: { ...b, id: b.id as AccountId },
    async stop() {
      await worker.stop();
      await submission.close();
      await sink.close();
      await app.stop();
    },
  };
}

/** Messages of a mailbox (by role) of an account, oldest first, with their bytes and flags. */
export async function mailboxOf(app: TestApp, accountId: number, role: string) {
  const rows = await app.ctx.store.db
    .selectFrom('mailbox_messages')
    .innerJoin('mailboxes', 'mailboxes.id', 'mailbox_messages.mailbox_id')
    .innerJoin('messages', 'messages.id', 'mailbox_messages.message_id')
    .innerJoin('bodies', 'bodies.id', 'messages.body_id')
    .select(['mailbox_messages.uid', 'mailbox_messages.flags', 'bodies.subject', 'messages.blob_id'])
    .where('mailbox_messages.account_id', '=', accountId)
    .where('mailboxes.role', '=', role)
    .where('mailbox_messages.expunged_modseq', 'is', null)
    .orderBy('mailbox_messages.uid')
    .execute();
  return Promise.all(rows.map(async (r) => ({ ...r, raw: await app.ctx.blobs.get(r.blob_id as any) })));
}

export function recipientRows(app: TestApp) {
  return app.ctx.store.db.selectFrom('queue_recipients').selectAll().orderBy('id').execute();
}
