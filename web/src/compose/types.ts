/** Shared types between the mail shell and the (lazily loaded) composer. */
import type { Address, EmailFull } from '../mail/data.ts';

export interface ComposeRequest {
  mode: 'new' | 'reply' | 'replyAll' | 'forward' | 'draft';
  source?: EmailFull;
  draftId?: string;
  to?: Address[];
}

export interface SendJob {
  draftId: string;
  identityId: string;
  from: string;
  rcptTo: string[];
  sendAt?: Date;
}
