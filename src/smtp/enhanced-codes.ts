/** Enhanced status codes chosen by Préau (RFC 3463, RFC 2034) instead of smtp-server's table. */
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';

// Deviation from smtp-server's behaviour: it derives the enhanced code from the basic reply code
// (554 → 5.6.0, 552 → 5.2.2 …), which is wrong for relay denial (5.7.1) or size (5.3.4). When a
// reply text we give already starts with an enhanced code, send it as is.
const ENHANCED = /^[245]\.\d{1,3}\.\d{1,3} /;
const proto = (SMTPConnection as any).prototype;
if (!proto.__preauEnhanced) {
  const send = proto.send;
  proto.send = function (this: unknown, code: number, data: unknown, context?: unknown) {
    if (typeof data === 'string' && ENHANCED.test(data)) return send.call(this, code, data, false);
    return send.call(this, code, data, context);
  };
  proto.__preauEnhanced = true;
}

export const enhancedCodesInstalled = true;
