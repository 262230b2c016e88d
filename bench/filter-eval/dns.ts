/** The bench's injected DNS: SPF, DKIM and DMARC records of every domain the corpus uses (keys made at run time). */
import { dkimKey, fakeResolver } from '../../src/security/test-support.ts';
import type { DnsResolver } from '../../src/security/auth.ts';

export interface DomainSpec {
  /** SPF record, or null for none. */
  spf: string | null;
  /** DKIM selector when the domain signs. */
  dkim?: string;
  /** DMARC record, or null for none. */
  dmarc: string | null;
}

/** Domains and their published policies. IPs are documentation ranges (RFC 5737) and fictitious. */
export const DOMAINS: Record<string, DomainSpec> = {
  'ac-paris.fr': { spf: 'v=spf1 ip4:192.0.2.0/25 -all', dkim: 'acp2026', dmarc: 'v=DMARC1; p=reject; rua=mailto:dmarc@ac-paris.fr' },
  'education.gouv.fr': { spf: 'v=spf1 ip4:198.51.100.0/26 -all', dkim: 'men', dmarc: 'v=DMARC1; p=reject' },
  'ac-creteil.fr': { spf: 'v=spf1 ip4:198.51.100.64/26 -all', dkim: 'acc', dmarc: 'v=DMARC1; p=quarantine' },
  'region-academique-idf.fr': { spf: 'v=spf1 ip4:198.51.100.128/26 -all', dkim: 'raidf', dmarc: 'v=DMARC1; p=reject' },
  'gmail.com': { spf: 'v=spf1 ip4:209.85.220.0/24 ~all', dkim: '20230601', dmarc: 'v=DMARC1; p=none; sp=quarantine' },
  'orange.fr': { spf: 'v=spf1 ip4:80.12.242.0/24 ~all', dkim: 'orange', dmarc: 'v=DMARC1; p=none' },
  'wanadoo.fr': { spf: 'v=spf1 ip4:80.12.242.0/24 ~all', dkim: 'orange', dmarc: 'v=DMARC1; p=none' },
  'free.fr': { spf: 'v=spf1 ip4:212.27.42.0/24 ~all', dmarc: null },
  'hotmail.fr': { spf: 'v=spf1 ip4:40.92.0.0/16 ~all', dkim: 'selector1', dmarc: 'v=DMARC1; p=none' },
  'laposte.net': { spf: 'v=spf1 ip4:160.92.124.0/24 -all', dkim: 'lpn', dmarc: 'v=DMARC1; p=none' },
  'yahoo.fr': { spf: 'v=spf1 ip4:87.248.110.0/24 ~all', dkim: 's2048', dmarc: 'v=DMARC1; p=reject' },
  // Newsletters sent through an e-mail service provider: bounces on the ESP, DKIM by the brand.
  'esp-bounces.net': { spf: 'v=spf1 ip4:185.41.28.0/24 -all', dmarc: null },
  'nathan.fr': { spf: 'v=spf1 include:esp-bounces.net -all', dkim: 'esp', dmarc: 'v=DMARC1; p=none' },
  'cafepedagogique.net': { spf: 'v=spf1 -all', dkim: 'esp', dmarc: 'v=DMARC1; p=none' },
  'mgen.fr': { spf: 'v=spf1 -all', dkim: 'esp', dmarc: 'v=DMARC1; p=quarantine' },
  'camif.fr': { spf: 'v=spf1 -all', dkim: 'esp', dmarc: 'v=DMARC1; p=none' },
  'letudiant.fr': { spf: 'v=spf1 -all', dkim: 'esp', dmarc: 'v=DMARC1; p=none' },
  'fnac.com': { spf: 'v=spf1 -all', dkim: 'esp', dmarc: 'v=DMARC1; p=reject' },
  'sncf-connect.com': { spf: 'v=spf1 -all', dkim: 'esp', dmarc: 'v=DMARC1; p=reject' },
  'pronote.net': { spf: 'v=spf1 ip4:185.41.29.0/24 -all', dkim: 'idx', dmarc: 'v=DMARC1; p=none' },
  // Attackers publish SPF for the domains they register; some sign too.
  'ac-pariss.fr': { spf: 'v=spf1 ip4:45.95.11.0/24 -all', dmarc: null },
  'ac-paris-fr.com': { spf: 'v=spf1 ip4:45.95.11.0/24 -all', dkim: 'default', dmarc: 'v=DMARC1; p=none' },
  'xn--c-paris-1fg.fr': { spf: 'v=spf1 ip4:45.95.11.0/24 -all', dmarc: null },
  'acparis.fr': { spf: 'v=spf1 ip4:45.95.11.0/24 -all', dmarc: null },
  'ac-parls.fr': { spf: 'v=spf1 ip4:45.95.11.0/24 -all', dmarc: null },
  'education-gouv.fr': { spf: 'v=spf1 ip4:45.95.11.0/24 -all', dkim: 'mail', dmarc: 'v=DMARC1; p=none' },
  'educatlon-gouv.com': { spf: 'v=spf1 ip4:45.95.11.0/24 -all', dmarc: null },
  'secure-verify.com': { spf: 'v=spf1 ip4:45.95.11.0/24 -all', dmarc: null },
  'rh-education.info': { spf: 'v=spf1 ip4:45.95.12.0/24 -all', dkim: 'k1', dmarc: 'v=DMARC1; p=none' },
  'paie-enseignants.org': { spf: 'v=spf1 ip4:45.95.12.0/24 -all', dmarc: null },
  'boulangerie-dupont.fr': { spf: 'v=spf1 ip4:91.121.0.0/16 ~all', dmarc: null },
  'cabinet-durand-avocats.fr': { spf: 'v=spf1 ip4:91.121.0.0/16 ~all', dmarc: null },
  'mail-service-notification.com': { spf: 'v=spf1 ip4:45.95.13.0/24 -all', dmarc: null },
  'webmail-update.net': { spf: 'v=spf1 ip4:45.95.13.0/24 -all', dmarc: null },
  'm1crosoft-support.com': { spf: 'v=spf1 ip4:45.95.13.0/24 -all', dmarc: null },
  // Hold-out lures (corpus-holdout.ts).
  'acparis-securite.fr': { spf: 'v=spf1 ip4:45.95.14.0/24 -all', dmarc: null },
  'outlook.fr': { spf: 'v=spf1 ip4:40.92.0.0/16 ~all', dmarc: 'v=DMARC1; p=none' },
  'webmail-acparis.com': { spf: 'v=spf1 ip4:45.95.14.0/24 -all', dmarc: null },
  'notify-docs.net': { spf: 'v=spf1 ip4:45.95.14.0/24 -all', dmarc: null },
  'univ-mail.org': { spf: 'v=spf1 ip4:45.95.14.0/24 -all', dmarc: null },
  'ensap-gouv.fr': { spf: 'v=spf1 ip4:45.95.14.0/24 -all', dmarc: null },
  'secu-messagerie.info': { spf: 'v=spf1 ip4:45.95.14.0/24 -all', dmarc: null },
  // Spam senders.
  'promo-flash.biz': { spf: 'v=spf1 ip4:103.77.0.0/16 -all', dmarc: null },
  'mega-gains.top': { spf: 'v=spf1 ip4:103.77.0.0/16 -all', dmarc: null },
  'seo-rank-expert.xyz': { spf: 'v=spf1 ip4:103.78.0.0/16 -all', dmarc: null },
  'pret-rapide.online': { spf: 'v=spf1 ip4:103.78.0.0/16 -all', dmarc: null },
  'cryptobonus.io': { spf: 'v=spf1 ip4:103.79.0.0/16 -all', dkim: 'cb', dmarc: 'v=DMARC1; p=none' },
  'pharma-direct.ru': { spf: null, dmarc: null },
};

export interface BenchDns {
  resolver: DnsResolver;
  keys: Map<string, { selector: string; privateKey: string }>;
}

export function benchDns(): BenchDns {
  const zone: Record<string, Record<string, unknown[]>> = {};
  const keys = new Map<string, { selector: string; privateKey: string }>();
  const esp = 'ip4:185.41.28.0/24';
  for (const [domain, spec] of Object.entries(DOMAINS)) {
    const spf = spec.spf?.replace('v=spf1 -all', `v=spf1 ${esp} -all`) ?? null;
    zone[domain] = spf ? { TXT: [spf] } : { A: ['192.0.2.250'] };
    if (spec.dmarc) zone[`_dmarc.${domain}`] = { TXT: [spec.dmarc] };
    if (spec.dkim) {
      const k = dkimKey(1024);
      keys.set(domain, { selector: spec.dkim, privateKey: k.privateKey });
      zone[`${spec.dkim}._domainkey.${domain}`] = { TXT: [k.record] };
    }
  }
  return { resolver: fakeResolver(zone), keys };
}
