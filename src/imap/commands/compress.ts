/** COMPRESS is not offered. RFC 4978. */
import { AUTH, no, type Command } from './common.ts';

// TODO(RFC 4978 §3): COMPRESS=DEFLATE with node:zlib raw deflate streams.
export const compress: Command<'COMPRESS'> = {
  states: AUTH,
  async run() {
    return no('compression is not supported', 'CANNOT');
  },
};
