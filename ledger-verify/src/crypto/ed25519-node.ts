import type { KeyObject } from 'node:crypto';
import { FormatError } from '../errors.js';
import type { Ed25519 } from './ed25519-types.js';
import { nodeCrypto, type NodeCrypto } from './platform.js';
import { strictVerify, type AcceptedKey } from './strict.js';

// DER prefixes of an Ed25519 SubjectPublicKeyInfo and PKCS #8 PrivateKeyInfo (RFC 8410),
// each followed by the 32 raw key bytes.
const SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);
const PKCS8_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]);

function der(prefix: Uint8Array, key: Uint8Array): Buffer {
  const out = Buffer.alloc(prefix.length + key.length);
  out.set(prefix, 0);
  out.set(key, prefix.length);
  return out;
}

function asBytes(buf: Uint8Array): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

function assertSecretKey(secretKey: unknown): asserts secretKey is Uint8Array {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== 32) {
    throw new FormatError('BAD_KEY', 'an Ed25519 secret key is 32 bytes (the RFC 8032 seed)');
  }
}

function makeNodeEd25519(crypto: NodeCrypto): Ed25519 {
  // Importing a private key costs ~10 signatures, so KeyObjects are kept per secret-key array
  // (weakly: they go with the array), with a digest to notice an array that was overwritten.
  const privateKeys = new WeakMap<Uint8Array, { readonly digest: string; readonly key: KeyObject }>();
  const privateKey = (secretKey: Uint8Array): KeyObject => {
    assertSecretKey(secretKey);
    const digest = crypto.createHash('sha256').update(secretKey).digest('hex');
    const hit = privateKeys.get(secretKey);
    if (hit?.digest === digest) return hit.key;
    const buf = der(PKCS8_PREFIX, secretKey);
    try {
      const key = crypto.createPrivateKey({ key: buf, format: 'der', type: 'pkcs8' });
      privateKeys.set(secretKey, { digest, key });
      return key;
    } finally {
      buf.fill(0);
    }
  };
  const publicKeyObject = (key: AcceptedKey): KeyObject => {
    if (key.nodeKey === undefined) key.nodeKey = crypto.createPublicKey({ key: der(SPKI_PREFIX, key.bytes), format: 'der', type: 'spki' });
    return key.nodeKey as KeyObject;
  };
  return {
    name: 'node',
    sign(secretKey, message) {
      return asBytes(crypto.sign(null, message, privateKey(secretKey)));
    },
    verify(signature, message, publicKey) {
      // OpenSSL checks S < L and compares the encoding of [S]B - [k]A with R (cofactorless);
      // strictVerify adds the checks it lacks (canonical A, small order, subgroup).
      return strictVerify(signature, message, publicKey, (sig, msg, key) => crypto.verify(null, msg, publicKeyObject(key), sig));
    },
    getPublicKey(secretKey) {
      const spki = crypto.createPublicKey(privateKey(secretKey)).export({ format: 'der', type: 'spki' });
      return Uint8Array.from(spki.subarray(SPKI_PREFIX.length));
    },
  };
}

/** Ed25519 over node:crypto (OpenSSL); undefined where node:crypto is not available. */
export const ed25519Node: Ed25519 | undefined = nodeCrypto ? makeNodeEd25519(nodeCrypto) : undefined;
