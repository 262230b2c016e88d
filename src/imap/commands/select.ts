/** SELECT and EXAMINE, with CONDSTORE and QRESYNC. RFC 9051 §6.3.2–6.3.3, RFC 7162 §3.1.8 and §3.2.5, RFC 8474 §4.2 (MAILBOXID). */
import { getMailboxByName } from '../../mail/mailboxes.ts';
import { changedSince, vanishedSince } from '../../mail/changes.ts';
import { atom, codes } from '../proto/format.ts';
import type { QresyncParam, RequestOf } from '../proto/types.ts';
import { Selected } from '../selected.ts';
import { selectUids } from '../uid-cache.ts';
import type { Session } from '../session.ts';
import { AUTH, bad, no, ok, type Command, type Done } from './common.ts';

/** Flags the server knows; keywords beyond these may be created (PERMANENTFLAGS \*). */
export const FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft', '$Forwarded', '$MDNSent', '$Junk', '$NotJunk', '$Phishing'];

async function open(s: Session, req: RequestOf<'SELECT'> | RequestOf<'EXAMINE'>, readOnly: boolean): Promise<Done> {
  const { store } = s.ctx;
  const account = s.account!;
  const a = req.args;
  if (a.qresync && !s.enabled.has('QRESYNC')) return bad('QRESYNC must be enabled first');
  // RFC 9051 §6.3.2: a SELECT deselects the current mailbox first, even when it fails.
  if (s.selected) {
    s.selected = null;
    s.state = 'authenticated';
    // RFC 7162 §3.2.11: with QRESYNC, the end of the old mailbox's updates is marked by [CLOSED].
    if (s.enabled.has('QRESYNC')) s.send({ type: 'untagged', status: 'OK', code: 'CLOSED', text: 'previous mailbox closed' });
  }
  // RFC 7162 §3.1.8: SELECT (CONDSTORE) enables CONDSTORE.
  if (a.condstore) s.enabled.add('CONDSTORE');
  const mb = await getMailboxByName(store, account, a.mailbox, { counts: false });
  if (!mb) return no('no such mailbox', 'NONEXISTENT');
  // From the process-wide cache, brought up to date from the change log (uid-cache.ts).
  const uids = await selectUids(store, account, mb.id, mb.highestModseq);
  const sel = new Selected({ id: mb.id, name: mb.name, readOnly, uidValidity: mb.uidValidity, uids, modseq: mb.highestModseq });
  s.send({ type: 'flags', flags: FLAGS });
  s.send({ type: 'exists', count: uids.length });
  if (!s.enabled.has('IMAP4rev2')) s.send({ type: 'recent', count: 0 });
  s.send({ type: 'untagged', status: 'OK', code: codes.permanentFlags(readOnly ? [] : [...FLAGS, '\\*']), text: 'flags' });
  s.send({ type: 'untagged', status: 'OK', code: codes.uidValidity(mb.uidValidity), text: 'UIDs valid' });
  s.send({ type: 'untagged', status: 'OK', code: codes.uidNext(mb.uidNext), text: 'next UID' });
  // RFC 7162 §3.1.2.1: HIGHESTMODSEQ on every SELECT by a server with persistent modseqs.
  s.send({ type: 'untagged', status: 'OK', code: codes.highestModseq(mb.highestModseq), text: 'highest modseq' });
  // RFC 8474 §4.2: the mailbox's object id.
  s.send({ type: 'untagged', status: 'OK', code: `MAILBOXID (m${mb.id})`, text: 'mailbox id' });
  // RFC 9051 §6.3.2: IMAP4rev2 answers with the mailbox's LIST data.
  if (s.enabled.has('IMAP4rev2')) s.send({ type: 'list', attributes: [], delimiter: '/', mailbox: mb.name });
  if (a.qresync && a.qresync.uidValidity === mb.uidValidity) await resync(s, sel, a.qresync);
  s.selected = sel;
  s.state = 'selected';
  return ok(`${req.command} completed`, readOnly ? 'READ-ONLY' : 'READ-WRITE');
}

/** RFC 7162 §3.2.5.1: VANISHED (EARLIER) and FETCH for what changed since the client's modseq. */
async function resync(s: Session, sel: Selected, q: QresyncParam): Promise<void> {
  const { store } = s.ctx;
  const known = q.knownUids && q.knownUids !== '$' ? q.knownUids.map((r) => ({ start: r.start === '*' ? Number.MAX_SAFE_INTEGER : r.start, end: r.end === '*' ? Number.MAX_SAFE_INTEGER : r.end })) : undefined;
  const v = await vanishedSince(store, s.account!, sel.id, q.modseq, known);
  if (v.uids.length) s.send({ type: 'vanished', earlier: true, uids: v.uids });
  for (const c of await changedSince(store, s.account!, sel.id, q.modseq)) {
    const seq = sel.seqOf(c.uid);
    if (seq) s.send({ type: 'fetch', seq, items: [['UID', c.uid], ['FLAGS', c.flags.map(atom)], ['MODSEQ', [c.modseq]]] });
  }
}

export const select: Command<'SELECT'> = { states: AUTH, run: (s, req) => open(s, req, false) };
export const examine: Command<'EXAMINE'> = { states: AUTH, run: (s, req) => open(s, req, true) };
