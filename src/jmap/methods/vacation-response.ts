/** VacationResponse/get and /set: one singleton per account (src/mail/vacation.ts); replies are sent after delivery by src/mail/vacation-reply.ts. RFC 8621 §8. */
import { getVacation, setVacation, type VacationPatch } from '../../mail/vacation.ts';
import { MethodError, SetError, toSetError } from '../errors.ts';
import { typeState } from '../state.ts';
import { getIds, getProperties, pick, setArgs } from '../standard.ts';
import type { Args, MethodHandler } from '../types.ts';

const PROPS = ['id', 'isEnabled', 'fromDate', 'toDate', 'subject', 'textBody', 'htmlBody'];
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));

export const vacationGet: MethodHandler = async (args, c) => {
  const ids = getIds(args, c);
  const props = getProperties(args, PROPS, PROPS);
  const v = await getVacation(c.deps.store, c.account);
  const obj = { id: 'singleton', ...v, fromDate: iso(v.fromDate), toDate: iso(v.toDate) };
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
      const set: VacationPatch = {};
      for (const [k, v] of Object.entries(o)) {
        if (k === 'isEnabled') {
          if (typeof v !== 'boolean') throw new SetError('invalidProperties', 'isEnabled must be a boolean', { properties: [k] });
          set.isEnabled = v;
        } else if (k === 'fromDate' || k === 'toDate') set[k] = date(v, k);
        else if (k === 'subject' || k === 'textBody' || k === 'htmlBody') {
          if (v !== null && (typeof v !== 'string' || v.length > 100_000)) throw new SetError('invalidProperties', `${k} must be a string or null`, { properties: [k] });
          set[k] = v as string | null;
        } else throw new SetError('invalidProperties', `unknown property ${k}`, { properties: [k] });
      }
      await setVacation(store, c.account, set, c.origin);
      ((out.updated ??= {}) as Args)[id] = null;
    } catch (e) {
      ((out.notUpdated ??= {}) as Args)[id] = toSetError(e);
    }
  }
  out.newState = await typeState(store, c.account, 'VacationResponse');
  return out;
};
