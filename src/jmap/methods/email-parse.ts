/** Email/parse: Email objects from message blobs (uploads, emails, message/rfc822 attachments). RFC 8621 §4.9. */
import { parseMessage } from '../../mime/index.ts';
import { readAccountBlob } from '../blob-routes.ts';
import { BODY_KEYS, emailFromParsed } from '../email-parse-view.ts';
import { MethodError } from '../errors.ts';
import { getProperties } from '../standard.ts';
import { EMAIL_PROPS } from '../email-view.ts';
import { parseHeaderProp } from '../email-headers.ts';
import type { Args, MethodHandler } from '../types.ts';
import { bodyOpts } from './email-get.ts';

const DEFAULT = ['messageId', 'inReplyTo', 'references', 'sender', 'from', 'to', 'cc', 'bcc', 'replyTo', 'subject', 'sentAt', 'hasAttachment', 'preview', 'bodyValues', 'textBody', 'htmlBody', 'attachments'];
// Limit: parsing is done for at most 16 blobs per call (each is read whole into memory).
const MAX_BLOBS = 16;

export const emailParse: MethodHandler = async (args, c) => {
  const blobIds = args.blobIds;
  if (!Array.isArray(blobIds) || !blobIds.every((b) => typeof b === 'string')) throw new MethodError('invalidArguments', 'blobIds must be an array of Id');
  if (blobIds.length > MAX_BLOBS) throw new MethodError('requestTooLarge', `at most ${MAX_BLOBS} blobs`);
  const props = getProperties(args, EMAIL_PROPS, DEFAULT, (p) => !!parseHeaderProp(p)).filter((p) => p !== 'id' || (args.properties as string[] | undefined)?.includes('id'));
  const opts = bodyOpts(args, c.account);
  const parsed: Args = {};
  const notParsable: string[] = [];
  const notFound: string[] = [];
  for (const id of blobIds as string[]) {
    const blob = await readAccountBlob(c.deps, c.account, id);
    if (!blob) {
      notFound.push(id);
      continue;
    }
    try {
      const p = await parseMessage(blob.data);
      parsed[id] = emailFromParsed(id, p, blob.data, props, opts, BODY_KEYS);
    } catch {
      notParsable.push(id);
    }
  }
  return { accountId: `a${c.account}`, parsed, notParsable, notFound };
};
