/** Generic Foo/changes over the change log (src/mail/changes.ts changesSince), never rescanning objects. RFC 8620 §5.2. */
import { changesSince } from '../mail/changes.ts';
import { MethodError } from './errors.ts';
import { changesArgs } from './standard.ts';
import { typeState, type LoggedType } from './state.ts';
import type { Args, CallCtx } from './types.ts';

export interface ChangesResult {
  oldState: string;
  newState: string;
  hasMoreChanges: boolean;
  created: number[];
  updated: number[];
  destroyed: number[];
  updatedProperties: string[] | null;
}

export async function computeChanges(c: CallCtx, type: LoggedType, args: Args): Promise<ChangesResult> {
  const { since, maxChanges } = changesArgs(args, c);
  const r = await changesSince(c.deps.store, c.account, type, since, maxChanges);
  // RFC 8620 §5.2: cannotCalculateChanges for a state the log no longer covers (or never issued).
  if (r.cannotCalculate) throw new MethodError('cannotCalculateChanges', `state ${since} is not known`);
  // One transaction touched more than maxChanges objects: no intermediate state exists, so the
  // MUST of §5.2 (never more than maxChanges ids) cannot be met; the client resynchronises.
  if (r.tooManyChanges) throw new MethodError('cannotCalculateChanges', `one change touches more than maxChanges (${maxChanges}) objects`);
  const newState = r.hasMoreChanges ? String(r.newState) : await typeState(c.deps.store, c.account, type);
  return { oldState: String(since), newState, hasMoreChanges: r.hasMoreChanges, created: r.created, updated: r.updated, destroyed: r.destroyed, updatedProperties: r.updatedProperties };
}

/** Format a ChangesResult with prefixed ids for the wire. */
export function changesResponse(c: CallCtx, prefix: string, r: ChangesResult, extra: Args = {}): Args {
  const p = (ids: number[]) => ids.map((i) => `${prefix}${i}`);
  return { accountId: `a${c.account}`, oldState: r.oldState, newState: r.newState, hasMoreChanges: r.hasMoreChanges, created: p(r.created), updated: p(r.updated), destroyed: p(r.destroyed), ...extra };
}
