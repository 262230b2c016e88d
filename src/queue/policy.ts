/** Submission policy: who may send as which address, per-account hourly limits. RFC 6409 §4.1, §6.1; RFC 3463 5.7.1 / 4.7.1. */
import { sql } from 'kysely';
import type { AccountId } from '../store/ids.ts';
import type { WriteTx } from '../store/store.ts';
import { listAddresses } from '../accounts/service.ts';
import { SubmissionError, type SendCtx } from './context.ts';

const HOUR = 3_600_000;

/**
 * May `account` use `address` as envelope sender or in From:? Its own addresses and aliases, and
 * the address of any group it is a member of. RFC 6409 §6.1: the MSA may reject a submission whose
 * sender is not authorised for the authenticated identity.
 */
export async function maySendAs(ctx: SendCtx, account: AccountId, address: string): Promise<boolean> {
  const a = address.trim().toLowerCase();
  if (!a) return false;
  const own = await listAddresses(ctx.store, account);
  if (own.some((r) => r.address.toLowerCase() === a)) return true;
  const g = await ctx.store.db
    .selectFrom('groups')
    .innerJoin('group_members', 'group_members.group_id', 'groups.id')
    .select('groups.id')
    .where('group_members.account_id', '=', account)
    .where(sql`lower(groups.address)`, '=', a)
    .executeTakeFirst();
  return !!g;
}

/** Refuse with 550 5.7.1 unless the account may send as every address given. */
export async function checkSenders(ctx: SendCtx, account: AccountId, mailFrom: string, headerFrom: string[] | null): Promise<void> {
  if (!(await maySendAs(ctx, account, mailFrom))) {
    throw new SubmissionError('SENDER_NOT_ALLOWED', 550, '5.7.1', `Sender address <${mailFrom}> is not one of your addresses / L'adresse d'expedition <${mailFrom}> n'est pas l'une de vos adresses`);
  }
  if (headerFrom === null) return;
  if (!headerFrom.length) throw new SubmissionError('SENDER_NOT_ALLOWED', 550, '5.7.1', 'The message has no From: address / Le message n\'a pas d\'adresse From:');
  for (const f of headerFrom) {
    if (!(await maySendAs(ctx, account, f))) {
      throw new SubmissionError('SENDER_NOT_ALLOWED', 550, '5.7.1', `From: <${f}> is not one of your addresses / L'adresse From: <${f}> n'est pas l'une de vos adresses`);
    }
  }
}

/** Current hour's counters for the account (read-only, for an early check at MAIL FROM). */
export async function hourlyUsage(ctx: SendCtx, account: AccountId, now: number): Promise<{ messages: number; recipients: number }> {
  const r = await ctx.store.db.selectFrom('submission_counters').select(['messages', 'recipients']).where('account_id', '=', account).where('hour', '=', Math.floor(now / HOUR)).executeTakeFirst();
  return { messages: Number(r?.messages ?? 0), recipients: Number(r?.recipients ?? 0) };
}

/** Refuse with 451 4.7.1 when one more message (with `rcpts` recipients) would pass a hard limit. */
export function checkLimits(ctx: SendCtx, used: { messages: number; recipients: number }, rcpts: number): void {
  const c = ctx.config;
  if (used.messages + 1 > c.submissionHourlyMessagesLimit || used.recipients + rcpts > c.submissionHourlyRecipientsLimit) {
    throw new SubmissionError('RATE_LIMITED', 451, '4.7.1', 'Hourly sending limit reached, try again later / Limite d\'envoi horaire atteinte, reessayez plus tard');
  }
}

/**
 * Count one message inside a write transaction, refusing past the hard limit when `enforce`
 * (otherwise the caller checked before with `hourlyUsage`, and concurrent submissions of one
 * account may pass the limit by a few), and log `submission.rate.warning` when the warning level
 * is crossed.
 */
export async function countSubmission(ctx: SendCtx, tx: WriteTx, account: AccountId, rcpts: number, enforce = true): Promise<void> {
  const hour = Math.floor(tx.now / HOUR);
  const r = await tx.db.selectFrom('submission_counters').select(['messages', 'recipients']).where('account_id', '=', account).where('hour', '=', hour).executeTakeFirst();
  const used = { messages: Number(r?.messages ?? 0), recipients: Number(r?.recipients ?? 0) };
  if (enforce) checkLimits(ctx, used, rcpts);
  if (r) {
    await tx.db.updateTable('submission_counters').set({ messages: sql`messages + 1`, recipients: sql`recipients + ${rcpts}` }).where('account_id', '=', account).where('hour', '=', hour).execute();
  } else {
    await tx.db.insertInto('submission_counters').values({ account_id: account, hour, messages: 1, recipients: rcpts }).execute();
    await tx.db.deleteFrom('submission_counters').where('account_id', '=', account).where('hour', '<', hour - 48).execute();
  }
  const c = ctx.config;
  const crossed = (before: number, after: number, level: number) => before < level && after >= level;
  if (crossed(used.messages, used.messages + 1, c.submissionHourlyMessagesWarn) || crossed(used.recipients, used.recipients + rcpts, c.submissionHourlyRecipientsWarn)) {
    ctx.log.warn({ event: 'submission.rate.warning', account, messages: used.messages + 1, recipients: used.recipients + rcpts }, 'submission.rate.warning');
  }
}
