/** A software WebAuthn authenticator for tests ("none" attestation, ES256), with a minimal CBOR encoder. */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

type Cbor = number | string | Uint8Array | Map<Cbor, Cbor> | Record<string, unknown>;

function head(major: number, n: number): Buffer {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 256) return Buffer.from([(major << 5) | 24, n]);
  const b = Buffer.alloc(3);
  b[0] = (major << 5) | 25;
  b.writeUInt16BE(n, 1);
  return b;
}

/** RFC 8949 §3: just the types WebAuthn needs (ints, byte/text strings, maps). */
export function cbor(v: Cbor): Buffer {
  if (typeof v === 'number') return v >= 0 ? head(0, v) : head(1, -1 - v);
  if (typeof v === 'string') {
    const b = Buffer.from(v, 'utf8');
    return Buffer.concat([head(3, b.length), b]);
  }
  if (v instanceof Uint8Array) return Buffer.concat([head(2, v.length), Buffer.from(v)]);
  const entries = v instanceof Map ? [...v] : Object.entries(v);
  return Buffer.concat([head(5, entries.length), ...entries.flatMap(([k, x]) => [cbor(k as Cbor), cbor(x as Cbor)])]);
}

const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');

export class SoftAuthenticator {
  origin: string;
  rpId: string;
  credId = randomBytes(16);
  counter = 0;
  #key: KeyObject;
  #pub: KeyObject;
  constructor(origin: string) {
    this.origin = origin;
    this.rpId = new URL(origin).hostname;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.#key = privateKey;
    this.#pub = publicKey;
  }

  #authData(flags: number, attested?: Buffer): Buffer {
    const count = Buffer.alloc(4);
    count.writeUInt32BE(this.counter);
    return Buffer.concat([createHash('sha256').update(this.rpId).digest(), Buffer.from([flags]), count, ...(attested ? [attested] : [])]);
  }

  /** navigator.credentials.create() answer for the server's options. */
  register(options: { challenge: string }) {
    const jwk = this.#pub.export({ format: 'jwk' });
    // RFC 9053 §7.1.1: EC2 key, ES256 (-7), curve P-256 (1).
    const cose = cbor(new Map<Cbor, Cbor>([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x!, 'base64url')], [-3, Buffer.from(jwk.y!, 'base64url')]]));
    const len = Buffer.alloc(2);
    len.writeUInt16BE(this.credId.length);
    const attested = Buffer.concat([Buffer.alloc(16), len, this.credId, cose]);
    const authData = this.#authData(0x01 | 0x04 | 0x40, attested);
    const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.create', challenge: options.challenge, origin: this.origin, crossOrigin: false }));
    const attestationObject = cbor({ fmt: 'none', attStmt: new Map(), authData });
    return { id: b64u(this.credId), rawId: b64u(this.credId), type: 'public-key', response: { clientDataJSON: b64u(clientDataJSON), attestationObject: b64u(attestationObject), transports: ['usb'] }, clientExtensionResults: {} };
  }

  /** navigator.credentials.get() answer. */
  authenticate(options: { challenge: string }) {
    this.counter++;
    const authData = this.#authData(0x01 | 0x04);
    const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: options.challenge, origin: this.origin, crossOrigin: false }));
    const signature = sign('sha256', Buffer.concat([authData, createHash('sha256').update(clientDataJSON).digest()]), this.#key);
    return { id: b64u(this.credId), rawId: b64u(this.credId), type: 'public-key', response: { clientDataJSON: b64u(clientDataJSON), authenticatorData: b64u(authData), signature: b64u(signature) }, clientExtensionResults: {} };
  }
}
