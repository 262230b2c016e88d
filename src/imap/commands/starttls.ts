/** STARTTLS. RFC 9051 §6.2.1, RFC 8314. */
import { bad, NOT_AUTH, type Command } from './common.ts';

export const starttls: Command<'STARTTLS'> = {
  states: NOT_AUTH,
  async run(s) {
    const upgrade = s.opts.startTls;
    if (s.secure || !upgrade) return bad('TLS already active or not available');
    return {
      status: 'OK',
      text: 'Begin TLS negotiation now',
      skipSync: true,
      // The handshake starts once the tagged OK is written; anything the client pipelined after
      // STARTTLS in clear is discarded with the old receiver (RFC 9051 §6.2.1, command injection).
      after: () => s.replaceSocket(upgrade(s.socket)),
    };
  },
};
