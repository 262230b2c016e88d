/** Types shared by the protection layer: tags, analyzers, verdicts. */
import type { ParsedMessage } from '../mime/types.ts';
import type { AuthResults } from './auth.ts';
import type { SecurityPolicy, TagName } from './policy.ts';

/** One finding of an analyzer. `arg` is the fact shown in the reason sentence (a name, a domain, a file). */
export interface Tag {
  name: TagName;
  score: number;
  detail: string;
  arg?: string;
}

/** An analyzer is a pure function of the message, its authentication and the policy. */
export type Analyzer = (parsed: ParsedMessage, raw: Buffer, auth: AuthResults, policy: SecurityPolicy) => Tag[];

export type Action = 'inbox' | 'junk' | 'reject';

/** The verdict stored with the message (messages.verdict, JSON) and shown by the webmail. */
export interface Verdict {
  score: number;
  action: Action;
  phishing: boolean;
  external: boolean;
  verified: boolean;
  tags: Tag[];
  /** Plain French sentences explaining the verdict. */
  reasons: string[];
  reasonsEn: string[];
  auth: { spf: string; dkim: string; dmarc: string; dmarcPolicy: string | null; arc: string };
  /** File names of attachments judged dangerous. */
  dangerousAttachments: string[];
  /** Subject with the external tag prefixed when configured and the sender is external, else null. */
  subjectTag: string | null;
  /** For action 'reject': the SMTP reply to give at DATA. */
  smtp?: { code: number; enhanced: string; message: string };
}

export function tag(policy: SecurityPolicy, name: TagName, detail: string, arg?: string, factor = 1): Tag {
  const t: Tag = { name, score: Math.round(policy.scores[name] * factor * 100) / 100, detail };
  if (arg !== undefined) t.arg = arg;
  return t;
}
