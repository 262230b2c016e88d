/** COPY and MOVE (and their UID forms). RFC 9051 §6.4.7–6.4.8, RFC 6851 (MOVE), RFC 4315 (COPYUID). */
import { getMailboxByName } from '../../mail/mailboxes.ts';
import { copyMessages, moveMessages } from '../../mail/messages.ts';
import { trainAfterTransfer } from '../../security/training.ts';
import { codes } from '../proto/format.ts';
import type { RequestOf } from '../proto/types.ts';
import { toRanges } from '../selected.ts';
import type { Session } from '../session.ts';
import { no, ok, SELECTED, type Command, type Done } from './common.ts';

async function transfer(s: Session, req: RequestOf<'COPY'> | RequestOf<'MOVE'>, move: boolean): Promise<Done> {
  const a = req.args;
  const sel = s.selected!;
  const { store } = s.ctx;
  if (move && sel.readOnly) return no('mailbox is read-only', 'READ-ONLY');
  const dest = await getMailboxByName(store, s.account!, a.mailbox, { counts: false });
  // RFC 9051 §6.4.7: a missing destination → NO [TRYCREATE].
  if (!dest) return no('no such mailbox', 'TRYCREATE');
  const uids = sel.resolve(a.set, a.uid);
  if (!uids.length) return ok(`${req.command} completed`);
  const name = req.command;
  if (!move) {
    // No origin: when the target is the selected mailbox, the feed brings the EXISTS back to us.
    const r = await copyMessages(store, s.account!, sel.id, toRanges(uids), dest.id);
    // Into Junk teaches spam, out of it ham (never throws; the copy has committed).
    await trainAfterTransfer(s.ctx, s.account!, sel.id, dest.id, r.map.map((m) => m.dst));
    if (dest.id === sel.id) s.markDirty();
    return ok(`${name} completed`, r.map.length ? codes.copyUid(r.uidValidity, r.map.map((m) => m.src), r.map.map((m) => m.dst)) : undefined);
  }
  const r = await moveMessages(store, s.account!, sel.id, toRanges(uids), dest.id, { origin: s.id });
  await trainAfterTransfer(s.ctx, s.account!, sel.id, dest.id, r.map.map((m) => m.dst));
  // RFC 6851 §4.3: COPYUID in an untagged OK before the EXPUNGEs, then the tagged OK.
  if (r.map.length) s.send({ type: 'untagged', status: 'OK', code: codes.copyUid(r.uidValidity, r.map.map((m) => m.src), r.map.map((m) => m.dst)), text: 'moved' });
  s.sendExpunged(r.map.map((m) => m.src));
  if (dest.id === sel.id) s.markDirty();
  return ok(`${name} completed`);
}

export const copy: Command<'COPY'> = { states: SELECTED, run: (s, req) => transfer(s, req, false) };
export const move: Command<'MOVE'> = { states: SELECTED, run: (s, req) => transfer(s, req, true) };
