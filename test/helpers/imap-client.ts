/** A raw IMAP transcript client for scenario tests: send a command, await its tagged completion. */
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';

export interface Reply {
  /** Untagged and continuation lines, CRLF removed (literal octets stay inline). */
  lines: string[];
  /** The tagged completion line. */
  tagged: string;
}

export class RawImap {
  socket: Socket | TLSSocket;
  #buf = '';
  #waiters: (() => void)[] = [];
  #n = 0;
  closed = false;

  constructor(socket: Socket | TLSSocket) {
    this.socket = socket;
    this.#listen();
  }

  #listen(): void {
    this.socket.setEncoding('utf8');
    this.socket.on('data', (d: string) => {
      this.#buf += d;
      for (const w of this.#waiters.splice(0)) w();
    });
    // A reset after the server's BYE is an ordinary end here, not a test crash.
    this.socket.on('error', () => {
      this.closed = true;
    });
    this.socket.on('close', () => {
      this.closed = true;
      for (const w of this.#waiters.splice(0)) w();
    });
  }

  static async connect(port: number): Promise<{ c: RawImap; greeting: string }> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((r, j) => socket.once('connect', r).once('error', j));
    const c = new RawImap(socket);
    return { c, greeting: await c.line() };
  }

  /** Resolves on the next complete line. */
  async line(): Promise<string> {
    for (;;) {
      const i = this.#buf.indexOf('\r\n');
      if (i >= 0) {
        const l = this.#buf.slice(0, i);
        this.#buf = this.#buf.slice(i + 2);
        return l;
      }
      if (this.closed) throw new Error('connection closed');
      await new Promise<void>((r) => this.#waiters.push(r));
    }
  }

  write(raw: string | Buffer): void {
    this.socket.write(raw);
  }

  /** Sends `tag command` and collects lines up to the tagged completion. */
  async cmd(command: string, tag = `t${++this.#n}`): Promise<Reply> {
    this.write(`${tag} ${command}\r\n`);
    return this.until(tag);
  }

  async until(tag: string): Promise<Reply> {
    const lines: string[] = [];
    for (;;) {
      const l = await this.line();
      if (l.startsWith(tag + ' ')) return { lines, tagged: l };
      lines.push(l);
    }
  }

  /** Upgrades after a STARTTLS OK. */
  async startTls(): Promise<void> {
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('close');
    this.socket.removeAllListeners('error');
    const s = tlsConnect({ socket: this.socket as Socket, rejectUnauthorized: false });
    await new Promise<void>((r, j) => s.once('secureConnect', r).once('error', j));
    this.socket = s;
    this.#listen();
  }

  close(): void {
    this.socket.destroy();
  }
}
