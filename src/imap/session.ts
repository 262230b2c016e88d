/** One IMAP connection: states, command dispatch, pipelining, unsolicited updates, IDLE waits.
 *  RFC 9051 §3 (states), §5.5 (pipelining), §7.5.1 (no EXPUNGE during FETCH/STORE/SEARCH), RFC 7162. */
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { AppContext } from '../context.ts';
import type { AccountId, ModSeq, SessionId, StateChange, Uid } from '../store/ids.ts';
import { getMailbox } from '../mail/mailboxes.ts';
import { listUids } from '../mail/messages.ts';
import { changedSince, vanishedSince } from '../mail/changes.ts';
import { Receiver } from './proto/receiver.ts';
import { atom, formatResponse, type Response, type Value } from './proto/format.ts';
import type { Request } from './proto/types.ts';
import { capabilityList } from './capabilities.ts';
import { loginAllowed } from './auth.ts';
import type { Selected } from './selected.ts';
import type { Done } from './done.ts';
import { errorDone } from './errors.ts';
import { Output } from './compression.ts';
import type { ConnectionCaps } from './connection-caps.ts';

export type ImapState = 'not-authenticated' | 'authenticated' | 'selected' | 'logout';

export interface SessionOptions {
  secure: boolean;
  /** Upgrade the socket for STARTTLS; absent when no certificate is configured. */
  startTls?: (socket: Socket) => Socket;
  appendLimit: number;
  maxBadCommands: number;
  /** The command table (commands/index.ts), given by the server so this file does not import it. */
  commands: { [name: string]: { states: readonly ImapState[]; run(s: Session, req: never): Promise<Done> } | undefined };
  /** Connection caps shared by the server's sessions (per address, per account). */
  caps?: ConnectionCaps;
}

type IdleWake = { kind: 'line'; text: string } | { kind: 'change' } | { kind: 'shutdown' };

// Limit: stop reading from the socket while this many octets wait unparsed (pipelining bound).
const MAX_BUFFERED = 1024 * 1024;
// Limit: a connection that has not signed in may stay silent 60 s; a signed-in one 31 minutes
// (RFC 9051 §5.4 asks for at least 30; clients renew IDLE every 29 minutes, RFC 2177).
const PREAUTH_TIMEOUT_MS = 60_000;
const IDLE_TIMEOUT_MS = 31 * 60_000;

export class Session {
  // randomUUID() returns a rope of 14 concatenated pieces (450 octets kept for the life of the
  // connection); the Buffer round trip makes it one flat 36-octet string.
  readonly id: SessionId = Buffer.from(randomUUID(), 'latin1').toString('latin1') as SessionId;
  readonly ctx: AppContext;
  readonly ip: string;
  readonly opts: SessionOptions;
  socket: Socket;
  secure: boolean;
  receiver: Receiver;
  state: ImapState = 'not-authenticated';
  account: AccountId | null = null;
  address = '';
  selected: Selected | null = null;
  /** ENABLEd extensions (RFC 5161): CONDSTORE, QRESYNC, UTF8=ACCEPT, IMAP4rev2. */
  enabled = new Set<string>();
  #bad = 0;
  #busy = false;
  #pumping = false;
  #lineWaiter: ((text: string) => void) | null = null;
  #idleWake: ((w: IdleWake) => void) | null = null;
  #dirty = false;
  #unsubscribe: (() => void) | null = null;
  #closed = false;
  /** RFC 4978: the compressors once COMPRESS DEFLATE succeeded. */
  #output: Output;
  /** Highest MODSEQ sent in an untagged FETCH during the current command (QRESYNC sessions). */
  #modseqSent = 0;
  /** The modseq the oldest held expunge was read from: every held one is above it. */
  #heldFloor = 0;
  /** Modseq of this session's last own change to the selected mailbox. */
  #own: { sel: Selected | null; modseq: number } = { sel: null, modseq: 0 };

