/**
 * Ed25519 (RFC 8032, pure, no context). Keys are raw: a 32-byte secret seed and a 32-byte
 * public key. `verify` is strict and identical in every implementation (see strict.ts): it
 * returns false for anything malformed, including wrong lengths, and never throws.
 */
export interface Ed25519 {
  readonly name: 'node' | 'noble';
  sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array;
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
  getPublicKey(secretKey: Uint8Array): Uint8Array;
}
