/** ENABLE. RFC 5161, RFC 7162 §3.2.3 (QRESYNC implies CONDSTORE), RFC 6855 §3, RFC 9051 §6.3.1. */
import { AUTH, ok, type Command } from './common.ts';

const ENABLEABLE = new Set(['CONDSTORE', 'QRESYNC', 'UTF8=ACCEPT', 'IMAP4REV2']);

export const enable: Command<'ENABLE'> = {
  states: AUTH,
  async run(s, req) {
    const now: string[] = [];
    for (const c of req.args.capabilities) {
      if (!ENABLEABLE.has(c)) continue;
      const name = c === 'IMAP4REV2' ? 'IMAP4rev2' : c;
      if (s.enabled.has(name)) continue;
      s.enabled.add(name);
      now.push(name);
      if (name === 'QRESYNC' && !s.enabled.has('CONDSTORE')) s.enabled.add('CONDSTORE');
    }
    // Mailbox names from now on are UTF-8 (RFC 6855 §3).
    s.receiver.utf8 = s.utf8;
    s.send({ type: 'enabled', caps: now });
    return ok('ENABLE completed');
  },
};
