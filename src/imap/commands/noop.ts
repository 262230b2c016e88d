/** NOOP and CHECK: nothing to do but report pending mailbox updates. RFC 9051 §6.1.2, RFC 3501 §6.4.1. */
import { ANY, AUTH, ok, type Command } from './common.ts';

export const noop: Command<'NOOP'> = {
  states: ANY,
  async run(s) {
    // RFC 9051 §6.1.2: NOOP is the client's poll for updates, so it reads the mailbox state even
    // without a change signal: on SQLite a commit is visible (a FETCH no longer finds an expunged
    // message) before its WAL fsync ends and the signal is published; the poll must not miss it.
    s.markDirty();
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
