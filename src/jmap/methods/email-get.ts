/** Email/get: list-row properties from the stored parse, header forms and body values from the blob. RFC 8621 §4.2. */
import { loadEmails, parseStructure, type EmailRow } from '../email-read.ts';
import { BODY_DEFAULT, BODY_PROPS, EMAIL_DEFAULT, EMAIL_PROPS, NEEDS_RAW, bodyProperties, rawHeaderProperties } from '../email-view.ts';
import { parseHeaderProp } from '../email-headers.ts';
import { MethodError } from '../errors.ts';
import { typeState } from '../state.ts';
import { getIds, getProperties, numId, optBool, optInt } from '../standard.ts';
import { CAP } from '../capabilities.ts';
import type { Args, CallCtx, MethodHandler } from '../types.ts';

const BODY_KEYS = new Set(['bodyStructure', 'textBody', 'htmlBody', 'attachments', 'bodyValues', 'preauSafeHtml']);
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const ids = (s: string | null) => (s ? s.split(' ').filter(Boolean) : null);

/** Properties answered from the messages/bodies rows alone (the cheap list-row path). */
function rowProperties(e: EmailRow, props: string[], c: CallCtx): Args {
  const o: Args = {};
  for (const p of props) {
    switch (p) {
      case 'id': o.id = `e${e.id}`; break;
      case 'blobId': o.blobId = e.blobId; break;
      case 'threadId': o.threadId = `t${e.threadId}`; break;
      case 'mailboxIds': o.mailboxIds = Object.fromEntries(e.mailboxIds.map((m) => [`m${m}`, true])); break;
      case 'keywords': o.keywords = e.keywords; break;
      case 'size': o.size = e.size; break;
      case 'receivedAt': o.receivedAt = iso(e.receivedAt); break;
      case 'messageId': o.messageId = e.messageId ? [e.messageId] : null; break;
      case 'inReplyTo': o.inReplyTo = ids(e.inReplyTo); break;
      case 'references': o.references = ids(e.references); break;
      case 'sender': o.sender = nullIfEmpty(e.sender); break;
      case 'from': o.from = nullIfEmpty(e.from); break;
      case 'to': o.to = nullIfEmpty(e.to); break;
      case 'cc': o.cc = nullIfEmpty(e.cc); break;
      case 'bcc': o.bcc = nullIfEmpty(e.bcc); break;
      case 'replyTo': o.replyTo = nullIfEmpty(e.replyTo); break;
      case 'subject': o.subject = e.subject; break;
      case 'sentAt': o.sentAt = e.sentAt === null ? null : iso(e.sentAt); break;
      case 'hasAttachment': o.hasAttachment = e.hasAttachment; break;
      case 'preview': o.preview = e.preview; break;
      case 'preauVerdict': o.preauVerdict = e.verdict ? JSON.parse(e.verdict) : null; break;
    }
  }
  return o;
}

function nullIfEmpty(json: string): unknown {
  const v = JSON.parse(json);
  return Array.isArray(v) && v.length === 0 ? null : v;
}

export function bodyOpts(args: Args, accountId: number) {
  const bp = args.bodyProperties;
  if (bp !== undefined && bp !== null && (!Array.isArray(bp) || !bp.every((p) => typeof p === 'string' && (BODY_PROPS.includes(p) || parseHeaderProp(p))))) throw new MethodError('invalidArguments', 'bad bodyProperties');
  return {
    fetchTextBodyValues: optBool(args, 'fetchTextBodyValues', false),
    fetchHTMLBodyValues: optBool(args, 'fetchHTMLBodyValues', false),
    fetchAllBodyValues: optBool(args, 'fetchAllBodyValues', false),
    maxBodyValueBytes: optInt(args, 'maxBodyValueBytes', 0) ?? 0,
    bodyProperties: (bp as string[] | undefined | null) ?? BODY_DEFAULT,
    downloadBase: `/jmap/download/a${accountId}/`,
  };
}

export const emailGet: MethodHandler = async (args, c) => {
  const want = getIds(args, c);
  if (want === null) throw new MethodError('requestTooLarge', 'Email/get requires ids');
  const props = getProperties(args, EMAIL_PROPS, EMAIL_DEFAULT, (p) => !!parseHeaderProp(p));
  // Préau extension properties exist only with their capability in "using" (RFC 8620 §3.3).
  if (props.includes('preauVerdict') && !c.using.has(CAP.verdict)) throw new MethodError('invalidArguments', 'preauVerdict needs urn:preau:verdict');
  if (props.includes('preauSafeHtml') && !c.using.has(CAP.safeHtml)) throw new MethodError('invalidArguments', 'preauSafeHtml needs urn:preau:safehtml');
  const opts = bodyOpts(args, c.account);
  const store = c.deps.store;
  const state = await typeState(store, c.account, 'Email');
  const nums = want.map((i) => numId('e', i)).filter((n): n is number => n !== null);
  const needBody = props.some((p) => BODY_KEYS.has(p));
  const needRaw = props.some(NEEDS_RAW);
  const rows = await loadEmails(store, c.account, nums, needBody);
  const list: Args[] = [];
  const notFound: string[] = [];
  for (const id of want) {
    const n = numId('e', id);
    const e = n === null ? undefined : rows.get(n);
    if (!e) {
      notFound.push(id);
      continue;
    }
    const o = rowProperties(e, props, c);
    if (needRaw || needBody) {
      const raw = needRaw ? await c.deps.blobs.get(e.blobId as never) : null;
      if (raw) Object.assign(o, rawHeaderProperties(raw, props));
      if (needBody && e.structure) Object.assign(o, bodyProperties(e.blobId, parseStructure(e.structure), new Set(props), opts, raw));
    }
    list.push(o);
  }
  return { accountId: `a${c.account}`, state, list, notFound };
};
