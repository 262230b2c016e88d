/** IDLE: a race between the client's DONE, a change signal and shutdown. RFC 2177, RFC 9051 §6.3.13. */
import { AUTH, bad, ok, type Command } from './common.ts';


export const idle: Command<'IDLE'> = {
  states: AUTH,
  async run(s) {
    s.send({ type: 'continue', text: 'idling' });
    s.ctx.log.debug({ cid: s.id }, 'imap.idle.start');
    for (;;) {
      await s.sync(true);
      const w = await s.waitIdle();
      if (w.kind === 'change') continue;
      if (w.kind === 'shutdown') return ok('IDLE terminated');
      // An IDLE left for over 31 minutes ends with BYE by the session's inactivity timer (RFC 9051 §5.4).
      return w.text.trim().toUpperCase() === 'DONE' ? ok('IDLE terminated') : bad('expected DONE');
    }
  },
};
