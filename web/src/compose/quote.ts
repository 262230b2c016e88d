/** Reply and forward bodies, recipients and subjects. RFC 5322 §3.6.4 (In-Reply-To, References). */
import { escapeHtml } from '../mail/html.ts';
import { formatFullDate, t } from '../i18n/index.ts';
import { addressLine, displayAddress, type Address, type EmailFull } from '../mail/data.ts';

/** Text of an HTML body, parsed inert in a <template> (nothing loads, nothing runs). */
function htmlText(html: string): string {
  const tpl = document.createElement('template');
  tpl.innerHTML = html.replace(/<br\s*\/?>/gi, '\n').replace(/<\/(p|div|li|tr|h\d)>/gi, '\n');
  tpl.content.querySelectorAll('style,script').forEach((n) => n.remove());
  return (tpl.content.textContent ?? '').replace(/\n{3,}/g, '\n\n').trim();
}

export function sourceText(e: EmailFull): string {
  const parts = e.textBody.length ? e.textBody : e.htmlBody;
  let out = '';
  for (const p of parts) {
    const v = p.partId ? e.bodyValues[p.partId]?.value : undefined;
    if (!v) continue;
    out += p.type === 'text/html' ? htmlText(v) : v;
  }
  return out || e.preview;
}

export function prefixed(subject: string | null, prefix: 'Re' | 'Fwd'): string {
  const s = (subject ?? '').trim();
  const re = prefix === 'Re' ? /^(re|aw|réf?)\s*:/i : /^(fwd?|tr)\s*:/i;
  return re.test(s) ? s : `${prefix}: ${s}`;
}

export function replyRecipients(e: EmailFull, me: string[], all: boolean): { to: Address[]; cc: Address[] } {
  const mine = (a: Address) => me.includes(a.email.toLowerCase());
  const to = (e.replyTo?.length ? e.replyTo : e.from ?? []).filter((a) => !mine(a));
  if (!all) return { to: to.length ? to : e.from ?? [], cc: [] };
  const seen = new Set(to.map((a) => a.email.toLowerCase()));
  const cc: Address[] = [];
  for (const a of [...(e.to ?? []), ...(e.cc ?? [])]) {
    const k = a.email.toLowerCase();
    if (!seen.has(k) && !mine(a)) { seen.add(k); cc.push(a); }
  }
  return { to, cc };
}

export function quoteHtml(e: EmailFull, forward: boolean): string {
  const text = sourceText(e);
  const paras = text.split(/\n{2,}/).map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join('');
  if (forward) {
    const head = [
      `${t('reader.from')} ${escapeHtml(addressLine(e.from))}`,
      `${t('reader.date')} ${escapeHtml(formatFullDate(e.receivedAt))}`,
      `${t('compose.subject')} : ${escapeHtml(e.subject ?? '')}`,
      `${t('reader.to')} ${escapeHtml(addressLine(e.to))}`,
    ].join('<br>');
    return `<p></p><p>---------- ${escapeHtml(t('compose.forwarded'))} ----------<br>${head}</p>${paras}`;
  }
  const intro = t('compose.wrote', { date: formatFullDate(e.receivedAt), name: displayAddress(e.from?.[0]) });
  return `<p></p><p>${escapeHtml(intro)}</p><blockquote>${paras}</blockquote>`;
}

export function quoteText(e: EmailFull, forward: boolean): string {
  const text = sourceText(e);
  if (forward) return `\n\n---------- ${t('compose.forwarded')} ----------\n${t('reader.from')} ${addressLine(e.from)}\n${t('reader.date')} ${formatFullDate(e.receivedAt)}\n\n${text}`;
  return `\n\n${t('compose.wrote', { date: formatFullDate(e.receivedAt), name: displayAddress(e.from?.[0]) })}\n${text.split('\n').map((l) => `> ${l}`).join('\n')}`;
}
