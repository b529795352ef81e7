import { createPrivateKey, createPublicKey, sign as nodeSign, type KeyObject } from 'node:crypto';
import type { SignPool } from './sign-pool.js';

/**
 * The signing port. The local keystore implements it; a KMS or HSM can too: the private
 * key never has to leave it. `sign` gets the domain-separated signing payload.
 */
export interface Signer {
  readonly kid: string;
  /** Raw 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/**
 * A signer over a node:crypto KeyObject. The key material is not reachable from outside.
 * With a SignPool it signs on the pool's threads (the KeyObject is cloned into them, never
 * exported), and on its own thread if the pool fails.
 */
export class LocalSigner implements Signer {
  readonly #key: KeyObject;
  readonly #pool: SignPool | undefined;

  constructor(
    readonly kid: string,
    readonly publicKey: Uint8Array,
    secretKey: Uint8Array,
    pool?: SignPool,
  ) {
    this.#pool = pool;
    this.#key = createPrivateKey({
      key: { kty: 'OKP', crv: 'Ed25519', d: Buffer.from(secretKey).toString('base64url'), x: Buffer.from(publicKey).toString('base64url') },
      format: 'jwk',
    });
    // Reject a secret key that does not belong to the public key.
    const derived = createPublicKey(this.#key).export({ format: 'jwk' }).x;
    if (derived !== Buffer.from(publicKey).toString('base64url')) {
      throw new Error(`key ${kid}: the private key does not match its public key`);
    }
  }

  sign(message: Uint8Array): Promise<Uint8Array> {
    if (this.#pool?.usable) return this.#pool.sign(this.kid, this.#key, message).catch(() => this.signHere(message));
    return Promise.resolve(this.signHere(message));
  }

  private signHere(message: Uint8Array): Uint8Array {
    return new Uint8Array(nodeSign(null, message, this.#key));
  }

  toJSON(): object {
    return { kid: this.kid };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `LocalSigner { kid: '${this.kid}' }`;
  }
}