  constructor(ctx: AppContext, socket: Socket, opts: SessionOptions) {
    this.ctx = ctx;
    this.socket = socket;
    this.#output = new Output(socket);
    this.opts = opts;
    this.secure = opts.secure;
    this.ip = socket.remoteAddress ?? '';
    // RFC 7888 §4 (LITERAL+): {n+} accepted up to the literal limits; a larger one gets BAD [TOOBIG]
    // and its octets are read and dropped (or BYE past the APPEND limit).
    this.receiver = new Receiver({ limits: { maxAppendLiteral: opts.appendLimit, maxBadCommands: opts.maxBadCommands, maxNonSyncLiteral: null } });
    this.receiver.appendAllowed = false;
    this.#attach(socket);
  }

  get closed(): boolean {
    return this.#closed;
  }

  get utf8(): boolean {
    return this.enabled.has('UTF8=ACCEPT') || this.enabled.has('IMAP4rev2');
  }

  get condstore(): boolean {
    return this.enabled.has('CONDSTORE') || this.enabled.has('QRESYNC');
  }

  capabilities(): string[] {
    return capabilityList({
      secure: this.secure,
      tlsAvailable: !!this.opts.startTls,
      authenticated: this.state !== 'not-authenticated',
      loginAllowed: loginAllowed(this.ctx, this.secure, this.ip),
      appendLimit: this.opts.appendLimit,
      literalPlus: this.receiver.limits.maxNonSyncLiteral === null,
    });
  }

  start(): void {
    this.send({ type: 'untagged', status: 'OK', code: `CAPABILITY ${this.capabilities().join(' ')}`, text: 'Préau IMAP ready' });
  }

