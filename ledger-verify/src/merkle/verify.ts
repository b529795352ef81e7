// Proof verification, RFC 9162 2.1.3.2 and 2.1.4.2. Both return false (never throw) for any
// malformed input: wrong lengths, sizes out of range, proofs too long or too short.

import { equalBytes } from '../encoding.js';
import { HASH_SIZE, nodeHash } from './hash.js';

function isHash(h: unknown): h is Uint8Array {
  return h instanceof Uint8Array && h.length === HASH_SIZE;
}

function isSize(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

function allHashes(proof: unknown): proof is readonly Uint8Array[] {
  return Array.isArray(proof) && proof.length <= 64 && proof.every(isHash);
}

function isPowerOfTwo(n: number): boolean {
  while (n > 1 && n % 2 === 0) n /= 2;
  return n === 1;
}

/** Root computed from a leaf and its inclusion proof, or undefined when the proof's shape is wrong. */
export function rootFromInclusionProof(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array | undefined {
  if (!isSize(index) || !isSize(size) || index >= size || !isHash(leafHash) || !allHashes(proof)) return undefined;
  // Bit arithmetic on numbers beyond 2^31 would overflow: use division.
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : undefined;
}

/** True iff `proof` proves leaf `leafHash` at `index` in the tree of `size` leaves with root `root`. */
export function verifyInclusion(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!isHash(root)) return false;
  const r = rootFromInclusionProof(index, size, leafHash, proof);
  return r !== undefined && equalBytes(r, root);
}

/**
 * True iff `proof` proves that the tree of size `m` with root `oldRoot` is a prefix of the tree
 * of size `n` with root `newRoot`. For m = n the proof must be empty and the roots equal; for
 * m = 0 the proof must be empty (every tree extends the empty one).
 */
export function verifyConsistency(m: number, n: number, oldRoot: Uint8Array, newRoot: Uint8Array, proof: readonly Uint8Array[]): boolean {
  if (!isSize(m) || !isSize(n) || m > n || !isHash(oldRoot) || !isHash(newRoot) || !allHashes(proof)) return false;
  if (m === n) return proof.length === 0 && equalBytes(oldRoot, newRoot);
  if (m === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  let path = proof;
  // m a power of two: the old root is itself a node of the new tree, the proof omits it.
  if (isPowerOfTwo(m)) path = [oldRoot, ...proof];
  let fn = m - 1;
  let sn = n - 1;
  while (fn % 2 === 1) {
    fn = (fn - 1) / 2;
    sn = Math.floor(sn / 2);
  }
  let fr = path[0] as Uint8Array;
  let sr = path[0] as Uint8Array;
  for (let i = 1; i < path.length; i++) {
    const c = path[i] as Uint8Array;
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equalBytes(fr, oldRoot) && equalBytes(sr, newRoot);
}
