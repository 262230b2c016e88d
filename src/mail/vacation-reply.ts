/** Vacation auto-replies after delivery: when (not) to answer, the reply's form, sending it. RFC 3834 §2–§5, RFC 5230 §4.5–§4.6, §5, RFC 8621 §8. */
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { AppContext } from '../context.ts';
import type { AccountId } from '../store/ids.ts';
import type { ParsedMessage } from '../mime/types.ts';
import { parseMessage } from '../mime/index.ts';
import { getAccount, listAddresses } from '../accounts/service.ts';
import { submitMessage } from '../queue/index.ts';
import { activeVacation, claimReply, releaseReply, responseHash } from './vacation.ts';

export interface VacationDelivery {
  account: AccountId;
  /** The delivered message, parsed; or its bytes, parsed only when a response is active. */
  parsed?: ParsedMessage;
  raw?: Buffer;
  /** SMTP MAIL FROM of the delivered message (its Return-Path); '' for a bounce. */
  mailFrom: string;
  /** Role of the mailbox the message went to ('inbox', 'junk' …). */
  role?: string | null;
}

export type VacationOutcome = 'sent' | 'inactive' | 'failed' | `skipped:${string}`;

// RFC 5230 §4.6: addresses used by automated systems, never answered (the list is ours).
const SYSTEM_LOCAL = /^(mailer-daemon|postmaster-daemon|no-?reply|do-?not-?reply|ne-?pas-?repondre|listserv|majordomo|bounces?|owner-.*|.*-request|.*-bounces?)$/;
const LIST_HEADERS = new Set(['list-id', 'list-help', 'list-subscribe', 'list-unsubscribe', 'list-post', 'list-owner', 'list-archive']);

function headerValue(p: ParsedMessage, name: string): string[] {
  return p.headers.filter((h) => h.name.toLowerCase() === name).map((h) => h.value);
}

/**
 * Why this message gets no vacation reply, or null when it may get one (pure; the caller checks
 * that a response is active and was not already sent).
 */
export function skipReason(p: ParsedMessage, mailFrom: string, role: string | null | undefined, own: readonly string[]): string | null {
  if (role === 'junk') return 'junk';
  const sender = mailFrom.trim().toLowerCase();
  // RFC 3834 §2: never respond to a null reverse-path (bounces).
  if (!sender || sender === '<>' || !/^[^@\s]+@[^@\s]+$/.test(sender)) return 'null-sender';
  if (SYSTEM_LOCAL.test(sender.slice(0, sender.lastIndexOf('@')))) return 'system-sender';
  if (own.includes(sender)) return 'own-address';
  // RFC 3834 §2 / RFC 5230 §4.6: not to an Auto-Submitted message other than "no" (§5.1: the
  // keyword may be followed by comments and ";" parameters).
  for (const v of headerValue(p, 'auto-submitted')) {
    const kw = v.replace(/\([^)]*\)/g, ' ').split(';')[0].trim().toLowerCase();
    if (kw !== 'no') return 'auto-submitted';
  }
  // RFC 3834 §2 (MAY): Precedence bulk / list / junk is mailing-list or bulk traffic.
  if (headerValue(p, 'precedence').some((v) => /^\s*(bulk|list|junk)\b/i.test(v))) return 'precedence';
  // RFC 5230 §4.6: no reply to a message with a List-* header (RFC 2369, RFC 2919).
  if (p.headers.some((h) => LIST_HEADERS.has(h.name.toLowerCase()))) return 'list';
  // RFC 3834 §2 / RFC 5230 §4.5: the recipient's own address must be in To, Cc, Bcc or Resent-*.
  const listed = [...p.to, ...p.cc, ...p.bcc].map((a) => a.email.toLowerCase());
  const resent = ['resent-to', 'resent-cc', 'resent-bcc'].flatMap((n) => headerValue(p, n)).join(',').toLowerCase();
  const mine = (a: string) => listed.includes(a) || new RegExp(`(^|[\\s<,:;"])${a.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[\\s>,;"])`).test(resent);
  if (!own.some(mine)) return 'not-addressed';
  return null;
}

