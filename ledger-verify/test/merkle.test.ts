import { createHash, randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  base64ToBytes,
  CompactTree,
  consistencyProof,
  consistencyProofAsync,
  emptyRoot,
  inclusionProof,
  inclusionProofAsync,
  leafArrayHashAt,
  leafHash,
  merkleRoot,
  nodeHash,
  verifyConsistency,
  verifyInclusion,
} from '../src/index.js';
import { loadVectors, toHex } from './helpers/vectors.js';

interface MerkleVectors {
  source: string;
  leaves: string[];
  inclusion: {
    file: string;
    leafIdx: number;
    treeSize: number;
    root: string;
    leafHash: string;
    proof: string[] | null;
    wantErr: boolean;
  }[];
  consistency: { file: string; size1: number; size2: number; root1: string; root2: string; proof: string[] | null; wantErr: boolean }[];
}

const vectors = loadVectors<MerkleVectors>('transparency-dev-merkle.json');

function sha(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** Lenient decoding for the vectors, some of which hold deliberately wrong-length values. */
function b64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}

const testLeaves = vectors.leaves.map((d) => sha(Uint8Array.of(0), Buffer.from(d, 'hex')));

/** MTH of RFC 9162 2.1.1, written as the recursive definition. */
function naiveRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return sha();
  if (leaves.length === 1) return leaves[0] as Uint8Array;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha(Uint8Array.of(1), naiveRoot(leaves.slice(0, k)), naiveRoot(leaves.slice(k)));
}

/** PATH(m, D[n]) of RFC 9162 2.1.3.1, recursively. */
function naivePath(m: number, leaves: readonly Uint8Array[]): Uint8Array[] {
  if (leaves.length <= 1) return [];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return m < k
    ? [...naivePath(m, leaves.slice(0, k)), naiveRoot(leaves.slice(k))]
    : [...naivePath(m - k, leaves.slice(k)), naiveRoot(leaves.slice(0, k))];
}

/** SUBPROOF(m, D[n], b) of RFC 9162 2.1.4.1, recursively. */
function naiveSubproof(m: number, leaves: readonly Uint8Array[], b: boolean): Uint8Array[] {
  if (m === leaves.length) return b ? [] : [naiveRoot(leaves)];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return m <= k
    ? [...naiveSubproof(m, leaves.slice(0, k), b), naiveRoot(leaves.slice(k))]
    : [...naiveSubproof(m - k, leaves.slice(k), false), naiveRoot(leaves.slice(0, k))];
}

function randomLeaves(n: number): Uint8Array[] {
  return Array.from({ length: n }, () => leafHash(new Uint8Array(randomBytes(32))));
}

const hexes = (list: readonly Uint8Array[]): string[] => list.map(toHex);

