/** Inbound delivery after DATA: trace headers, inspection (authentication, spam, phishing), ingest. */
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../context.ts';
import type { AccountId } from '../store/ids.ts';
import type { ParsedMessage } from '../mime/types.ts';
import { parseMessage } from '../mime/index.ts';
import { ingest, type IngestTarget } from './ingest.ts';
import type { SearchDocument } from './fold.ts';
import { vacationAfterDelivery } from './vacation-reply.ts';
import { accountsOnVacation } from './vacation.ts';

export interface InboundSession {
  id: string;
  remoteAddress: string;
  clientHostname: string;
  helo: string;
  secure: boolean;
  mailFrom: string;
  utf8: boolean;
}

/** What the protection layer decides for one message (per recipient keywords/mailbox allowed). */
export interface InspectionResult {
  /** The message to store (trace fields, authentication results, then the message as received
   *  less forged Authentication-Results) and its parse; absent = the trace fields and the message. */
  final?: { raw: Buffer; parsed: ParsedMessage; searchDocument?: SearchDocument };
  action: 'inbox' | 'junk' | 'reject';
  rejectCode?: number;
  rejectMessage?: string;
  keywords?: string[];
  verdict?: unknown;
  /** Per-recipient override (user allow/block lists, personal classifier). */
  perAccount?: Map<AccountId, { action: 'inbox' | 'junk'; keywords?: string[]; verdict?: unknown }>;
}

/** `trace` is the Return-Path and Received fields the stored message must start with. */
export type InboundInspector = (input: { raw: Buffer; trace: string; session: InboundSession; recipients: { address: string; account: AccountId }[] }) => Promise<InspectionResult>;

export type InboundOutcome = { kind: 'delivered'; id: string; overQuota: AccountId[] } | { kind: 'rejected'; code: number; message: string };

function rfc2822Date(d: Date): string {
  return d.toUTCString().replace('GMT', '+0000');
}

/** RFC 5321 §4.4: the Received trace line, and Return-Path at final delivery. */
export function traceHeaders(ctx: AppContext, s: InboundSession, id: string, rcpt: string | null, now: number): string {
  const proto = `${s.utf8 ? 'UTF8' : ''}ESMTP${s.secure ? 'S' : ''}`;
  const from = `${s.helo || 'unknown'} (${s.clientHostname && s.clientHostname !== `[${s.remoteAddress}]` ? s.clientHostname + ' ' : ''}[${s.remoteAddress}])`;
  const forPart = rcpt ? `\r\n\tfor <${rcpt}>` : '';
  return `Return-Path: <${s.mailFrom}>\r\nReceived: from ${from}\r\n\tby ${ctx.config.hostname} (Préau) with ${proto} id ${id}${forPart};\r\n\t${rfc2822Date(new Date(now))}\r\n`;
}

export async function deliverInbound(ctx: AppContext, input: { raw: Buffer; session: InboundSession; recipients: { address: string; account: AccountId }[]; inspect?: InboundInspector }): Promise<InboundOutcome> {
  const id = randomBytes(8).toString('hex').toUpperCase();
  const now = ctx.store.clock();
  const trace = traceHeaders(ctx, input.session, id, input.recipients.length === 1 ? input.recipients[0].address : null, now);
  let inspection: InspectionResult = { action: 'inbox' };
  if (input.inspect) {
    inspection = await input.inspect({ raw: input.raw, trace, session: input.session, recipients: input.recipients });
    if (inspection.action === 'reject') {
      ctx.log.info({ event: 'smtp.delivery.rejected', cid: input.session.id, reason: 'policy' });
      return { kind: 'rejected', code: inspection.rejectCode ?? 550, message: inspection.rejectMessage ?? '5.7.1 Message refused by policy / Message refusé' };
    }
  }
  // The message is parsed once: by the inspector when there is one (its final bytes), else here.
  const finalRaw = inspection.final?.raw ?? Buffer.concat([Buffer.from(trace, 'utf8'), input.raw]);
  const parsed = inspection.final?.parsed ?? (await parseMessage(finalRaw));
  // Group targets by verdict so each distinct verdict is one ingest (usually one).
  const groups = new Map<string, { targets: IngestTarget[]; verdict: unknown }>();
  for (const r of input.recipients) {
    const per = inspection.perAccount?.get(r.account);
    const action = per?.action ?? (inspection.action === 'junk' ? 'junk' : 'inbox');
    const keywords = per?.keywords ?? inspection.keywords ?? [];
    const verdict = per?.verdict ?? inspection.verdict;
    const key = `${action}|${keywords.join(',')}|${JSON.stringify(verdict ?? null)}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { targets: [], verdict }));
    g.targets.push({ account: r.account, role: action === 'junk' ? 'junk' : 'inbox', keywords });
  }
  let delivered = 0;
  const late: { targets: IngestTarget[]; verdict: unknown }[] = [];
  const store = async (g: { targets: IngestTarget[]; verdict: unknown }, enforceQuota: boolean) => {
    const res = await ingest(ctx, { raw: finalRaw, parsed, searchDocument: inspection.final?.searchDocument, targets: g.targets, receivedAt: now, verdict: g.verdict, enforceQuota });
    delivered += res.delivered.length;
    const over = new Set(res.overQuota);
    if (over.size) late.push({ targets: g.targets.filter((t) => over.has(t.account)), verdict: g.verdict });
    // Vacation responses (RFC 3834), after commit; vacationAfterDelivery never throws. One query
    // finds who is away, so a bulletin to 50 000 staff costs one statement per 500 recipients.
    const away = await accountsOnVacation(ctx.store, res.delivered.map((d) => d.account));
    const roleOf = new Map(g.targets.map((t) => [t.account, t.role]));
    for (const d of res.delivered) if (away.has(d.account)) await vacationAfterDelivery(ctx, { account: d.account, parsed, mailFrom: input.session.mailFrom, role: roleOf.get(d.account) });
  };
  for (const g of groups.values()) await store(g, true);
  if (!delivered && late.length) {
    // RFC 3463 X.2.2 / issue: the message would exceed every recipient's quota.
    return { kind: 'rejected', code: 552, message: '5.2.2 Mailbox full: this message would exceed the quota / Boîte aux lettres pleine' };
  }
  // RFC 5321 §6.1: the 250 that follows makes us responsible for every recipient accepted at RCPT
  // (each had room then, see recipients.ts). SMTP has one answer per message, so those whose quota
  // this message overruns still get it, over quota: their next RCPT is refused with 452 4.2.2.
  const overQuota = late.flatMap((g) => g.targets.map((t) => t.account));
  for (const g of late.splice(0)) await store(g, false);
  if (overQuota.length) ctx.log.warn({ event: 'smtp.delivery.over_quota', cid: input.session.id, accounts: overQuota });
  ctx.log.info({ event: 'smtp.delivery.accepted', cid: input.session.id, id, recipients: delivered, size: finalRaw.length });
  return { kind: 'delivered', id, overQuota };
}
