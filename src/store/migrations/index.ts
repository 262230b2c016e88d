/** Ordered list of migrations, one set for both dialects. Append only; never edit a landed one. */
import type { Migration } from './types.ts';
import { m001Core } from './001-core.ts';

export const migrations: Migration[] = [m001Core];
