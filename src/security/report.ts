/** "Report phishing": trains the classifier and builds a forward-as-attachment message (RFC 2046 §5.2.1 message/rfc822) for the security team. */
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Store } from '../store/store.ts';
import type { AccountId } from '../store/ids.ts';
import type { ParsedMessage } from '../mime/types.ts';
import type { SecurityPolicy } from './policy.ts';
import { train } from './bayes.ts';

export interface PhishingReport {
  /** Envelope and message to send to the security address; null when no address is configured. */
  forward: { from: string; to: string; raw: Buffer } | null;
}

/**
 * The user said "this is phishing": train the message as spam for the account (and its domain)
 * and, when `policy.reportAddress` is set, build a message carrying the original untouched as a
 * message/rfc822 attachment. Moving the message into Junk is the caller's job (mail service).
 */
export async function reportPhishing(
  store: Store,
  policy: SecurityPolicy,
  report: { accountId: AccountId; reporter: string; raw: Buffer; parsed: ParsedMessage; comment?: string },
): Promise<PhishingReport> {
  await train(store, report.accountId, { raw: report.raw, parsed: report.parsed }, 'spam');
  if (!policy.reportAddress) return { forward: null };
  const from = report.parsed.from[0]?.email ?? '(inconnu)';
  const text = [
    `Signalement d'hameçonnage par ${report.reporter}.`,
    `Expéditeur affiché : ${from}`,
    `Objet : ${report.parsed.subject}`,
    report.comment ? `Commentaire : ${report.comment.slice(0, 2000)}` : '',
    '',
    'Le message signalé est joint tel quel (message/rfc822).',
  ].join('\n');
  const composer = new MailComposer({
    from: report.reporter,
    to: policy.reportAddress,
    subject: `[Signalement hameçonnage] ${report.parsed.subject}`.slice(0, 250),
    text,
    headers: { 'X-Preau-Report': 'phishing' },
    attachments: [{ filename: 'message-signale.eml', content: report.raw, contentType: 'message/rfc822', contentDisposition: 'attachment' }],
  });
  const raw = await composer.compile().build();
  return { forward: { from: report.reporter, to: policy.reportAddress, raw } };
}
