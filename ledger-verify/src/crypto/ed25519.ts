import { bytesToHex, hexToBytes } from '../encoding.js';
import { ed25519Noble } from './ed25519-noble.js';
import { ed25519Node } from './ed25519-node.js';
import type { Ed25519 } from './ed25519-types.js';

export type { Ed25519 } from './ed25519-types.js';
export { ed25519Node } from './ed25519-node.js';
export { ed25519Noble } from './ed25519-noble.js';
export { checkPublicKey, type KeyRejection } from './strict.js';

// RFC 8032 section 7.1 TEST 1: a known answer proving the node path really does Ed25519
// (a FIPS-restricted OpenSSL, for instance, may refuse it).
const KAT_SEED = hexToBytes('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60') as Uint8Array;
const KAT_PUBLIC = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';

function nodeWorks(impl: Ed25519): boolean {
  try {
    return bytesToHex(impl.getPublicKey(KAT_SEED)) === KAT_PUBLIC;
  } catch {
    return false;
  }
}

/** The fast path (node:crypto) where available and working, else the portable one. */
export const ed25519: Ed25519 = ed25519Node && nodeWorks(ed25519Node) ? ed25519Node : ed25519Noble;
