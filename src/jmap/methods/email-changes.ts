/** Email/changes from the change log (never rescanning). RFC 8621 §4.3, RFC 8620 §5.2. */
import { computeChanges, changesResponse } from '../changes.ts';
import type { MethodHandler } from '../types.ts';

export const emailChanges: MethodHandler = async (args, c) => changesResponse(c, 'e', await computeChanges(c, 'Email', args));
