/** Secrets: random tokens, SHA-256 digests, constant-time comparison, argon2id password hashes. */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';

/** Opaque random token, base64url (32 bytes = 256 bits by default). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256Hex(s: string | Buffer): string {
  return createHash('sha256').update(s).digest('hex');
}

export function hmacHex(key: string, data: string): string {
  return createHmac('sha256', key).update(data).digest('hex');
}

/** Constant-time equality of two strings (lengths are compared first, which leaks only length). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  if (x.length !== y.length) {
    timingSafeEqual(x, x);
    return false;
  }
  return timingSafeEqual(x, y);
}

// Argon2id (RFC 9106) with OWASP's minimum profile: m=19 MiB, t=2, p=1. The library's default
// algorithm is Argon2id (the const enum cannot be imported under type stripping).
const ARGON = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argonHash(password, ARGON);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argonVerify(hash, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | null = null;
/** Hash checked when the identifier is unknown, so both answers take the same time. */
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomToken(16));
  return dummy;
}

/** Human-typable code from an unambiguous alphabet, in groups: "k7pq-3xmz-9rtw". */
export function randomCode(groups = 3, size = 4): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const out: string[] = [];
  for (let g = 0; g < groups; g++) {
    const bytes = randomBytes(size * 2);
    let s = '';
    for (let i = 0; s.length < size && i < bytes.length; i++) {
      // Rejection sampling keeps the distribution uniform (256 = 8*31 + 8).
      if (bytes[i] < 248) s += alphabet[bytes[i] % alphabet.length];
    }
    while (s.length < size) s += alphabet[randomBytes(1)[0] % alphabet.length];
    out.push(s);
  }
  return out.join('-');
}

/** Normalise a typed code: lower-case, no spaces or hyphens. */
export function normaliseCode(s: string): string {
  return s.toLowerCase().replace(/[\s-]/g, '');
}