describe('Merkle hashing (RFC 9162 2.1.1)', () => {
  test('given an event hash, when hashed as a leaf, then it is SHA-256(0x00 || its 32 bytes), from hex or bytes', () => {
    const h = 'ab'.repeat(32);
    const want = sha(Uint8Array.of(0), Buffer.from(h, 'hex'));
    assert.equal(toHex(leafHash(h)), toHex(want));
    assert.equal(toHex(leafHash(new Uint8Array(Buffer.from(h, 'hex')))), toHex(want));
    assert.throws(() => leafHash('AB'.repeat(32)), TypeError);
    assert.throws(() => leafHash(new Uint8Array(31)), TypeError);
  });

  test('given two children, when combined, then the node is SHA-256(0x01 || left || right)', () => {
    const [l, r] = [testLeaves[0] as Uint8Array, testLeaves[1] as Uint8Array];
    assert.equal(toHex(nodeHash(l, r)), toHex(sha(Uint8Array.of(1), l, r)));
  });

  test('given the RFC 6962 test tree, when its roots are computed, then they match the transparency-dev vectors', () => {
    const roots = new Map<number, string>();
    for (const v of vectors.inclusion) if (!v.wantErr) roots.set(v.treeSize, v.root);
    for (const v of vectors.consistency) if (!v.wantErr) roots.set(v.size1, v.root1).set(v.size2, v.root2);
    assert.ok(roots.size >= 5);
    for (const [size, root] of roots) assert.equal(toHex(merkleRoot(testLeaves.slice(0, size))), toHex(b64(root)), `size ${size}`);
    assert.equal(toHex(merkleRoot([])), toHex(sha()));
    assert.equal(toHex(emptyRoot()), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  test('given random trees of 0..300 leaves, when the compact tree appends them, then every intermediate root equals the recursive definition', () => {
    const leaves = randomLeaves(300);
    const tree = new CompactTree();
    assert.equal(toHex(tree.root()), toHex(naiveRoot([])));
    for (let i = 0; i < leaves.length; i++) {
      tree.append(leaves[i] as Uint8Array);
      assert.equal(tree.size, i + 1);
      assert.equal(toHex(tree.root()), toHex(naiveRoot(leaves.slice(0, i + 1))), `size ${i + 1}`);
      assert.ok(tree.state().hashes.length <= 9);
    }
  });

  test('given a compact tree state, when restored and extended, then it continues as the original; a state of the wrong shape is refused', () => {
    const leaves = randomLeaves(77);
    const a = new CompactTree();
    for (const l of leaves.slice(0, 50)) a.append(l);
    const s = a.state();
    const b = CompactTree.restore(s.size, s.hashes);
    for (const l of leaves.slice(50)) {
      a.append(l);
      b.append(l);
    }
    assert.equal(toHex(b.root()), toHex(naiveRoot(leaves)));
    assert.throws(() => CompactTree.restore(50, s.hashes.slice(1)), RangeError);
    assert.throws(() => CompactTree.restore(-1, []), RangeError);
  });
});

describe('Inclusion proofs (RFC 9162 2.1.3)', () => {
  for (const v of vectors.inclusion) {
    test(`given transparency-dev ${v.file} (${v.wantErr ? 'must fail' : 'valid'}), when verified, then the result is ${!v.wantErr}`, () => {
      const proof = (v.proof ?? []).map(b64);
      assert.equal(verifyInclusion(v.leafIdx, v.treeSize, b64(v.leafHash), proof, b64(v.root)), !v.wantErr);
      if (!v.wantErr) assert.deepEqual(hexes(inclusionProof(v.leafIdx, v.treeSize, testLeaves)), hexes(proof));
    });
  }

  test('given random trees, when proofs are generated for every leaf, then they equal the recursive PATH and verify; any altered input fails', () => {
    for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 33, 64, 100]) {
      const leaves = randomLeaves(n);
      const root = naiveRoot(leaves);
      for (let m = 0; m < n; m++) {
        const proof = inclusionProof(m, n, leaves);
        assert.deepEqual(hexes(proof), hexes(naivePath(m, leaves)), `n=${n} m=${m}`);
        assert.ok(verifyInclusion(m, n, leaves[m] as Uint8Array, proof, root));
        if (n > 1) assert.ok(!verifyInclusion((m + 1) % n, n, leaves[m] as Uint8Array, proof, root));
        if (proof.length > 0) {
          const bad = proof.map((p) => Uint8Array.from(p));
          const first = bad[0] as Uint8Array;
          first[0] = (first[0] as number) ^ 1;
          assert.ok(!verifyInclusion(m, n, leaves[m] as Uint8Array, bad, root));
          assert.ok(!verifyInclusion(m, n, leaves[m] as Uint8Array, proof.slice(1), root));
        }
        assert.ok(!verifyInclusion(m, n, leaves[m] as Uint8Array, [...proof, root], root));
      }
    }
  });

  test('given a store-backed provider, when an async proof is generated, then it equals the array-based proof', async () => {
    const leaves = randomLeaves(1000);
    const at = leafArrayHashAt(leaves);
    const proof = await inclusionProofAsync(617, 1000, async (level, index) => at(level, index));
    assert.deepEqual(hexes(proof), hexes(naivePath(617, leaves)));
  });

  test('given malformed inputs, when verified, then the answer is false and nothing throws', () => {
    const leaves = randomLeaves(4);
    const root = naiveRoot(leaves);
    const proof = inclusionProof(1, 4, leaves);
    const l = leaves[1] as Uint8Array;
    assert.equal(verifyInclusion(4, 4, l, proof, root), false);
    assert.equal(verifyInclusion(-1, 4, l, proof, root), false);
    assert.equal(verifyInclusion(1.5, 4, l, proof, root), false);
    assert.equal(verifyInclusion(1, 4, l.subarray(1), proof, root), false);
    assert.equal(verifyInclusion(1, 4, l, proof, root.subarray(1)), false);
    assert.equal(verifyInclusion(1, 4, l, 'x' as unknown as Uint8Array[], root), false);
    assert.throws(() => inclusionProof(4, 4, leaves), RangeError);
  });
});

describe('Consistency proofs (RFC 9162 2.1.4)', () => {
  for (const v of vectors.consistency) {
    test(`given transparency-dev ${v.file} (${v.wantErr ? 'must fail' : 'valid'}), when verified, then the result is ${!v.wantErr}`, () => {
      const proof = (v.proof ?? []).map(b64);
      assert.equal(verifyConsistency(v.size1, v.size2, b64(v.root1), b64(v.root2), proof), !v.wantErr);
      if (!v.wantErr) assert.deepEqual(hexes(consistencyProof(v.size1, v.size2, testLeaves)), hexes(proof));
    });
  }

  test('given random trees, when proofs are generated for every pair m <= n, then they equal the recursive PROOF and verify; altered ones fail', () => {
    for (const n of [1, 2, 3, 5, 8, 9, 13, 16, 31, 32, 33, 70]) {
      const leaves = randomLeaves(n);
      const newRoot = naiveRoot(leaves);
      for (let m = 0; m <= n; m++) {
        const oldRoot = naiveRoot(leaves.slice(0, m));
        const proof = consistencyProof(m, n, leaves);
        const want = m === 0 || m === n ? [] : naiveSubproof(m, leaves, true);
        assert.deepEqual(hexes(proof), hexes(want), `m=${m} n=${n}`);
        assert.ok(verifyConsistency(m, n, oldRoot, newRoot, proof), `m=${m} n=${n}`);
        if (m > 0 && m < n) {
          const forked = Uint8Array.from(oldRoot);
          forked[31] = (forked[31] as number) ^ 1;
          assert.ok(!verifyConsistency(m, n, forked, newRoot, proof));
          assert.ok(!verifyConsistency(m, n, oldRoot, forked, proof));
          assert.ok(!verifyConsistency(m, n, oldRoot, newRoot, proof.slice(0, -1)));
          assert.ok(!verifyConsistency(m, n, oldRoot, newRoot, [...proof, newRoot]));
          if (m + 1 < n) assert.ok(!verifyConsistency(m + 1, n, oldRoot, newRoot, proof));
        }
      }
    }
  });

  test('given a store-backed provider, when an async consistency proof is generated, then it equals the recursive PROOF', async () => {
    const leaves = randomLeaves(1000);
    const at = leafArrayHashAt(leaves);
    const proof = await consistencyProofAsync(333, 1000, (level, index) => at(level, index));
    assert.deepEqual(hexes(proof), hexes(naiveSubproof(333, leaves, true)));
  });

  test('given sizes out of order or malformed roots, when verified, then the answer is false', () => {
    const r = naiveRoot(randomLeaves(3));
    assert.equal(verifyConsistency(3, 2, r, r, []), false);
    assert.equal(verifyConsistency(2, 2, r, r, [r]), false);
    assert.equal(verifyConsistency(0, 2, r, r, [r]), false);
    assert.equal(verifyConsistency(1, 2, r.subarray(2), r, [r]), false);
    assert.equal(base64ToBytes('not base64!'), undefined);
    assert.throws(() => consistencyProof(3, 2, randomLeaves(3)), RangeError);
  });
});
