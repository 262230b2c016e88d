/** AUTHENTICATE PLAIN, with SASL-IR. RFC 9051 §6.2.2, RFC 4959, RFC 4616. */
import { decodePlain } from '../auth.ts';
import { bad, no, NOT_AUTH, type Command } from './common.ts';
import { signIn } from './login.ts';

export const authenticate: Command<'AUTHENTICATE'> = {
  states: NOT_AUTH,
  async run(s, req) {
    if (req.args.mechanism !== 'PLAIN') return no('unsupported mechanism', 'CANNOT');
    let response = req.args.initialResponse;
    if (response === null) {
      s.send({ type: 'continue' });
      response = await s.readLine();
      // RFC 9051 §6.2.2: "*" cancels the exchange.
      if (response === '*') return bad('AUTHENTICATE cancelled');
    }
    // RFC 4959 §3: "=" is an empty initial response.
    const creds = response === '=' ? null : decodePlain(response.trim());
    if (!creds) return bad('malformed PLAIN response');
    // RFC 4616 §2: an authorisation identity other than the user is not supported.
    if (creds.authzid && creds.authzid !== creds.username) return no('authorization identity not allowed', 'AUTHORIZATIONFAILED');
    return signIn(s, creds.username, creds.password);
  },
};
