/** CLI pieces: `preau queue list|retry ID|delete ID` and `preau dns DOMAIN` (DKIM RFC 6376 §3.6.2, SPF RFC 7208, DMARC RFC 7489, SRV RFC 6186 / RFC 8314 §5.1). */
import type { SendCtx } from './context.ts';
import { ensureDkimKeys, dkimTxt } from './dkim.ts';
import { listQueue, removeQueued, retryNow } from './queue-store.ts';

const USAGE = 'usage: preau queue list [--all] | preau queue retry ID | preau queue delete ID';

function iso(ms: number | null): string {
  return ms ? new Date(Number(ms)).toISOString().replace(/\.\d{3}Z$/, 'Z') : '-';
}

function idArg(v: string | undefined): number {
  const n = Number(v);
  if (!v || !Number.isSafeInteger(n) || n <= 0) throw new Error(`${USAGE}\n(ID must be a queue id shown by "queue list")`);
  return n;
}

/** Administration of the outbound queue; returns the text to print. */
export async function queueCommand(ctx: SendCtx, argv: string[]): Promise<string> {
  const [cmd, arg] = argv;
  const now = ctx.store.clock();
  switch (cmd) {
    case 'list':
    case undefined: {
      const items = await listQueue(ctx.store, { all: arg === '--all' });
      if (!items.length) return 'File d\'attente vide / Queue is empty';
      const lines: string[] = [];
      for (const { message: m, recipients } of items) {
        lines.push(`#${m.id}  from <${m.mail_from}>  account ${m.account_id}  ${m.size} B  created ${iso(m.created_at)}${Number(m.send_at) > Number(m.created_at) ? `  send at ${iso(m.send_at)}` : ''}${m.done_at ? `  done ${iso(m.done_at)}` : ''}`);
        for (const r of recipients) {
          const next = r.state === 'queued' || r.state === 'deferred' ? `  next ${iso(r.next_attempt_at)}` : '';
          lines.push(`    ${r.state.padEnd(9)} ${r.rcpt}  attempts ${r.attempts}${next}${r.last_error ? `  last error: ${r.last_error.slice(0, 300)}` : ''}`);
        }
      }
      return lines.join('\n');
    }
    case 'retry': {
      const id = idArg(arg);
      const n = await retryNow(ctx.store, id, now);
      ctx.log.info({ event: 'queue.admin.retry', queueId: id, recipients: n }, 'queue.admin.retry');
      return n ? `#${id}: ${n} destinataire(s) relancé(s) / recipient(s) due now` : `#${id}: rien à relancer / nothing to retry`;
    }
    case 'delete': {
      const id = idArg(arg);
      const ok = await removeQueued(ctx.store, id);
      ctx.log.info({ event: 'queue.admin.delete', queueId: id, ok }, 'queue.admin.delete');
      if (!ok) throw new Error(`#${id}: introuvable / not found`);
      return `#${id}: supprimé / deleted`;
    }
    default:
      throw new Error(USAGE);
  }
}

/** Split a TXT value into quoted strings of at most 255 octets (RFC 1035 §3.3.14). */
function txt(value: string): string {
  const parts = value.match(/.{1,255}/g) ?? [''];
  return parts.length === 1 ? `"${parts[0]}"` : `( ${parts.map((p) => `"${p}"`).join('\n      ')} )`;
}

/** The DNS records to publish for `domain`, in zone-file syntax with comments. */
export async function dnsCommand(ctx: SendCtx, domain: string): Promise<string> {
  const d = domain.trim().toLowerCase().replace(/\.$/, '');
  const keys = await ensureDkimKeys(ctx.store, d);
  if (!keys) throw new Error(`domaine inconnu / unknown domain: ${d}`);
  const host = ctx.config.hostname.replace(/\.$/, '');
  const lines = [
    `; DNS pour / for ${d} — à publier dans la zone / publish in the zone`,
    '',
    '; MX (RFC 5321 §5.1)',
    `${d}.  IN MX 10 ${host}.`,
    '',
    '; SPF (RFC 7208)' + (ctx.config.relayHost ? ` — envoi via le relais / sending through the relay ${ctx.config.relayHost}: add its SPF "include:" or ip4: here` : ''),
    `${d}.  IN TXT ${txt(ctx.config.relayHost ? 'v=spf1 mx ?all' : 'v=spf1 mx -all')}`,
    '',
    '; DKIM (RFC 6376 §3.6.2; Ed25519 RFC 8463)',
    ...keys.map((k) => `${k.selector}._domainkey.${d}.  IN TXT ${txt(dkimTxt(k))}`),
    '',
    '; DMARC (RFC 7489 §6.3) — start with p=none, then quarantine once reports are clean',
    `_dmarc.${d}.  IN TXT ${txt(`v=DMARC1; p=quarantine; adkim=r; aspf=r; rua=mailto:postmaster@${d}`)}`,
    '',
    '; Client configuration (RFC 6186 §3, RFC 8314 §5.1) — production ports',
    `_submissions._tcp.${d}.  IN SRV 0 1 465 ${host}.`,
    `_submission._tcp.${d}.   IN SRV 0 1 587 ${host}.`,
    `_imaps._tcp.${d}.        IN SRV 0 1 993 ${host}.`,
    `_imap._tcp.${d}.         IN SRV 0 1 143 ${host}.`,
    `_autodiscover._tcp.${d}. IN SRV 0 1 443 ${host}.`,
    `autoconfig.${d}.         IN CNAME ${host}.`,
    `autodiscover.${d}.       IN CNAME ${host}.`,
  ];
  return lines.join('\n');
}
