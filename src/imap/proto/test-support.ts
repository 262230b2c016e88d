/** Test helpers for the IMAP receiver: feed bytes whole or split, collect simplified events. */
import { Receiver, type ReceiverEvent, type ReceiverOptions } from './receiver.ts';

export type Simple =
  | { request: unknown }
  | { literal: number }
  | { error: string; tag: string | null; status: string; code: string | null; fatal: boolean }
  | { line: string };

export function simplify(e: ReceiverEvent): Simple | null {
  switch (e.kind) {
    case 'need-more':
      return null;
    case 'request':
      return { request: e.request };
    case 'need-literal':
      return { literal: e.size };
    case 'line':
      return { line: e.text };
    case 'error':
      return { error: e.error.code, tag: e.tag, status: e.status, code: e.code, fatal: e.fatal };
  }
}

/** Drains events after each chunk. */
export function feed(chunks: Buffer[], opts: ReceiverOptions = {}): Simple[] {
  const r = new Receiver(opts);
  const out: Simple[] = [];
  for (const ch of chunks) {
    r.push(ch);
    for (;;) {
      const e = r.next();
      const s = simplify(e);
      if (!s) break;
      out.push(s);
    }
  }
  return out;
}

/** Every split of `input` into two chunks, plus one octet at a time. */
export function* splits(input: Buffer): Generator<Buffer[]> {
  for (let i = 1; i < input.length; i++) yield [input.subarray(0, i), input.subarray(i)];
  yield [...input].map((b) => Buffer.from([b]));
}
