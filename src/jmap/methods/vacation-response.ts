/** VacationResponse/get and /set: one singleton per account, stored; replies are sent by the filters/lead. RFC 8621 §8. */
import { MethodError, SetError, toSetError } from '../errors.ts';
import { typeState } from '../state.ts';
import { getIds, getProperties, pick, setArgs } from '../standard.ts';
import type { Args, MethodHandler } from '../types.ts';
import '../data/tables.ts';

const PROPS = ['id', 'isEnabled', 'fromDate', 'toDate', 'subject', 'textBody', 'htmlBody'];
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));

export const vacationGet: MethodHandler = async (args, c) => {
  const ids = getIds(args, c);
  const props = getProperties(args, PROPS, PROPS);
  const r = await c.deps.store.db.selectFrom('jmap_vacation').selectAll().where('account_id', '=', c.account).executeTakeFirst();
  const obj = { id: 'singleton', isEnabled: !!Number(r?.is_enabled ?? 0), fromDate: iso(r?.from_date ?? null), toDate: iso(r?.to_date ?? null), subject: r?.subject ?? null, textBody: r?.text_body ?? null, htmlBody: r?.html_body ?? null };
  const want = ids === null || ids.includes('singleton');
  return { accountId: `a${c.account}`, state: await typeState(c.deps.store, c.account, 'VacationResponse'), list: want ? [pick(obj, props)] : [], notFound: (ids ?? []).filter((i) => i !== 'singleton') };
};

function date(v: unknown, k: string): number | null {
  if (v === null) return null;
  // RFC 8621 §8.1: UTCDate
  if (typeof v !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(v) || Number.isNaN(Date.parse(v))) throw new SetError('invalidProperties', `${k} must be a UTCDate`, { properties: [k] });
  return Date.parse(v);
}

export const vacationSet: MethodHandler = async (args, c) => {
  const s = setArgs(args, c);
  const store = c.deps.store;
  const oldState = await typeState(store, c.account, 'VacationResponse');
  if (s.ifInState !== null && s.ifInState !== oldState) throw new MethodError('stateMismatch');
  const out: Args = { accountId: `a${c.account}`, oldState, created: null, updated: null, destroyed: null, notCreated: null, notUpdated: null, notDestroyed: null };
  // RFC 8621 §8.2: create and destroy of the singleton fail with "singleton".
  for (const cid of Object.keys(s.create)) ((out.notCreated ??= {}) as Args)[cid] = { type: 'singleton' };
  for (const id of s.destroy) ((out.notDestroyed ??= {}) as Args)[id] = { type: 'singleton' };
  for (const [id, o] of Object.entries(s.update)) {
    try {
      if (id !== 'singleton') throw new SetError('notFound');
      const set: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(o)) {
        if (k === 'isEnabled') {
          if (typeof v !== 'boolean') throw new SetError('invalidProperties', 'isEnabled must be a boolean', { properties: [k] });
          set.is_enabled = v ? 1 : 0;
        } else if (k === 'fromDate' || k === 'toDate') set[k === 'fromDate' ? 'from_date' : 'to_date'] = date(v, k);
        else if (k === 'subject' || k === 'textBody' || k === 'htmlBody') {
          if (v !== null && (typeof v !== 'string' || v.length > 100_000)) throw new SetError('invalidProperties', `${k} must be a string or null`, { properties: [k] });
          set[k === 'subject' ? 'subject' : k === 'textBody' ? 'text_body' : 'html_body'] = v;
        } else throw new SetError('invalidProperties', `unknown property ${k}`, { properties: [k] });
      }
      await store.write(c.account, async (tx) => {
        const modseq = await tx.modseq(c.account);
        await tx.db
          .insertInto('jmap_vacation')
          .values({ account_id: c.account, is_enabled: 0, from_date: null, to_date: null, subject: null, text_body: null, html_body: null, updated_modseq: modseq, ...set })
          .onConflict((oc) => oc.column('account_id').doUpdateSet({ ...set, updated_modseq: modseq }))
          .execute();
        await tx.change(c.account, 'VacationResponse', c.account, 'updated');
      }, { origin: c.origin });
      ((out.updated ??= {}) as Args)[id] = null;
    } catch (e) {
      ((out.notUpdated ??= {}) as Args)[id] = toSetError(e);
    }
  }
  out.newState = await typeState(store, c.account, 'VacationResponse');
  return out;
};

/** For the filters / lead: the active vacation response of an account at `now`, or null. */
export async function activeVacation(store: import('../../store/store.ts').Store, account: number, now: number): Promise<{ subject: string | null; textBody: string | null; htmlBody: string | null } | null> {
  const r = await store.db.selectFrom('jmap_vacation').selectAll().where('account_id', '=', account).executeTakeFirst();
  if (!r || !Number(r.is_enabled)) return null;
  if (r.from_date !== null && now < Number(r.from_date)) return null;
  if (r.to_date !== null && now >= Number(r.to_date)) return null;
  return { subject: r.subject, textBody: r.text_body, htmlBody: r.html_body };
}
