/** Core/echo. RFC 8620 §4. */
import type { MethodHandler } from '../types.ts';

export const coreEcho: MethodHandler = async (args) => args;
