/** DKIM keys per domain (RSA 2048, Ed25519) and signing of outgoing mail. RFC 6376, RFC 8463, RFC 8301. */
import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { dkimSign } from 'mailauth';
import type { Store } from '../store/store.ts';
import type { Logger } from '../log/index.ts';
import './tables.ts';

const genKeyPair = promisify(generateKeyPair);

export const DKIM_SELECTORS = { rsa: 'preau-rsa', ed25519: 'preau-ed' } as const;

export interface DkimKey {
  selector: string;
  algorithm: 'rsa' | 'ed25519';
  privateKey: string;
  /** Base64 value of the DNS p= tag. */
  publicKey: string;
}

// RFC 8301 §3.2: RSA keys of at least 1024 bits, 2048 recommended.
async function makeKey(algorithm: 'rsa' | 'ed25519'): Promise<{ privateKey: string; publicKey: string }> {
  if (algorithm === 'rsa') {
    const k = await genKeyPair('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'der' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    // RFC 6376 §3.6.1: p= is the base64 of the DER SubjectPublicKeyInfo for k=rsa.
    return { privateKey: k.privateKey, publicKey: Buffer.from(k.publicKey).toString('base64') };
  }
  const k = await genKeyPair('ed25519', { publicKeyEncoding: { type: 'spki', format: 'der' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  // RFC 8463 §4.2: p= is the base64 of the raw 32-byte Ed25519 public key (last 32 bytes of the SPKI).
  const der = Buffer.from(k.publicKey);
  return { privateKey: k.privateKey, publicKey: der.subarray(der.length - 32).toString('base64') };
}

const pending = new Map<number, Promise<DkimKey[]>>();

/** The domain's keys, generated on first use (or call it when the domain is created). Null for a domain we do not host. */
export async function ensureDkimKeys(store: Store, domainName: string): Promise<DkimKey[] | null> {
  const d = await store.db.selectFrom('domains').select('id').where('name', '=', domainName.toLowerCase()).executeTakeFirst();
  if (!d) return null;
  const domainId = Number(d.id);
  let p = pending.get(domainId);
  if (!p) {
    p = loadOrCreate(store, domainId).finally(() => pending.delete(domainId));
    pending.set(domainId, p);
  }
  return p;
}

async function loadOrCreate(store: Store, domainId: number): Promise<DkimKey[]> {
  const read = async () =>
    (await store.db.selectFrom('dkim_keys').selectAll().where('domain_id', '=', domainId).orderBy('id').execute()).map((r) => ({
      selector: r.selector,
      algorithm: r.algorithm as DkimKey['algorithm'],
      privateKey: r.private_key,
      publicKey: r.public_key,
    }));
  const have = await read();
  for (const algorithm of ['rsa', 'ed25519'] as const) {
    if (have.some((k) => k.algorithm === algorithm)) continue;
    const k = await makeKey(algorithm);
    // Another process may create the same selector at the same time: the unique index decides.
    await store.db
      .insertInto('dkim_keys')
      .values({ domain_id: domainId, selector: DKIM_SELECTORS[algorithm], algorithm, private_key: k.privateKey, public_key: k.publicKey, created_at: store.clock() })
      .onConflict((oc) => oc.columns(['domain_id', 'selector']).doNothing())
      .execute();
  }
  return have.length >= 2 ? have : read();
}

/** The TXT record value to publish at `<selector>._domainkey.<domain>` (RFC 6376 §3.6.1). */
export function dkimTxt(key: DkimKey): string {
  return `v=DKIM1; k=${key.algorithm}; p=${key.publicKey}`;
}

/**
 * Sign with every key of `domain` (RSA first for verifiers without RFC 8463). Returns the message
 * with DKIM-Signature fields prepended, or the message unchanged when the domain is not ours.
 * `raw` must already have CRLF line endings only.
 */
export async function signMessage(store: Store, log: Logger, raw: Buffer, domain: string, now: number): Promise<Buffer> {
  const keys = await ensureDkimKeys(store, domain);
  if (!keys?.length) return raw;
  const res = await dkimSign(raw, {
    canonicalization: 'relaxed/relaxed',
    signingDomain: domain,
    selector: keys[0].selector,
    privateKey: keys[0].privateKey,
    signTime: new Date(now),
    signatureData: keys.map((k) => ({ signingDomain: domain, selector: k.selector, privateKey: k.privateKey, algorithm: `${k.algorithm}-sha256`, canonicalization: 'relaxed/relaxed' })),
  });
  if (res.errors?.length) log.warn({ event: 'queue.dkim.error', domain, errors: res.errors.map((e: any) => e?.err?.message ?? String(e)) }, 'queue.dkim.error');
  return Buffer.concat([Buffer.from(res.signatures), raw]);
}
