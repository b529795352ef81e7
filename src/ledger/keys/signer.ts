import { createPrivateKey, createPublicKey, sign as nodeSign, type KeyObject } from 'node:crypto';

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

/** A signer over a node:crypto KeyObject. The key material is not reachable from outside. */
export class LocalSigner implements Signer {
  readonly #key: KeyObject;

  constructor(
    readonly kid: string,
    readonly publicKey: Uint8Array,
    secretKey: Uint8Array,
  ) {
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
    return Promise.resolve(new Uint8Array(nodeSign(null, message, this.#key)));
  }

  toJSON(): object {
    return { kid: this.kid };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `LocalSigner { kid: '${this.kid}' }`;
  }
}
