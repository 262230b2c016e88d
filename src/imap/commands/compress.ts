/** COMPRESS DEFLATE. RFC 4978 §3, RFC 5530 §3 (COMPRESSIONACTIVE). */
import { AUTH, bad, no, type Command } from './common.ts';

export const compress: Command<'COMPRESS'> = {
  states: AUTH,
  async run(s, req) {
    // RFC 4978 §3: "DEFLATE" is the only mechanism; an unknown one is BAD.
    if (req.args.mechanism.toUpperCase() !== 'DEFLATE') return bad('unknown compression mechanism');
    if (s.compressed) return no('DEFLATE already active', 'COMPRESSIONACTIVE');
    return {
      status: 'OK',
      text: 'DEFLATE active',
      // RFC 4978 §3: compression starts right after the CRLF of this tagged OK; pending updates
      // are sent later, compressed.
      skipSync: true,
      after: () => s.startCompression(),
    };
  },
};
