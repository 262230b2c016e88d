/** The outgoing octets of one IMAP connection: batched writes, and the COMPRESS=DEFLATE stream layer.
 *  RFC 4978 §3–§4, RFC 1951 (raw DEFLATE). */
import { constants as zc, createDeflateRaw, createInflateRaw, type DeflateRaw, type InflateRaw } from 'node:zlib';
import type { Socket } from 'node:net';

export interface CompressionHooks {
  /** Decompressed octets from the client. */
  input(b: Buffer): void;
  /** The client's stream could not be inflated (the socket is destroyed right after). */
  error(): void;
}

/**
 * RFC 4978 §3: from the octet after the tagged OK of COMPRESS, both directions are raw DEFLATE.
 * Responses go through write(); client octets through input().
 */
export class Compression {
  readonly #deflate: DeflateRaw;
  readonly #inflate: InflateRaw;
  #flushQueued = false;

  constructor(socket: Socket, hooks: CompressionHooks) {
    // A small compressor (level 1, 8 KiB history): responses compress well at any level, and a
    // connection keeps its zlib state for hours. The inflater must accept the client's window (32 KiB).
    const deflate = createDeflateRaw({ level: 1, windowBits: 13, memLevel: 6 });
    const inflate = createInflateRaw();
    deflate.on('data', (b: Buffer) => socket.write(b));
    deflate.on('end', () => {
      socket.end();
      socket.destroySoon?.();
    });
    deflate.on('error', () => socket.destroy());
    inflate.on('data', (b: Buffer) => hooks.input(b));
    // Undecodable input cannot be answered in a stream the client can read: drop the connection.
    inflate.on('error', () => {
      hooks.error();
      socket.destroy();
    });
    this.#deflate = deflate;
    this.#inflate = inflate;
  }

  /** Compressed octets received from the socket. */
  input(chunk: Buffer): void {
    this.#inflate.write(chunk);
  }

  write(data: string | Buffer): void {
    const d = this.#deflate;
    d.write(data);
    // RFC 4978 §4: flush so every response reaches the client; the responses written in the
    // same turn of the event loop share one Z_SYNC_FLUSH.
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      setImmediate(() => {
        this.#flushQueued = false;
        if (!d.destroyed && !d.writableEnded) d.flush(zc.Z_SYNC_FLUSH);
      });
    }
  }

  /** Stops reading the client (first step of closing). */
  stopInput(): void {
    this.#inflate.destroy();
  }

  /** The compressed tail (BYE) is flushed by ending the stream; its 'end' closes the socket. */
  end(): void {
    this.#deflate.end();
  }
}

// Limit: at most this many response octets wait in memory before being written.
const OUT_BATCH = 256 * 1024;

/** Writes responses to the socket (batched per event-loop turn), through DEFLATE once compressed. */
export class Output {
  /** Replaced after STARTTLS. */
  socket: Socket;
  #compression: Compression | null = null;
  #out: Buffer[] = [];
  #outBytes = 0;

  constructor(socket: Socket) {
    this.socket = socket;
  }

  get compressed(): boolean {
    return this.#compression !== null;
  }

  write(data: string | Buffer): void {
    if (this.#compression) return this.#compression.write(data);
    // The responses written in one turn of the event loop leave in one write (one TCP segment
    // for a whole SELECT answer instead of eight, one write per 5 000 FETCH lines; the socket
    // has Nagle off). Limit: at most OUT_BATCH octets wait before being written.
    const b = typeof data === 'string' ? Buffer.from(data) : data;
    if (!this.#out.length) process.nextTick(() => this.flush());
    this.#out.push(b);
    this.#outBytes += b.length;
    if (this.#outBytes >= OUT_BATCH) this.flush();
  }

  /** Writes the batched octets now (before STARTTLS / COMPRESS change the stream). */
  flush(): void {
    if (!this.#out.length) return;
    const data = this.#out.length === 1 ? this.#out[0]! : Buffer.concat(this.#out, this.#outBytes);
    this.#out = [];
    this.#outBytes = 0;
    if (!this.socket.destroyed) this.socket.write(data);
  }

  /** RFC 4978 §3: both directions are DEFLATE from now on. */
  compress(hooks: CompressionHooks): void {
    this.#compression ??= new Compression(this.socket, hooks);
  }

  /** Sends socket octets to the inflater when compressed; false when they are plain. */
  inflate(chunk: Buffer): boolean {
    if (!this.#compression) return false;
    this.#compression.input(chunk);
    return true;
  }

  /** Flushes what is pending (the BYE) and closes the socket. */
  end(): void {
    this.#compression?.stopInput();
    this.flush();
    if (this.#compression) return this.#compression.end();
    this.socket.end();
    this.socket.destroySoon?.();
  }
}
