/** Signatures of the sender identities (RFC 8621 §6 textSignature / htmlSignature) in the composer's body. */
import { escapeHtml } from '../mail/html.ts';
import type { Identity } from '../mail/data.ts';

/** An identity's signature as the composer writes it: HTML for the editor, text after "-- " (RFC 3676 §4.3). */
export function signatureHtml(i: Identity | undefined): string {
  return i?.htmlSignature || (i?.textSignature ? `<p>${escapeHtml(i.textSignature).replace(/\n/g, '<br>')}</p>` : '');
}
export function signatureText(i: Identity | undefined): string {
  return i?.textSignature ? `\n\n-- \n${i.textSignature}` : '';
}

/** Replace the last `old` in `body` by `next`; with no `old` found, put `next` before `before` (the quote) or at the end. */
export function swapSignature(body: string, old: string, next: string, before: string): string | null {
  if (old === next) return null;
  const at = old ? body.lastIndexOf(old) : -1;
  if (at >= 0) return body.slice(0, at) + next + body.slice(at + old.length);
  if (!next) return null;
  const q = before ? body.indexOf(before) : -1;
  return q >= 0 ? body.slice(0, q) + next + body.slice(q) : body + next;
}
