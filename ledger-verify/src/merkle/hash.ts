// RFC 9162 section 2.1.1 hashing (identical to RFC 6962): the Merkle tree hash of the ledger's
// global log. A leaf is an event hash (32 bytes); the empty tree's root is SHA-256 of nothing.

import { hexToBytes, isLowerHex } from '../encoding.js';
import { sha256 } from '../crypto/sha.js';

/** Length of every hash in the tree (SHA-256). */
export const HASH_SIZE = 32;

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

/** Decodes an event hash given as 64 lowercase hex characters or as 32 raw bytes. */
export function eventHashBytes(eventHash: string | Uint8Array): Uint8Array {
  if (typeof eventHash === 'string') {
    if (!isLowerHex(eventHash, 2 * HASH_SIZE)) throw new TypeError('an event hash is 64 lowercase hex characters');
    return hexToBytes(eventHash) as Uint8Array;
  }
  if (!(eventHash instanceof Uint8Array) || eventHash.length !== HASH_SIZE) throw new TypeError('an event hash is 32 bytes');
  return eventHash;
}

/** Leaf hash: SHA-256(0x00 || the 32 bytes of the event hash). */
export function leafHash(eventHash: string | Uint8Array): Uint8Array {
  const bytes = eventHashBytes(eventHash);
  const buf = new Uint8Array(1 + HASH_SIZE);
  buf[0] = LEAF_PREFIX;
  buf.set(bytes, 1);
  return sha256(buf);
}

/** Interior node hash: SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const buf = new Uint8Array(1 + 2 * HASH_SIZE);
  buf[0] = NODE_PREFIX;
  buf.set(left, 1);
  buf.set(right, 1 + HASH_SIZE);
  return sha256(buf);
}

/** Root of the empty tree: SHA-256 of the empty string. */
export function emptyRoot(): Uint8Array {
  return sha256(new Uint8Array(0));
}

/** Largest power of two strictly less than n (n >= 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
