/** Préau extension Email/reportPhishing (capability urn:preau:verdict): train, mark $phishing + $junk, move to Junk, forward to the security team. docs/jmap.md. */
import { reportPhishing, type SecurityPolicy } from '../../security/index.ts';
import { submitMessage } from '../../queue/index.ts';
import { parseMessage } from '../../mime/index.ts';
import { getMailboxByRole } from '../../mail/mailboxes.ts';
import { setKeywords, setMailboxIds } from '../../mail/messages.ts';
import type { AppContext } from '../../context.ts';
import type { EmailId } from '../../store/ids.ts';
import { loadEmails } from '../email-read.ts';
import { MethodError } from '../errors.ts';
import { numId, optString } from '../standard.ts';
import type { MethodHandler } from '../types.ts';

export const emailReportPhishing: MethodHandler = async (args, c) => {
  const ids = args.emailIds;
  if (!Array.isArray(ids) || !ids.every((i) => typeof i === 'string')) throw new MethodError('invalidArguments', 'emailIds must be an array of Id');
  if (ids.length > 50) throw new MethodError('requestTooLarge', 'at most 50 emails per report');
  const comment = optString(args, 'comment') ?? undefined;
  const policy = c.deps.securityPolicy as SecurityPolicy | undefined;
  if (!policy) throw new MethodError('serverUnavailable', 'no security policy loaded');
  const rows = await loadEmails(c.deps.store, c.account, ids.map((i) => numId('e', i)).filter((n): n is number => n !== null), false);
  const junk = await getMailboxByRole(c.deps.store, c.account, 'junk', { counts: false });
  const reported: string[] = [];
  const notFound: string[] = [];
  for (const id of ids as string[]) {
    const e = rows.get(numId('e', id) ?? -1);
    if (!e) {
      notFound.push(id);
      continue;
    }
    const raw = await c.deps.blobs.get(e.blobId as never);
    const r = await reportPhishing(c.deps.store, policy, { accountId: c.account, reporter: c.principal.username, raw, parsed: await parseMessage(raw), comment });
    await setKeywords(c.deps.store, c.account, e.id as EmailId, { ...e.keywords, $phishing: true, $junk: true }, { origin: c.origin });
    if (junk) await setMailboxIds(c.deps.store, c.account, e.id as EmailId, [junk.id], { origin: c.origin });
    if (r.forward) {
      await submitMessage(c.deps as unknown as AppContext, { accountId: c.account, raw: r.forward.raw, mailFrom: r.forward.from, rcptTo: [r.forward.to], saveToSent: false, origin: c.origin }).catch((err) => c.deps.log.warn({ account: c.account, err: (err as Error).message }, 'jmap.report.forward.failed'));
    }
    reported.push(id);
  }
  return { accountId: `a${c.account}`, reported, notFound };
};
