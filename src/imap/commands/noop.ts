/** NOOP and CHECK: nothing to do but report pending mailbox updates. RFC 9051 §6.1.2, RFC 3501 §6.4.1. */
import { ANY, AUTH, ok, type Command } from './common.ts';

export const noop: Command<'NOOP'> = {
  states: ANY,
  async run() {
    return ok('NOOP completed');
  },
};

// CHECK exists in IMAP4rev1 only; it behaves as NOOP here (every write is already durable).
export const check: Command<'CHECK'> = {
  states: AUTH,
  async run() {
    return ok('CHECK completed');
  },
};
