/** Security policy: protected names and domains, official senders, thresholds and tag scores (zod schema, loadable from JSON). */
import { z } from 'zod';

/** Every tag an analyzer can emit. Scores come from `SecurityPolicy.scores`. */
export const TAG_NAMES = [
  'DMARC_FAIL',
  'DMARC_REJECT_POLICY',
  'DMARC_QUARANTINE_POLICY',
  'SPF_FAIL',
  'SPF_SOFTFAIL',
  'DKIM_INVALID',
  'FROM_DISPLAY_IMPERSONATION',
  'SPOOFED_INSTITUTION_DOMAIN',
  'LOOKALIKE_DOMAIN',
  'CREDENTIAL_REQUEST',
  'EXTERNAL_LOGIN_LINK',
  'LINK_TEXT_MISMATCH',
  'HTML_FORM',
  'REPLYTO_FREEMAIL',
  'EXTERNAL_SENDER',
  'VERIFIED_OFFICIAL_SENDER',
  'OFFICIAL_NAME_UNVERIFIED',
  'EXECUTABLE_ATTACHMENT',
  'DISK_IMAGE_ATTACHMENT',
  'HTML_ATTACHMENT',
  'MACRO_DOCUMENT',
  'DOUBLE_EXTENSION',
  'RTLO_FILENAME',
  'ENCRYPTED_ARCHIVE',
  'BAYES_SPAM',
  'BAYES_HAM',
  'ALLOWLISTED_SENDER',
  'BLOCKLISTED_SENDER',
  'DNSBL_LISTED',
  'RSPAMD',
  'VIRUS_FOUND',
] as const;
export type TagName = (typeof TAG_NAMES)[number];

/** Default score of each tag (positive = suspicious). Admins override any of them. */
export const DEFAULT_SCORES: Record<TagName, number> = {
  DMARC_FAIL: 4,
  DMARC_REJECT_POLICY: 3,
  DMARC_QUARANTINE_POLICY: 2,
  SPF_FAIL: 2,
  SPF_SOFTFAIL: 0.5,
  DKIM_INVALID: 1.5,
  FROM_DISPLAY_IMPERSONATION: 4,
  SPOOFED_INSTITUTION_DOMAIN: 5,
  LOOKALIKE_DOMAIN: 6,
  CREDENTIAL_REQUEST: 4,
  EXTERNAL_LOGIN_LINK: 2,
  LINK_TEXT_MISMATCH: 3,
  HTML_FORM: 3,
  REPLYTO_FREEMAIL: 2.5,
  EXTERNAL_SENDER: 0,
  VERIFIED_OFFICIAL_SENDER: -5,
  OFFICIAL_NAME_UNVERIFIED: 5,
  EXECUTABLE_ATTACHMENT: 8,
  DISK_IMAGE_ATTACHMENT: 6,
  HTML_ATTACHMENT: 3,
  MACRO_DOCUMENT: 4,
  DOUBLE_EXTENSION: 5,
  RTLO_FILENAME: 8,
  ENCRYPTED_ARCHIVE: 3,
  BAYES_SPAM: 6,
  BAYES_HAM: -2,
  ALLOWLISTED_SENDER: -20,
  BLOCKLISTED_SENDER: 20,
  DNSBL_LISTED: 4,
  RSPAMD: 1,
  VIRUS_FOUND: 30,
};

/** Usual words of French school administration that a stranger should not use as a display name. */
export const DEFAULT_PROTECTED_NAMES = [
  'Rectorat',
  'Recteur',
  'Rectrice',
  'Académie',
  'DSDEN',
  'DASEN',
  'Inspection académique',
  'iProf',
  'I-Prof',
  'Paie',
  'Service de paie',
  'Bulletin de paie',
  'DRFIP',
  'ENSAP',
  'Ministère de l’Éducation nationale',
  'Éducation nationale',
  'Education.gouv',
  'DSI',
  'Division des systèmes d’information',
  'Service informatique',
  'Assistance informatique',
  'Messagerie académique',
  'Webmail',
  'Convergence',
  'Arena',
  'Administrateur',
  'Helpdesk',
  'Service du personnel',
  'Ressources humaines',
  'DRH',
  'DIPER',
];

/** Domains always considered part of the institution's world (plus the configured domain). */
export const DEFAULT_PROTECTED_DOMAINS = ['education.gouv.fr', 'ac-paris.fr', 'region-academique-idf.fr'];

/** Domains whose links are not suspicious in an institutional message (State sites). */
const ACADEMIES = 'aix-marseille amiens besancon bordeaux caen clermont corse creteil dijon grenoble guadeloupe guyane lille limoges lyon martinique mayotte montpellier nancy-metz nantes nice normandie noumea orleans-tours paris poitiers polynesie reims rennes reunion rouen spm strasbourg toulouse versailles wf';

/** Domains whose links are not suspicious and which are never look-alikes: State sites and the académies. */
export const DEFAULT_TRUSTED_LINK_DOMAINS = ['gouv.fr', 'education.fr', 'service-public.fr', 'region-academique-idf.fr', ...ACADEMIES.split(' ').map((a) => `ac-${a}.fr`)];