  send(r: Response): void {
    if (this.#closed) return;
    if (r.type === 'fetch' && this.enabled.has('QRESYNC')) {
      for (const [name, v] of r.items) if (name === 'MODSEQ' && Array.isArray(v) && typeof v[0] === 'number') this.#modseqSent = Math.max(this.#modseqSent, v[0]);
    }
    this.#output.write(formatResponse(r, { utf8: this.utf8 }));
  }

  /** Writes complete response lines already formatted by proto/format.ts (FETCH fast path). */
  sendText(text: string): void {
    if (this.#closed || !text) return;
    this.#output.write(text);
  }

  get compressed(): boolean {
    return this.#output.compressed;
  }

  /** RFC 4978 §3: raw DEFLATE both ways from the octet after COMPRESS's tagged OK (its `after` hook). */
  startCompression(): void {
    if (this.#output.compressed || this.#closed) return;
    this.#output.compress({
      input: (b) => {
        if (this.#closed) return;
        this.receiver.push(b);
        this.#pump();
      },
      error: () => {
        this.ctx.log.info({ cid: this.id }, 'imap.compress.error');
        this.close();
      },
    });
  }

  /** Replaces the socket after STARTTLS; bytes pipelined before the handshake are dropped (RFC 9051 §6.2.1). */
  replaceSocket(socket: Socket): void {
    this.socket.setTimeout(0);
    this.socket = socket;
    this.#output.socket = socket;
    this.secure = true;
    const appendAllowed = this.receiver.appendAllowed;
    this.receiver = new Receiver({ limits: this.receiver.limits, utf8: this.utf8 });
    this.receiver.appendAllowed = appendAllowed;
    this.#attach(socket);
  }

  #attach(socket: Socket): void {
    socket.on('data', (chunk: Buffer) => {
      if (socket !== this.socket) return;
      if (this.#output.inflate(chunk)) return;
      this.receiver.push(chunk);
      this.#pump();
    });
    socket.on('error', () => this.close());
    // RFC 9051 §5.4: autologout after inactivity (at least 30 minutes once signed in).
    socket.setTimeout(this.state === 'not-authenticated' ? PREAUTH_TIMEOUT_MS : IDLE_TIMEOUT_MS);
    socket.on('timeout', () => {
      if (socket === this.socket) this.#fatal('Autologout; idle for too long');
    });
    socket.on('close', () => {
      if (socket === this.socket) this.close();
    });
  }

  /** Signs in: state → authenticated, change feed subscription (own changes skipped). */
  authenticated(account: AccountId, address: string): void {
    this.account = account;
    this.address = address;
    this.state = 'authenticated';
    this.receiver.appendAllowed = true;
    this.socket.setTimeout(IDLE_TIMEOUT_MS);
    this.#unsubscribe = this.ctx.store.feed.subscribe((c) => this.#onChange(c));
  }

  #onChange(c: StateChange): void {
    if (c.account !== this.account) return;
    const sel = this.selected;
    // This session's own change, reported by its own responses (RFC 7162 §6 resync point below).
    if (c.origin === this.id) {
      if (sel && (!c.mailboxes || c.mailboxes.has(sel.id))) this.#own = { sel, modseq: Math.max(this.#own.sel === sel ? this.#own.modseq : 0, c.modseq) };
      return;
    }
    if (sel && c.mailboxes && !c.mailboxes.has(sel.id)) return;
    // Coalesced: one flag, however many commits arrive before the next sync.
    this.#dirty = true;
    this.#idleWake?.({ kind: 'change' });
  }

  /** Marks the selected mailbox as changed by this session in a way no response reported yet. */
  markDirty(): void {
    this.#dirty = true;
  }

  /** Reads one raw line (AUTHENTICATE continuation). */
  readLine(): Promise<string> {
    return new Promise((resolve) => {
      this.#lineWaiter = resolve;
      queueMicrotask(() => this.#pump());
    });
  }

  /** Waits for the client's next line, a change signal or shutdown (IDLE, RFC 2177). */
  waitIdle(): Promise<IdleWake> {
    if (this.#closed) return Promise.resolve({ kind: 'shutdown' });
    if (this.#dirty) return Promise.resolve({ kind: 'change' });
    return new Promise((resolve) => {
      const done = (w: IdleWake) => {
        this.#idleWake = null;
        this.#lineWaiter = null;
        resolve(w);
      };
      this.#idleWake = done;
      this.#lineWaiter = (text) => done({ kind: 'line', text });
      queueMicrotask(() => this.#pump());
    });
  }

  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (!this.#closed) {
        if (this.#lineWaiter) {
          const ev = this.receiver.nextLine();
          if (ev.kind === 'line') {
            const w = this.#lineWaiter;
            this.#lineWaiter = null;
            w(ev.text);
            continue;
          }
          if (ev.kind === 'error') this.#fatal(ev.error.message);
          break;
        }
        if (this.#busy) break;
        const ev = this.receiver.next();
        if (ev.kind === 'need-more') break;
        if (ev.kind === 'need-literal') this.#output.write('+ Ready for literal data\r\n');
        else if (ev.kind === 'error') this.#protocolError(ev.tag, ev.status, ev.code, ev.error.message, ev.fatal);
        else if (ev.kind === 'request') {
          this.#busy = true;
          void this.#run(ev.request).finally(() => {
            this.#busy = false;
            if (!this.#closed) this.#pump();
          });
        }
      }
    } finally {
      this.#pumping = false;
    }
    // Backpressure: a client pipelining faster than we answer waits in its own socket buffer.
    if (this.#busy && this.receiver.buffered > MAX_BUFFERED) this.socket.pause();
    else this.socket.resume();
  }

  #protocolError(tag: string | null, status: 'BAD' | 'NO', code: string | null, text: string, fatal: boolean): void {
    if (fatal) return this.#fatal(text, code);
    const c = code ?? undefined;
    if (tag) this.send({ type: 'tagged', tag, status, code: c, text });
    else this.send({ type: 'untagged', status: 'BAD', code: c, text });
    if (status === 'BAD' && ++this.#bad > this.opts.maxBadCommands) this.#fatal('too many bad commands');
  }

  #fatal(text: string, code: string | null = null): void {
    this.send({ type: 'untagged', status: 'BYE', code: code ?? undefined, text });
    this.close();
  }

  async #run(req: Request): Promise<void> {
    const entry = this.opts.commands[req.command];
    let done: Done;
    if (!entry) done = { status: 'BAD', text: `${req.command} is not supported` };
    else if (!entry.states.includes(this.state)) done = { status: 'BAD', text: `${req.command} not allowed now` };
    else {
      try {
        done = await entry.run(this, req as never);
      } catch (e) {
        done = errorDone(this.ctx.log, this.id, e);
      }
    }
    if (this.#closed) return;
    if (done.status === 'BAD') {
      if (++this.#bad > this.opts.maxBadCommands) return this.#fatal('too many bad commands');
    } else this.#bad = 0;
    // RFC 9051 §7.5.1: no EXPUNGE while answering FETCH, STORE or SEARCH (UID variants may).
    const uid = 'uid' in req.args && req.args.uid === true;
    const holdExpunge = !uid && (req.command === 'FETCH' || req.command === 'STORE' || req.command === 'SEARCH' || req.command === 'SORT' || req.command === 'THREAD');
    const qresync = this.enabled.has('QRESYNC') && this.selected !== null && done.status === 'OK';
    if (!done.skipSync) await this.sync(!holdExpunge).catch((e) => this.ctx.log.warn({ err: (e as Error).message, cid: this.id }, 'imap.sync.failed'));
    if (qresync && this.selected) {
      // RFC 7162 §6, §3.2: without a HIGHESTMODSEQ code the client resumes from the highest MODSEQ
      // it saw, and would never hear of an expunge still held back (§7.5.1) or read before that
      // MODSEQ was sent. The safe point: everything at or below it has been reported. With nothing
      // held and no other session's change pending, this session's own changes (all reported in
      // its responses; others committed before them were signalled first) move it forward.
      const sel = this.selected;
      const own = this.#own.sel === sel ? this.#own.modseq : 0;
      const safe = sel.held.size ? Math.min(this.#heldFloor, sel.modseq) : this.#dirty ? sel.modseq : Math.max(sel.modseq, own);
      // RFC 7162 §3.2.7, §3.2.9, RFC 6851 §4.4: EXPUNGE, UID EXPUNGE and MOVE give a QRESYNC client
      // the new HIGHESTMODSEQ in their tagged OK.
      if ((req.command === 'EXPUNGE' || req.command === 'MOVE') && !done.code) done = { ...done, code: `HIGHESTMODSEQ ${safe}` };
      else if (this.#modseqSent > safe) this.send({ type: 'untagged', status: 'OK', code: `HIGHESTMODSEQ ${safe}`, text: 'resynchronize from here' });
    }
    this.#modseqSent = 0;
    this.send({ type: 'tagged', tag: req.tag, status: done.status, code: done.code, text: done.text });
    if (done.after) {
      // STARTTLS and COMPRESS change the stream: the tagged OK leaves first, as plain octets.
      this.#output.flush();
      done.after();
    }
  }

  /**
   * Tells the client what changed in the selected mailbox since it last heard: new messages
   * (EXISTS), expunged ones (EXPUNGE, or VANISHED with QRESYNC, RFC 7162 §3.2.10) and flag changes
   * (FETCH). Runs only when a change signal arrived (coalesced), and reads only what changed since
   * the last reported modseq: live placements with a higher modseq (new UIDs and flag changes) and
   * tombstones with a higher expunge modseq. When tombstones that old were purged, the whole UID
   * list is compared instead.
   */
  async sync(allowExpunge: boolean): Promise<void> {
    const sel = this.selected;
    if (!sel || this.account === null) {
      this.#dirty = false;
      return;
    }
    if (!this.#dirty) return;
    this.#dirty = false;
    const { store } = this.ctx;
    const account = this.account;
    const mb = await getMailbox(store, account, sel.id, { counts: false });
    if (!mb) {
      // The mailbox was deleted or renamed away by another session.
      return this.#fatal('the selected mailbox no longer exists');
    }
    if (mb.highestModseq > sel.modseq) {
      // Every placement change raises the mailbox's HIGHESTMODSEQ (src/mail/placements.ts
      // touchMailboxes / allocUids), so nothing above it is missed; rows above it that committed
      // after the read are reported again at the next sync (a repeated FETCH is harmless).
      const since = sel.modseq;
      const v = await vanishedSince(store, account, sel.id, since);
      const gone = v.complete ? v.uids.filter((u) => sel.seqOf(u) > 0) : await this.#goneByList(sel);
      if (!sel.held.size && gone.length) this.#heldFloor = since;
      for (const u of gone) sel.held.add(u);
      const last = sel.uids.length ? sel.uids[sel.uids.length - 1]! : 0;
      const fresh: Uid[] = [];
      const flagRows: { uid: Uid; flags: string[]; modseq: ModSeq }[] = [];
      for (const r of await changedSince(store, account, sel.id, since)) {
        if (r.uid > last) fresh.push(r.uid);
        else if (!sel.held.has(r.uid)) flagRows.push(r);
      }
      sel.modseq = mb.highestModseq;
      // RFC 9051 §7.5.1: an expunge is reported only where allowed; until then the message keeps
      // its sequence number (held) and new messages are still announced after it.
      if (allowExpunge) this.#flushHeld(sel);
      if (fresh.length) {
        sel.append(fresh);
        this.send({ type: 'exists', count: sel.exists });
      }
      for (const r of flagRows) {
        const seq = sel.seqOf(r.uid);
        if (!seq) continue;
        const items: [string, Value][] = [['UID', r.uid], ['FLAGS', r.flags.map(atom)]];
        if (this.condstore) items.push(['MODSEQ', [r.modseq]]);
        this.send({ type: 'fetch', seq, items });
      }
    } else if (allowExpunge) this.#flushHeld(sel);
    if (sel.held.size && !allowExpunge) this.#dirty = true;
  }

  #flushHeld(sel: Selected): void {
    if (!sel.held.size) return;
    const uids = [...sel.held].sort((a, b) => a - b);
    sel.held.clear();
    this.sendExpunged(uids);
  }

  /** Fallback when tombstones were purged: UIDs of the map that are no longer live. */
  async #goneByList(sel: Selected): Promise<Uid[]> {
    const live = new Set<number>(await listUids(this.ctx.store, this.account!, sel.id));
    return sel.uids.filter((u) => !live.has(u));
  }

  /** Reports expunged UIDs and removes them from the sequence map. */
  sendExpunged(uids: readonly Uid[] | readonly number[]): void {
    const sel = this.selected;
    if (!sel || !uids.length) return;
    if (this.enabled.has('QRESYNC')) {
      // RFC 7162 §3.2.10.2: VANISHED (no EARLIER) names only messages announced by EXISTS and not
      // yet expunged — the client decrements its count once per UID. EXPUNGE can remove a \Deleted
      // message another session added that this one has not heard of yet: left out.
      const known = uids.filter((u) => sel.seqOf(u) > 0);
      sel.remove(known);
      if (known.length) this.send({ type: 'vanished', earlier: false, uids: known });
      return;
    }
    for (const seq of sel.remove(uids)) this.send({ type: 'expunge', seq });
  }

  /** Ends the session (idempotent). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.state = 'logout';
    this.#unsubscribe?.();
    this.#idleWake?.({ kind: 'shutdown' });
    this.#output.end();
  }

  /** Server shutdown: BYE then close (RFC 9051 §7.1.5). */
  shutdown(): void {
    if (this.#closed) return;
    this.send({ type: 'untagged', status: 'BYE', text: 'server shutting down' });
    this.close();
  }

  /** Refuses a connection instead of greeting it: BYE [UNAVAILABLE] then close (RFC 9051 §7.1.5, RFC 5530 §3). */
  refuse(text: string): void {
    this.send({ type: 'untagged', status: 'BYE', code: 'UNAVAILABLE', text });
    this.close();
  }
}