const DEFAULT_TEXT = "Je suis absent(e) et je lirai votre message à mon retour.\n\nI am away and will read your message when I return.\n";

/** The reply bytes. RFC 3834 §3.1, RFC 5230 §5, RFC 8621 §8.1 (subject and body fall back to server defaults). */
export async function composeReply(input: { from: { name: string; address: string }; to: string; original: ParsedMessage; subject: string | null; textBody: string | null; htmlBody: string | null }): Promise<Buffer> {
  const o = input.original;
  // RFC 3834 §3.1.5: "Auto: " and the original subject. Limit: the quoted subject is cut at 200 characters.
  // Control characters (a folded or hostile subject) become spaces.
  const subject = (input.subject ?? `Auto: ${o.subject.slice(0, 200)}`).replace(/[\x00-\x1f\x7f]+/g, ' ');
  const html = input.htmlBody ?? undefined;
  const text = input.textBody ?? (html ? undefined : DEFAULT_TEXT);
  return new MailComposer({
    from: input.from,
    to: input.to,
    subject,
    // RFC 3834 §3.1.6 / RFC 5230 §5.8: In-Reply-To and References from the Message-ID (RFC 5322 §3.6.4).
    // Limit: only the last 20 earlier references are carried over.
    inReplyTo: o.messageId ? `<${o.messageId}>` : undefined,
    references: o.messageId ? [...o.references.slice(-20), o.messageId].map((id) => `<${id}>`) : undefined,
    text,
    html,
    // RFC 3834 §3.1.7 / RFC 5230 §5.6.
    headers: { 'Auto-Submitted': 'auto-replied' },
  })
    .compile()
    .build();
}

/**
 * After delivery to `account`: send its vacation response to the envelope sender when one is
 * active and the message qualifies, at most once per sender in 7 days. Never throws: a failure
 * is logged and does not affect the delivery.
 */
export async function vacationAfterDelivery(ctx: AppContext, d: VacationDelivery): Promise<VacationOutcome> {
  try {
    if (d.role === 'junk') return 'skipped:junk';
    const now = ctx.store.clock();
    const v = await activeVacation(ctx.store, d.account, now);
    if (!v) return 'inactive';
    const account = await getAccount(ctx.store, d.account);
    if (!account) return 'skipped:no-account';
    const parsed = d.parsed ?? (d.raw ? await parseMessage(d.raw) : null);
    if (!parsed) return 'skipped:no-message';
    const own = (await listAddresses(ctx.store, d.account)).map((a) => a.address.toLowerCase());
    const why = skipReason(parsed, d.mailFrom, d.role, own);
    if (why) {
      ctx.log.debug({ event: 'mail.vacation.skipped', account: d.account, reason: why });
      return `skipped:${why}`;
    }
    // RFC 3834 §4: to the Return-Path (the envelope sender), never From or Reply-To.
    const to = d.mailFrom.trim().toLowerCase();
    if (!(await claimReply(ctx.store, d.account, to, responseHash(v), now))) return 'skipped:already-answered';
    try {
      const raw = await composeReply({ from: { name: account.displayName, address: account.address }, to, original: parsed, ...v });
      // RFC 3834 §3.3: NOTIFY=NEVER recommended; the MAIL FROM is the account's address (the
      // submission policy refuses <>), loops are stopped by Auto-Submitted on the reply.
      await submitMessage(ctx, { accountId: d.account, raw, mailFrom: account.address, rcptTo: [{ address: to, notify: ['NEVER'] }], saveToSent: false });
    } catch (e) {
      await releaseReply(ctx.store, d.account, to, now).catch(() => undefined);
      throw e;
    }
    ctx.log.info({ event: 'mail.vacation.sent', account: d.account });
    return 'sent';
  } catch (e) {
    ctx.log.warn({ event: 'mail.vacation.failed', account: d.account, err: (e as Error).message });
    return 'failed';
  }
}
