/** A corpus sample (envelope + content + label) and its rendering to a raw, optionally DKIM-signed, message. */
import MailComposer from 'nodemailer/lib/mail-composer';
import { dkimSign } from 'mailauth';
import type { BenchDns } from './dns.ts';

export type Label = 'institutional' | 'colleague' | 'parent' | 'newsletter' | 'spam' | 'phishing';
export const LEGIT: readonly Label[] = ['institutional', 'colleague', 'parent', 'newsletter'];

export interface Sample {
  id: string;
  label: Label;
  /** SMTP envelope and client. */
  mailFrom: string;
  ip: string;
  helo: string;
  /** Domain whose DKIM key signs the message (must have one in dns.ts). */
  sign?: string;
  from: string;
  fromName?: string;
  replyTo?: string;
  subject: string;
  text: string;
  html?: string;
  attachments?: { filename: string; content: Buffer; contentType: string }[];
}

let counter = 0;

export async function render(s: Sample, dns: BenchDns): Promise<Buffer> {
  const composer = new MailComposer({
    from: s.fromName ? { name: s.fromName, address: s.from } : s.from,
    to: 'marie.curie@ac-paris.fr',
    replyTo: s.replyTo,
    subject: s.subject,
    text: s.text,
    html: s.html,
    date: new Date(Date.UTC(2026, 10, 2, 8, counter % 60)),
    messageId: `<${s.id}.${++counter}@${s.from.split('@')[1]}>`,
    attachments: s.attachments?.map((a) => ({ ...a, contentDisposition: 'attachment' as const })),
  });
  const raw = await composer.compile().build();
  if (!s.sign) return raw;
  const key = dns.keys.get(s.sign);
  if (!key) throw new Error(`no DKIM key for ${s.sign}`);
  const opt = { signingDomain: s.sign, selector: key.selector, privateKey: key.privateKey };
  const sig = await dkimSign(raw, { ...opt, signatureData: [opt] });
  return Buffer.concat([Buffer.from(sig.signatures), raw]);
}
