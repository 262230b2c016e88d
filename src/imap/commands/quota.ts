/** GETQUOTA, GETQUOTAROOT, SETQUOTA: one STORAGE root "" per account. RFC 9208 §4.2–4.4, §5.1. */
import { getMailboxByName } from '../../mail/mailboxes.ts';
import { getQuota } from '../../mail/quota.ts';
import type { Session } from '../session.ts';
import { AUTH, no, ok, type Command } from './common.ts';

async function sendQuota(s: Session): Promise<void> {
  const q = await getQuota(s.ctx.store, s.account!);
  // RFC 9208 §5.1: STORAGE is counted in units of 1024 octets.
  if (q) s.send({ type: 'quota', root: '', resources: [{ name: 'STORAGE', usage: Math.ceil(q.used / 1024), limit: Math.floor(q.limit / 1024) }] });
}

export const getquota: Command<'GETQUOTA'> = {
  states: AUTH,
  async run(s, req) {
    if (req.args.root !== '') return no('no such quota root', 'NONEXISTENT');
    await sendQuota(s);
    return ok('GETQUOTA completed');
  },
};

export const getquotaroot: Command<'GETQUOTAROOT'> = {
  states: AUTH,
  async run(s, req) {
    const mb = await getMailboxByName(s.ctx.store, s.account!, req.args.mailbox, { counts: false });
    if (!mb) return no('no such mailbox', 'NONEXISTENT');
    s.send({ type: 'quotaroot', mailbox: mb.name, roots: [''] });
    await sendQuota(s);
    return ok('GETQUOTAROOT completed');
  },
};

export const setquota: Command<'SETQUOTA'> = {
  states: AUTH,
  async run() {
    // RFC 9208 §4.1.3: quotas are set by administrators (preau account quota), not by users.
    return no('quotas are set by the administrator', 'NOPERM');
  },
};
