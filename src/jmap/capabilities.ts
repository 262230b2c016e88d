/** JMAP Session resource: capabilities, advertised limits, accounts. RFC 8620 §2, RFC 8621 §1.3, RFC 9425 §3, RFC 8887 (none yet). */
import { createHash } from 'node:crypto';
import type { AccountId } from '../store/ids.ts';

export const CAP = {
  core: 'urn:ietf:params:jmap:core',
  mail: 'urn:ietf:params:jmap:mail',
  submission: 'urn:ietf:params:jmap:submission',
  vacation: 'urn:ietf:params:jmap:vacationresponse',
  quota: 'urn:ietf:params:jmap:quota',
  verdict: 'urn:preau:verdict',
  safeHtml: 'urn:preau:safehtml',
} as const;

/** Limits advertised in the core capability and enforced by the endpoints (RFC 8620 §2). */
export interface JmapLimits {
  maxSizeUpload: number;
  maxConcurrentUpload: number;
  maxSizeRequest: number;
  maxConcurrentRequests: number;
  maxCallsInRequest: number;
  maxObjectsInGet: number;
  maxObjectsInSet: number;
  /** Not advertised: uploads expire after this many ms (RFC 8620 §6.1 "at least 1 hour"). */
  uploadTtlMs: number;
  /** Not advertised: /changes calls are refused above this maxChanges. */
  maxChanges: number;
}

export const DEFAULT_LIMITS: JmapLimits = {
  maxSizeUpload: 50_000_000,
  maxConcurrentUpload: 4,
  maxSizeRequest: 10_000_000,
  maxConcurrentRequests: 4,
  maxCallsInRequest: 32,
  maxObjectsInGet: 500,
  maxObjectsInSet: 500,
  uploadTtlMs: 24 * 3600_000,
  maxChanges: 5000,
};

export const SUPPORTED_CAPABILITIES = new Set<string>(Object.values(CAP));

export const EMAIL_SORT_OPTIONS = ['receivedAt', 'sentAt', 'size', 'from', 'to', 'subject'];

export function jmapAccountId(id: AccountId): string {
  return `a${id}`;
}

export function parseAccountId(s: unknown): AccountId | null {
  if (typeof s !== 'string' || !/^a[1-9][0-9]{0,15}$/.test(s)) return null;
  return Number(s.slice(1)) as AccountId;
}

export interface SessionInput {
  account: AccountId;
  username: string;
  name: string;
  baseUrl: string;
  limits: JmapLimits;
}

/** The Session object (RFC 8620 §2). URLs are absolute, built from the configured public URL. */
export function sessionObject(s: SessionInput): Record<string, unknown> {
  const id = jmapAccountId(s.account);
  const l = s.limits;
  const capabilities = {
    [CAP.core]: {
      maxSizeUpload: l.maxSizeUpload,
      maxConcurrentUpload: l.maxConcurrentUpload,
      maxSizeRequest: l.maxSizeRequest,
      maxConcurrentRequests: l.maxConcurrentRequests,
      maxCallsInRequest: l.maxCallsInRequest,
      maxObjectsInGet: l.maxObjectsInGet,
      maxObjectsInSet: l.maxObjectsInSet,
      collationAlgorithms: ['i;ascii-casemap', 'i;unicode-casemap'],
    },
    [CAP.mail]: {},
    [CAP.submission]: {},
    [CAP.vacation]: {},
    [CAP.quota]: {},
    [CAP.verdict]: {},
    [CAP.safeHtml]: {},
  };
  const accountCapabilities = {
    // RFC 8621 §1.3.1
    [CAP.mail]: { maxMailboxesPerEmail: null, maxMailboxDepth: 10, maxSizeMailboxName: 490, maxSizeAttachmentsPerEmail: 25_000_000, emailQuerySortOptions: EMAIL_SORT_OPTIONS, mayCreateTopLevelMailbox: true },
    // RFC 8621 §1.3.2
    [CAP.submission]: { maxDelayedSend: 30 * 86400, submissionExtensions: { FUTURERELEASE: [String(30 * 86400)] } },
    [CAP.vacation]: {},
    [CAP.quota]: {},
    [CAP.verdict]: {},
    [CAP.safeHtml]: {},
  };
  const primaryAccounts = Object.fromEntries(Object.keys(accountCapabilities).map((c) => [c, id]));
  const base = s.baseUrl.replace(/\/+$/, '');
  const body = {
    capabilities,
    accounts: { [id]: { name: s.username, isPersonal: true, isReadOnly: false, accountCapabilities } },
    primaryAccounts,
    username: s.username,
    apiUrl: `${base}/jmap/api`,
    downloadUrl: `${base}/jmap/download/{accountId}/{blobId}/{name}?type={type}`,
    uploadUrl: `${base}/jmap/upload/{accountId}/`,
    eventSourceUrl: `${base}/jmap/eventsource?types={types}&closeafter={closeafter}&ping={ping}`,
  };
  const state = createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 16);
  return { ...body, state };
}