export const DEFAULT_FREEMAIL = [
  'gmail.com', 'googlemail.com', 'yahoo.fr', 'yahoo.com', 'hotmail.fr', 'hotmail.com', 'outlook.fr', 'outlook.com',
  'live.fr', 'live.com', 'msn.com', 'orange.fr', 'wanadoo.fr', 'free.fr', 'laposte.net', 'sfr.fr', 'neuf.fr',
  'bbox.fr', 'aol.com', 'aol.fr', 'gmx.fr', 'gmx.com', 'gmx.net', 'icloud.com', 'me.com', 'protonmail.com',
  'proton.me', 'yandex.ru', 'yandex.com', 'mail.ru', 'mail.com', 'zoho.com', 'tutanota.com', 'numericable.fr',
];

const officialSender = z.strictObject({
  /** Address ("paie@ac-paris.fr") or whole domain ("@ac-paris.fr"). */
  address: z.string().min(3),
  /** Display name the sender uses ("Service de paie"); used to flag the same name from elsewhere. */
  name: z.string().min(1).optional(),
});

export const securityPolicySchema = z.strictObject({
  /** The institution's own domains (the configured domain is always added). */
  institutionDomains: z.array(z.string()).default([]),
  /** Names a stranger must not display; the configured orgName is always added. */
  protectedNames: z.array(z.string()).default(DEFAULT_PROTECTED_NAMES),
  /** Domains others must not imitate (look-alikes); institution domains are always added. */
  protectedDomains: z.array(z.string()).default(DEFAULT_PROTECTED_DOMAINS),
  trustedLinkDomains: z.array(z.string()).default(DEFAULT_TRUSTED_LINK_DOMAINS),
  officialSenders: z.array(officialSender).default([]),
  freemailDomains: z.array(z.string()).default(DEFAULT_FREEMAIL),
  junkThreshold: z.number().default(6),
  rejectThreshold: z.number().default(15),
  /** Sum of phishing-family scores above which the message is called phishing. */
  phishingThreshold: z.number().default(6),
  scores: z.partialRecord(z.enum(TAG_NAMES), z.number()).default({}),
  /** flag: tag and score only; quarantine: dangerous attachments always go to Junk. */
  attachmentPolicy: z.enum(['flag', 'quarantine']).default('quarantine'),
  /** e.g. "[EXTERNE]": prefixed to the subject of mail from outside; empty = off. */
  externalSubjectTag: z.string().default(''),
  /** RFC 7489 §6.6.2: honour p=quarantine by filing into Junk. */
  dmarcQuarantineToJunk: z.boolean().default(true),
  /** RFC 7489 §6.6.2: honour p=reject by refusing at DATA (550 5.7.1). */
  dmarcRejectAtSmtp: z.boolean().default(true),
  bayes: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Messages of each class needed before the classifier speaks. */
      minMessages: z.number().int().min(1).default(50),
    })
    .default({ enabled: true, minMessages: 50 }),
  /** Address receiving "report phishing" forwards; empty = no forward. */
  reportAddress: z.string().default(''),
  dnsbl: z.strictObject({ zones: z.array(z.string()).default([]), timeoutMs: z.number().default(1500) }).default({ zones: [], timeoutMs: 1500 }),
  rspamd: z.strictObject({ url: z.string().default(''), timeoutMs: z.number().default(5000), password: z.string().default('') }).default({ url: '', timeoutMs: 5000, password: '' }),
  clamav: z.strictObject({ host: z.string().default(''), port: z.number().int().default(3310), timeoutMs: z.number().default(10000) }).default({ host: '', port: 3310, timeoutMs: 10000 }),
});

export type SecurityPolicyInput = z.input<typeof securityPolicySchema>;
export type ParsedPolicy = z.output<typeof securityPolicySchema>;

/** The resolved policy analyzers use: lists normalised, the configuration merged in. */
export interface SecurityPolicy extends Omit<ParsedPolicy, 'scores'> {
  orgName: string;
  scores: Record<TagName, number>;
}

/** Build the effective policy from Préau's config (`domain`, `orgName`) and an optional JSON override. */
export function resolvePolicy(config: { domain: string; orgName: string }, input: SecurityPolicyInput = {}): SecurityPolicy {
  const p = securityPolicySchema.parse(input);
  const lower = (xs: string[]) => [...new Set(xs.map((x) => x.trim().toLowerCase()).filter(Boolean))];
  const institutionDomains = lower([config.domain, ...p.institutionDomains]);
  return {
    ...p,
    orgName: config.orgName,
    institutionDomains,
    protectedDomains: lower([...institutionDomains, ...p.protectedDomains]),
    protectedNames: [...new Set([config.orgName, ...p.protectedNames])],
    trustedLinkDomains: lower([...institutionDomains, ...p.protectedDomains, ...p.trustedLinkDomains]),
    freemailDomains: lower(p.freemailDomains),
    officialSenders: p.officialSenders.map((o) => ({ ...o, address: o.address.toLowerCase() })),
    scores: { ...DEFAULT_SCORES, ...p.scores } as Record<TagName, number>,
  };
}
