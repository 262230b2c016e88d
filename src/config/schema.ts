/** Préau configuration: the zod schema is the single source of truth for every PREAU_* setting. */
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const bool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])]).transform((v) => v === true || v === 'true' || v === '1' || v === 'yes');

/** Each key maps to the environment variable PREAU_<KEY in SCREAMING_SNAKE_CASE>. */
export const configSchema = z.strictObject({
  dataDir: z.string().min(1).default('./data'),
  domain: z.string().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i, 'must be a domain name such as ac-exemple.fr').default('preau.test'),
  hostname: z.string().min(1).optional(),
  databaseUrl: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres:// (leave it unset for SQLite)').optional(),
  orgName: z.string().min(1).default('Académie de Préau'),
  listen: z.string().min(1).default('127.0.0.1'),
  smtpPort: port.default(2525),
  submissionPort: port.default(5870),
  submissionsPort: port.default(0),
  imapPort: port.default(1143),
  imapsPort: port.default(0),
  /** IMAP: open connections allowed from one client address (loopback included); more get BYE [UNAVAILABLE]. */
  imapMaxConnectionsPerIp: z.coerce.number().int().min(1).default(100),
  /** IMAP: signed-in connections allowed per account; another LOGIN gets NO [LIMIT] (RFC 5530). */
  imapMaxConnectionsPerAccount: z.coerce.number().int().min(1).default(30),
  httpPort: port.default(8080),
  publicUrl: z.string().url().optional(),
  tlsCert: z.string().optional(),
  tlsKey: z.string().optional(),
  /** Allow LOGIN/AUTH on plain connections from loopback (development, tests). */
  allowPlainLoopback: bool.default(true),
  /** Allow LOGIN/AUTH on plain connections from anywhere (never in production). */
  allowPlainAuth: bool.default(false),
  defaultQuota: z.string().regex(/^\d+(\.\d+)?\s*(B|KB|MB|GB|K|M|G|o|Ko|Mo|Go)?$/i, 'must be a size such as 50MB').default('50MB'),
  maxMessageSize: z.string().regex(/^\d+(\.\d+)?\s*(B|KB|MB|GB|K|M|G|o|Ko|Mo|Go)?$/i, 'must be a size such as 25MB').default('25MB'),
  relayHost: z.string().regex(/^[^:\s]+(:\d+)?$/, 'must be host:port').optional(),
  relayUser: z.string().optional(),
  relayPassword: z.string().optional(),
  /** Submission (RFC 6409): maximum recipients per message. */
  submissionMaxRecipients: z.coerce.number().int().min(1).default(100),
  /** Per-account hourly messages: warning logged (submission.rate.warning) / hard limit (451 4.7.1). */
  submissionHourlyMessagesWarn: z.coerce.number().int().min(1).default(200),
  submissionHourlyMessagesLimit: z.coerce.number().int().min(1).default(500),
  /** Per-account hourly recipients: warning level / hard limit. */
  submissionHourlyRecipientsWarn: z.coerce.number().int().min(1).default(1000),
  submissionHourlyRecipientsLimit: z.coerce.number().int().min(1).default(2000),
  /** Store a copy of SMTP-submitted mail in Sent (off: clients such as Thunderbird APPEND it themselves). */
  submissionSaveSent: bool.default(false),
  /** Outbound: simultaneous SMTP connections in all, and per destination domain. */
  outboundConcurrency: z.coerce.number().int().min(1).default(10),
  outboundDomainConcurrency: z.coerce.number().int().min(1).default(3),
  /** Outbound retries (RFC 5321 §4.5.4.1: configurable): first delay, doubling up to the max, give up after the lifetime; one delay warning. */
  queueRetryFirstMinutes: z.coerce.number().positive().default(5),
  queueRetryMaxMinutes: z.coerce.number().positive().default(240),
  queueLifetimeHours: z.coerce.number().positive().default(120),
  queueDelayWarningHours: z.coerce.number().positive().default(4),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  supportContact: z.string().default(''),
  /** JSON file with the protection policy (protected names, official senders, thresholds …), see docs/protection.md. */
  securityPolicy: z.string().optional(),
  /** Sign-in (src/auth): idle and absolute session lifetimes; shorter ones for "shared computer". */
  sessionIdleMinutes: z.coerce.number().int().min(1).max(24 * 60).default(30),
  sessionAbsoluteHours: z.coerce.number().min(0.1).max(24 * 30).default(12),
  sharedSessionIdleMinutes: z.coerce.number().int().min(1).max(24 * 60).default(10),
  sharedSessionAbsoluteHours: z.coerce.number().min(0.1).max(24).default(4),
  /** Roles that must use two-factor authentication (comma-separated); admin always does. */
  require2faRoles: z.string().regex(/^\s*((user|helpdesk|admin)\s*(,\s*(user|helpdesk|admin)\s*)*)?$/, 'must be a comma-separated list of user, helpdesk, admin').default('admin'),
  /** Extra origins allowed on state-changing HTTP requests besides publicUrl's (comma-separated). */
  httpAllowedOrigins: z.string().default(''),
  /** Droit à la déconnexion (webmail guard rail): working hours, Monday to Friday, "HH:MM-HH:MM". */
  workingHours: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'must be a time range such as 08:00-18:30')
    .refine((v) => v.slice(0, 5) < v.slice(6), 'the end of workingHours must come after its start').default('08:00-18:30'),
  /** School holidays: comma-separated ISO date ranges (inclusive) such as 2026-12-19..2027-01-03,2027-02-06..2027-02-21. */
  schoolHolidays: z.string()
    .regex(/^\s*(\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2}\s*(,\s*\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2}\s*)*)?$/, 'must be a comma-separated list of date ranges such as 2026-12-19..2027-01-03,2027-02-06..2027-02-21')
    .refine((v) => parseDateRanges(v).every((r) => validDay(r.start) && validDay(r.end) && r.start <= r.end), 'each school holiday range must hold real dates, the first not after the second (YYYY-MM-DD..YYYY-MM-DD)')
    .default(''),
  /** Reverse proxies whose X-Forwarded-For is believed (comma-separated addresses or CIDRs); empty = none. */
  httpTrustProxy: z.string().default(''),
});

/** "2026-12-19..2027-01-03,2027-02-06..2027-02-21" -> [{ start, end }] (inclusive ISO dates). */
export function parseDateRanges(v: string): { start: string; end: string }[] {
  return v.split(',').map((x) => x.trim()).filter(Boolean).map((x) => {
    const [start = '', end = ''] = x.split('..');
    return { start, end };
  });
}

function validDay(d: string): boolean {
  const t = Date.parse(`${d}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === d;
}

export type ConfigInput = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema> & { hostname: string; publicUrl: string };

/** camelCase key -> PREAU_SCREAMING_SNAKE env var name. */
export function envName(key: string): string {
  return 'PREAU_' + key.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase();
}
