/**
 * The CPU-heavy, store-free part of inbound inspection, run on a worker thread (inspect-pool.ts) or
 * inline: strip forged Authentication-Results (RFC 8601 §5), authenticate (SPF, DKIM, DMARC, ARC),
 * build the final message (our trace and Authentication-Results fields first, RFC 5321 §4.4,
 * RFC 8601 §4), parse it once, and run every analyzer on it.
 */
import type { ParsedMessage } from '../mime/types.ts';
import { parseMessageSync } from '../mime/index.ts';
import { authenticateInbound, stripForeignAuthResults, type AuthResults, type DnsResolver } from './auth.ts';
import { analyzerTags } from './verdict.ts';
import type { SecurityPolicy } from './policy.ts';
import type { Tag } from './types.ts';
import { searchDocument, type SearchDocument } from '../mail/fold.ts';

export interface CoreInput {
  /** The message as received (DATA). */
  raw: Buffer;
  /** Trace fields (Return-Path, Received) to put first, CRLF-terminated. */
  trace: string;
  ip: string;
  helo: string;
  mailFrom: string;
  /** Our host name: the authserv-id of our Authentication-Results. */
  hostname: string;
}

export interface CoreResult {
  /** The message to store: trace fields, our authentication fields, then the received message
   *  without forged Authentication-Results. */
  raw: Buffer;
  /** Where the received message (after stripping) starts in `raw`. */
  messageOffset: number;
  /** `raw` parsed. */
  parsed: ParsedMessage;
  auth: AuthResults;
  /** The analyzers' tags (they depend only on the message, its authentication and the policy). */
  tags: Tag[];
  /** The full-text document, folded (ingest indexes it). */
  searchDocument: SearchDocument;
}

export async function inspectCore(input: CoreInput, policy: SecurityPolicy, resolver: DnsResolver | undefined): Promise<CoreResult> {
  const clean = stripForeignAuthResults(input.raw, input.hostname);
  const auth = await authenticateInbound(clean, { ip: input.ip, helo: input.helo, mailFrom: input.mailFrom, hostname: input.hostname, resolver });
  const head = Buffer.from(input.trace + auth.headers, 'utf8');
  const raw = Buffer.concat([head, clean]);
  // Analyzers read the parse and the bytes together (attachment offsets): both of the final message.
  const parsed = parseMessageSync(raw);
  return { raw, messageOffset: head.length, parsed, auth, tags: analyzerTags({ raw, parsed, auth, policy }), searchDocument: searchDocument(parsed) };
}
