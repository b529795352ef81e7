// Inclusion and consistency proofs (RFC 9162 2.1.3.1 and 2.1.4.1), generated over any source of
// perfect-subtree hashes: a store that keeps tree nodes, or a plain array of leaf hashes.

import { HASH_SIZE, nodeHash, splitPoint } from './hash.js';

/** A perfect subtree: the 2^level leaves starting at leaf index * 2^level. */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/** Returns the hash of a perfect subtree (level 0: a leaf hash). */
export type HashAt = (level: number, index: number) => Uint8Array;
export type HashAtAsync = (level: number, index: number) => Uint8Array | Promise<Uint8Array>;

/** Leaves [start, end) of one proof element; its hash folds `nodes` from the right. */
export interface ProofRange {
  readonly start: number;
  readonly end: number;
  readonly nodes: readonly NodeId[];
}

function checkSize(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative safe integer, got ${String(n)}`);
}

/** The perfect subtrees whose fold is MTH of leaves [start, end) (a range that is a node of some tree). */
function rangeNodes(start: number, end: number): NodeId[] {
  const nodes: NodeId[] = [];
  let s = start;
  while (s < end) {
    let size = 1;
    let level = 0;
    while (size * 2 <= end - s && s % (size * 2) === 0) {
      size *= 2;
      level++;
    }
    nodes.push({ level, index: s / size });
    s += size;
  }
  return nodes;
}

function range(start: number, end: number): ProofRange {
  return { start, end, nodes: rangeNodes(start, end) };
}

/** The ranges whose hashes form PATH(index, D[size]), in proof order (leaf side first). */
export function inclusionProofRanges(index: number, size: number): ProofRange[] {
  checkSize('size', size);
  checkSize('index', index);
  if (index >= size) throw new RangeError(`leaf index ${index} is not in a tree of size ${size}`);
  const out: ProofRange[] = [];
  let start = 0;
  let end = size;
  let m = index;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (m < k) {
      out.push(range(start + k, end));
      end = start + k;
    } else {
      out.push(range(start, start + k));
      start += k;
      m -= k;
    }
  }
  return out.reverse();
}

/** The ranges whose hashes form PROOF(m, D[n]) (empty when m is 0 or m = n), in proof order. */
export function consistencyProofRanges(m: number, n: number): ProofRange[] {
  checkSize('m', m);
  checkSize('n', n);
  if (m > n) throw new RangeError(`old size ${m} is larger than new size ${n}`);
  if (m === 0 || m === n) return [];
  const out: ProofRange[] = [];
  let start = 0;
  let end = n;
  let mm = m;
  let b = true;
  for (;;) {
    const len = end - start;
    if (mm === len) {
      if (!b) out.push(range(start, end));
      break;
    }
    const k = splitPoint(len);
    if (mm <= k) {
      out.push(range(start + k, end));
      end = start + k;
    } else {
      out.push(range(start, start + k));
      start += k;
      mm -= k;
      b = false;
    }
  }
  return out.reverse();
}

function fold(hashes: Uint8Array[]): Uint8Array {
  let h = hashes[hashes.length - 1] as Uint8Array;
  for (let i = hashes.length - 2; i >= 0; i--) h = nodeHash(hashes[i] as Uint8Array, h);
  return h;
}

/** A HashAt over an array of leaf hashes (computes subtree hashes on demand). */
export function leafArrayHashAt(leafHashes: readonly Uint8Array[]): HashAt {
  const at = (level: number, index: number): Uint8Array => {
    if (level === 0) {
      const h = leafHashes[index];
      if (!h || h.length !== HASH_SIZE) throw new RangeError(`no leaf hash at index ${index}`);
      return h;
    }
    return nodeHash(at(level - 1, 2 * index), at(level - 1, 2 * index + 1));
  };
  return at;
}

function provider(source: HashAt | readonly Uint8Array[]): HashAt {
  return typeof source === 'function' ? source : leafArrayHashAt(source);
}

function resolve(ranges: ProofRange[], hashAt: HashAt): Uint8Array[] {
  return ranges.map((r) => fold(r.nodes.map((n) => hashAt(n.level, n.index))));
}

async function resolveAsync(ranges: ProofRange[], hashAt: HashAtAsync): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const r of ranges) {
    const hashes: Uint8Array[] = [];
    for (const n of r.nodes) hashes.push(await hashAt(n.level, n.index));
    out.push(fold(hashes));
  }
  return out;
}

/** Inclusion proof for leaf `index` in the tree of `size` leaves. */
export function inclusionProof(index: number, size: number, source: HashAt | readonly Uint8Array[]): Uint8Array[] {
  return resolve(inclusionProofRanges(index, size), provider(source));
}

/** Consistency proof from the tree of size m to the tree of size n (m <= n). */
export function consistencyProof(m: number, n: number, source: HashAt | readonly Uint8Array[]): Uint8Array[] {
  return resolve(consistencyProofRanges(m, n), provider(source));
}

/** As inclusionProof, with a provider that may read from a store. */
export function inclusionProofAsync(index: number, size: number, hashAt: HashAtAsync): Promise<Uint8Array[]> {
  return resolveAsync(inclusionProofRanges(index, size), hashAt);
}

/** As consistencyProof, with a provider that may read from a store. */
export function consistencyProofAsync(m: number, n: number, hashAt: HashAtAsync): Promise<Uint8Array[]> {
  return resolveAsync(consistencyProofRanges(m, n), hashAt);
}
