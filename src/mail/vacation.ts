/** Vacation response of an account (jmap_vacation, migration 060) and who was answered when (vacation_replies, migration 070). RFC 8621 §8, RFC 3834 §2, RFC 5230 §4.1–§4.2. */
import { createHash } from 'node:crypto';
import type { Store } from '../store/store.ts';
import type { AccountId, SessionId } from '../store/ids.ts';
import { runCompiled } from '../store/compiled-query.ts';

export interface JmapVacationTable {
  account_id: number;
  is_enabled: number;
  from_date: number | null;
  to_date: number | null;
  subject: string | null;
  text_body: string | null;
  html_body: string | null;
  updated_modseq: number;
}

export interface VacationRepliesTable {
  account_id: number;
  /** Lower-cased envelope sender that was answered. */
  address: string;
  /** Hash of the response that was sent (a different response may be sent again, RFC 5230 §4.2). */
  response_hash: string;
  sent_at: number;
}

declare module '../store/schema.ts' {
  interface DB {
    jmap_vacation: JmapVacationTable;
    vacation_replies: VacationRepliesTable;
  }
}

/** The VacationResponse singleton (RFC 8621 §8.1); dates are epoch ms. */
export interface Vacation {
  isEnabled: boolean;
  fromDate: number | null;
  toDate: number | null;
  subject: string | null;
  textBody: string | null;
  htmlBody: string | null;
}

export type VacationPatch = Partial<Vacation>;

/** The account's vacation response (disabled and empty when never set). */
export async function getVacation(store: Store, account: AccountId): Promise<Vacation> {
  const r = await store.db.selectFrom('jmap_vacation').selectAll().where('account_id', '=', account).executeTakeFirst();
  return {
    isEnabled: !!Number(r?.is_enabled ?? 0),
    fromDate: r?.from_date == null ? null : Number(r.from_date),
    toDate: r?.to_date == null ? null : Number(r.to_date),
    subject: r?.subject ?? null,
    textBody: r?.text_body ?? null,
    htmlBody: r?.html_body ?? null,
  };
}

/** Update the given properties (the row is created on first use), logging a VacationResponse change. */
export async function setVacation(store: Store, account: AccountId, patch: VacationPatch, origin?: SessionId): Promise<void> {
  const set: Partial<Omit<JmapVacationTable, 'account_id' | 'updated_modseq'>> = {};
  if (patch.isEnabled !== undefined) set.is_enabled = patch.isEnabled ? 1 : 0;
  if (patch.fromDate !== undefined) set.from_date = patch.fromDate;
  if (patch.toDate !== undefined) set.to_date = patch.toDate;
  if (patch.subject !== undefined) set.subject = patch.subject;
  if (patch.textBody !== undefined) set.text_body = patch.textBody;
  if (patch.htmlBody !== undefined) set.html_body = patch.htmlBody;
  await store.write(account, async (tx) => {
    const modseq = await tx.modseq(account);
    await tx.db
      .insertInto('jmap_vacation')
      .values({ account_id: account, is_enabled: 0, from_date: null, to_date: null, subject: null, text_body: null, html_body: null, updated_modseq: modseq, ...set })
      .onConflict((oc) => oc.column('account_id').doUpdateSet({ ...set, updated_modseq: modseq }))
      .execute();
    await tx.change(account, 'VacationResponse', account, 'updated');
  }, { origin });
}

/** The response to send at `now`, or null: enabled, and now within [fromDate, toDate) (RFC 8621 §8.1). */
export async function activeVacation(store: Store, account: AccountId, now: number): Promise<{ subject: string | null; textBody: string | null; htmlBody: string | null } | null> {
  const r = await store.db.selectFrom('jmap_vacation').selectAll().where('account_id', '=', account).executeTakeFirst();
  if (!r || !Number(r.is_enabled)) return null;
  if (r.from_date !== null && now < Number(r.from_date)) return null;
  if (r.to_date !== null && now >= Number(r.to_date)) return null;
  return { subject: r.subject, textBody: r.text_body, htmlBody: r.html_body };
}

/** RFC 3834 §2: the same response to the same sender at most once in 7 days (the RECOMMENDED default). */
export const REPLY_PERIOD_MS = 7 * 24 * 3_600_000;

/**
 * A hash identifying one response. RFC 5230 §4.2 (implementation note): counted strings, so the
 * same text in different fields never gives the same hash.
 */
export function responseHash(v: { subject: string | null; textBody: string | null; htmlBody: string | null }): string {
  const h = createHash('sha256');
  for (const s of [v.subject, v.textBody, v.htmlBody]) h.update(s === null ? '-1:' : `${Buffer.byteLength(s)}:${s}`);
  return h.digest('hex').slice(0, 32);
}

/**
 * Claim the right to answer `address` with the response `hash` at `now`: true (and recorded)
 * unless that same response went to it within the period. Atomic, so two deliveries from one
 * sender at once send one reply. Older records of the account are dropped (RFC 5230 §4.2: the
 * oldest are discarded first).
 */
export async function claimReply(store: Store, account: AccountId, address: string, hash: string, now: number): Promise<boolean> {
  const a = address.toLowerCase();
  const cutoff = now - REPLY_PERIOD_MS;
  const { result } = await store.write(account, async (tx) => {
    await tx.db.deleteFrom('vacation_replies').where('account_id', '=', account).where('sent_at', '<=', cutoff).execute();
    const r = await tx.db
      .insertInto('vacation_replies')
      .values({ account_id: account, address: a, response_hash: hash, sent_at: now })
      .onConflict((oc) =>
        oc
          .columns(['account_id', 'address'])
          .doUpdateSet({ response_hash: hash, sent_at: now })
          .where((eb) => eb.or([eb('vacation_replies.sent_at', '<=', cutoff), eb('vacation_replies.response_hash', '<>', hash)])),
      )
      .returning('sent_at')
      .executeTakeFirst();
    return !!r;
  });
  return result;
}

/** Forget a claim whose reply could not be sent, so a later message may try again. */
export async function releaseReply(store: Store, account: AccountId, address: string, now: number): Promise<void> {
  await store.write(account, async (tx) => {
    await tx.db.deleteFrom('vacation_replies').where('account_id', '=', account).where('address', '=', address.toLowerCase()).where('sent_at', '=', now).execute();
  });
}

/** Of these accounts, the ones with a vacation response switched on (one query, for fan-out). */
export async function accountsOnVacation(store: Store, accounts: AccountId[]): Promise<Set<AccountId>> {
  const out = new Set<AccountId>();
  for (let i = 0; i < accounts.length; i += 500) {
    const rows = await runCompiled(store, 'vacation.enabled', { ids: accounts.slice(i, i + 500) }, (v) => store.db.selectFrom('jmap_vacation').select('account_id').where('account_id', 'in', v.ids).where('is_enabled', '=', 1));
    for (const r of rows) out.add(Number(r.account_id) as AccountId);
  }
  return out;
}
