// Merkle tree hash of a list of leaf hashes, and an incremental ("compact range") tree that keeps
// only the roots of the perfect subtrees of its size's binary decomposition: O(log n) memory,
// O(1) amortized hashing per appended leaf, the root at any size.

import { emptyRoot, HASH_SIZE, nodeHash } from './hash.js';

/** MTH(D[n]) of RFC 9162 2.1.1 over already-computed leaf hashes. */
export function merkleRoot(leafHashes: readonly Uint8Array[]): Uint8Array {
  if (leafHashes.length === 0) return emptyRoot();
  const tree = new CompactTree();
  for (const h of leafHashes) tree.append(h);
  return tree.root();
}

/**
 * Incremental Merkle tree. `append(leafHash)` adds leaf `size`; `root()` is MTH of all leaves so
 * far. Holds one hash per set bit of `size` (at most 53).
 */
export class CompactTree {
  /** Roots of perfect subtrees, largest (leftmost) first; their sizes are the set bits of `size`. */
  #hashes: Uint8Array[] = [];
  #size = 0;

  /** Restores a tree from its size and the roots of its perfect subtrees (as `state()` returns them). */
  static restore(size: number, hashes: readonly Uint8Array[]): CompactTree {
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError('tree size must be a non-negative safe integer');
    let bits = 0;
    for (let s = size; s > 0; s = Math.floor(s / 2)) bits += s % 2;
    if (hashes.length !== bits) throw new RangeError(`a tree of size ${size} has ${bits} subtree roots, got ${hashes.length}`);
    for (const h of hashes) if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) throw new RangeError('subtree roots are 32 bytes');
    const t = new CompactTree();
    t.#hashes = hashes.map((h) => Uint8Array.from(h));
    t.#size = size;
    return t;
  }

  get size(): number {
    return this.#size;
  }

  /** The subtree roots (largest first), enough to `restore` the tree later. */
  state(): { size: number; hashes: Uint8Array[] } {
    return { size: this.#size, hashes: this.#hashes.map((h) => Uint8Array.from(h)) };
  }

  append(leafHash: Uint8Array): void {
    if (!(leafHash instanceof Uint8Array) || leafHash.length !== HASH_SIZE) throw new TypeError('a leaf hash is 32 bytes');
    if (this.#size >= Number.MAX_SAFE_INTEGER) throw new RangeError('tree is full');
    let h = leafHash;
    // Merge with the trailing perfect subtrees of equal size: one per trailing 1 bit of size.
    let s = this.#size;
    while (s % 2 === 1) {
      h = nodeHash(this.#hashes.pop() as Uint8Array, h);
      s = (s - 1) / 2;
    }
    this.#hashes.push(h);
    this.#size++;
  }

  root(): Uint8Array {
    const n = this.#hashes.length;
    if (n === 0) return emptyRoot();
    let h = this.#hashes[n - 1] as Uint8Array;
    for (let i = n - 2; i >= 0; i--) h = nodeHash(this.#hashes[i] as Uint8Array, h);
    return h;
  }
}
