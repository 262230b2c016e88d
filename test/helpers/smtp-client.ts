/** A tiny raw SMTP client for transcript tests (exact bytes, e.g. smuggling attempts). */
import { connect, type Socket } from 'node:net';

export class RawSmtp {
  #sock: Socket;
  #buf = '';
  #waiters: (() => void)[] = [];

  private constructor(sock: Socket) {
    this.#sock = sock;
    sock.on('data', (d) => {
      this.#buf += d.toString('latin1');
      for (const w of this.#waiters.splice(0)) w();
    });
  }

  static async open(port: number): Promise<RawSmtp> {
    const sock = connect(port, '127.0.0.1');
    // As nodemailer and the server do: no Nagle delay, so the small "." line that ends DATA leaves at
    // once instead of waiting for the ACK of the message (up to 40 ms of delayed ACK on Linux).
    sock.setNoDelay(true);
    await new Promise<void>((r, j) => {
      sock.once('connect', () => r());
      sock.once('error', j);
    });
    const c = new RawSmtp(sock);
    await c.reply();
    return c;
  }

  /** Read one complete (possibly multi-line) reply. */
  async reply(): Promise<string> {
    for (;;) {
      const m = /^(?:\d{3}-.*\r\n)*\d{3}(?: .*)?\r\n/.exec(this.#buf);
      if (m) {
        this.#buf = this.#buf.slice(m[0].length);
        return m[0];
      }
      await new Promise<void>((r, j) => {
        const t = setTimeout(() => j(new Error(`no SMTP reply; buffer: ${JSON.stringify(this.#buf)}`)), 10_000);
        this.#waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  async cmd(line: string): Promise<string> {
    this.#sock.write(line + '\r\n');
    return this.reply();
  }

  write(bytes: Buffer | string): void {
    this.#sock.write(bytes);
  }

  close(): void {
    this.#sock.end();
  }
}
