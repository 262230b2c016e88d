/** Shared types and helpers of the IMAP command handlers. RFC 9051 §6, §7.1. */
import type { CommandName, RequestOf } from '../proto/types.ts';
import type { ImapState, Session } from '../session.ts';
import type { Done } from '../done.ts';

export type { Done } from '../done.ts';

export interface Command<K extends CommandName> {
  states: readonly ImapState[];
  run(s: Session, req: RequestOf<K>): Promise<Done>;
}

export const ANY: readonly ImapState[] = ['not-authenticated', 'authenticated', 'selected'];
export const NOT_AUTH: readonly ImapState[] = ['not-authenticated'];
export const AUTH: readonly ImapState[] = ['authenticated', 'selected'];
export const SELECTED: readonly ImapState[] = ['selected'];

export const ok = (text: string, code?: string): Done => ({ status: 'OK', text, code });
export const no = (text: string, code?: string): Done => ({ status: 'NO', text, code });
export const bad = (text: string, code?: string): Done => ({ status: 'BAD', text, code });


/** Handlers by command name. */
export type CommandTable = { [K in CommandName]?: Command<K> };
