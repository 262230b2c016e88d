/** EmailSubmission/get, /changes, /query. RFC 8621 §7.1–§7.4. */
import { getSubmission } from '../../queue/index.ts';
import type { AppContext } from '../../context.ts';
import { computeChanges, changesResponse } from '../changes.ts';
import { listSubmissionRows, type SubmissionRow } from '../../queue/submission-records.ts';
import { MethodError } from '../errors.ts';
import { typeState } from '../state.ts';
import { getIds, getProperties, numId, pick, queryPaging, windowIds } from '../standard.ts';
import type { Args, CallCtx, MethodHandler } from '../types.ts';

const PROPS = ['id', 'identityId', 'emailId', 'threadId', 'envelope', 'sendAt', 'undoStatus', 'deliveryStatus', 'dsnBlobIds', 'mdnBlobIds'];
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The wire object, with undoStatus / deliveryStatus refreshed from the queue (src/queue). */
export async function submissionObject(c: CallCtx, r: SubmissionRow): Promise<Args> {
  let undoStatus = r.undo_status;
  let delivery: Record<string, Args> = r.delivery_status ? JSON.parse(r.delivery_status) : {};
  if (undoStatus === 'pending' && r.queue_ref) {
    const q = await getSubmission(c.deps as unknown as AppContext, c.account, Number(r.queue_ref));
    // RFC 8621 §7: pending while it may still be cancelled, then final.
    if (!q || !q.cancellable || q.sendAt <= c.deps.store.clock()) undoStatus = 'final';
    for (const rc of q?.recipients ?? []) {
      const delivered = rc.state === 'delivered' || rc.state === 'sent' ? 'yes' : rc.state === 'failed' || rc.state === 'bounced' ? 'no' : 'queued';
      delivery[rc.address] = { smtpReply: rc.lastError ?? (delivered === 'yes' ? '250 2.0.0 OK' : '250 2.0.0 Queued'), delivered, displayed: 'unknown' };
    }
  }
  return { id: `s${r.id}`, identityId: `i${r.identity_id}`, emailId: `e${r.email_id}`, threadId: `t${r.thread_id}`, envelope: JSON.parse(r.envelope), sendAt: iso(r.send_at), undoStatus, deliveryStatus: Object.keys(delivery).length ? delivery : null, dsnBlobIds: [], mdnBlobIds: [] };
}

export const submissionGet: MethodHandler = async (args, c) => {
  const ids = getIds(args, c);
  const props = getProperties(args, PROPS, PROPS);
  const nums = ids?.map((i) => numId('s', i)).filter((n): n is number => n !== null);
  const rows = await listSubmissionRows(c.deps.store, c.account, nums);
  const byId = new Map(rows.map((r) => [`s${r.id}`, r]));
  const list = [];
  for (const r of rows) list.push(pick(await submissionObject(c, r), props));
  return { accountId: `a${c.account}`, state: await typeState(c.deps.store, c.account, 'EmailSubmission'), list, notFound: (ids ?? []).filter((i) => !byId.has(i)) };
};

export const submissionChanges: MethodHandler = async (args, c) => changesResponse(c, 's', await computeChanges(c, 'EmailSubmission', args));

function matches(f: Args, o: Args): boolean {
  if (Array.isArray(f.conditions)) {
    const subs = f.conditions.map((x: Args) => matches(x, o));
    return f.operator === 'OR' ? subs.some(Boolean) : f.operator === 'NOT' ? !subs.some(Boolean) : subs.every(Boolean);
  }
  for (const [k, v] of Object.entries(f)) {
    if (k === 'identityIds' || k === 'emailIds' || k === 'threadIds') {
      if (!Array.isArray(v)) throw new MethodError('invalidArguments', `${k} must be an array`);
      if (!v.includes(o[k.slice(0, -1)])) return false;
    } else if (k === 'undoStatus') {
      if (o.undoStatus !== v) return false;
    } else if (k === 'before' || k === 'after') {
      if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) throw new MethodError('invalidArguments', `${k} must be a UTCDate`);
      const t = Date.parse(o.sendAt as string);
      if (k === 'before' ? t >= Date.parse(v) : t < Date.parse(v)) return false;
    } else throw new MethodError('unsupportedFilter', `filter ${k}`);
  }
  return true;
}

export const submissionQuery: MethodHandler = async (args, c) => {
  const paging = queryPaging(args);
  const rows = await listSubmissionRows(c.deps.store, c.account);
  let objs = await Promise.all(rows.map((r) => submissionObject(c, r)));
  if (args.filter) objs = objs.filter((o) => matches(args.filter as Args, o));
  const sort = Array.isArray(args.sort) ? (args.sort as Args[]) : [];
  for (const s of sort) if (!['emailId', 'threadId', 'sentAt'].includes(s.property as string)) throw new MethodError('unsupportedSort');
  objs.sort((a, b) => {
    for (const s of sort) {
      const k = s.property === 'sentAt' ? 'sendAt' : (s.property as string);
      const x = String(a[k]);
      const y = String(b[k]);
      if (x !== y) return (x < y ? -1 : 1) * (s.isAscending === false ? -1 : 1);
    }
    return 0;
  });
  const ids = objs.map((o) => o.id as string);
  const w = windowIds(ids, paging, 1000);
  return { accountId: `a${c.account}`, queryState: await typeState(c.deps.store, c.account, 'EmailSubmission'), canCalculateChanges: false, position: w.position, ids: w.ids, ...(paging.calculateTotal ? { total: ids.length } : {}) };
};

export const submissionQueryChanges: MethodHandler = async () => {
  throw new MethodError('cannotCalculateChanges');
};
