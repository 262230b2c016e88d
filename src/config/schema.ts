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
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  supportContact: z.string().default(''),
});

export type ConfigInput = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema> & { hostname: string; publicUrl: string };

/** camelCase key -> PREAU_SCREAMING_SNAKE env var name. */
export function envName(key: string): string {
  return 'PREAU_' + key.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase();
}
