/** Ordered list of migrations, one set for both dialects. Append only; never edit a landed one. */
import type { Migration } from './types.ts';
import { m001Core } from './001-core.ts';
import { m010Auth } from './010-auth.ts';
import { m020Mail } from './020-mail.ts';
import { m030Security } from './030-security.ts';
import { m040Queue } from './040-queue.ts';
import { m060Jmap } from './060-jmap.ts';
import { m070Vacation } from './070-vacation.ts';

export const migrations: Migration[] = [m001Core, m010Auth, m020Mail, m030Security, m040Queue, m060Jmap, m070Vacation];
