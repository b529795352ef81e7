import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as noble from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { checkPublicKey, ed25519, ed25519Noble, ed25519Node, FormatError, type Ed25519 } from '../src/index.js';
import { hex, loadVectors, toHex } from './helpers/vectors.js';

interface Rfc8032 {
  vectors: { name: string; secretKey: string; publicKey: string; message: string; signature: string }[];
}
interface EdgeCases {
  smallOrderPoints: { points: { encoding: string; order: number; nonCanonical: string[] }[] };
  tamingEdDSAs: { vectors: { index: number; description: string; message: string; publicKey: string; signature: string }[] };
  zip215Combinations: { message: string; publicKeys: string[]; signatures: string[] };
  flagged: { rejectIfAnyFlag: string[]; vectors: { flags: string[]; publicKey: string; signature: string; message: string }[] };
}

const rfc8032 = loadVectors<Rfc8032>('rfc8032.json');
const edge = loadVectors<EdgeCases>('ed25519-edge-cases.json');

assert.ok(ed25519Node, 'node:crypto is available in the test environment');
const node: Ed25519 = ed25519Node;
const impls: readonly Ed25519[] = [node, ed25519Noble];

const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const { Point } = noble;

function le(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i] as number);
  return n;
}
function le32(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
}
function challenge(r: Uint8Array, a: Uint8Array, msg: Uint8Array): bigint {
  return le(sha512(Uint8Array.from([...r, ...a, ...msg]))) % L;
}

/**
 * The bare group equation [S mod L]B == R + [k]A with lenient decoding (any y, any sign bit)
 * and no key checks: what an implementation without our strict rules would accept. Used to
 * show that each rejected edge case is rejected by a rule, not by an invalid equation.
 */
function bareEquation(sig: Uint8Array, msg: Uint8Array, pk: Uint8Array): boolean {
  try {
    const A = Point.fromBytes(pk, true);
    const R = Point.fromBytes(sig.subarray(0, 32), true);
    const s = le(sig.subarray(32)) % L;
    const k = challenge(sig.subarray(0, 32), pk, msg);
    const left = s === 0n ? Point.ZERO : Point.BASE.multiply(s, false);
    const right = k === 0n ? R : R.add(A.multiply(k, false));
    return left.equals(right);
  } catch {
    return false;
  }
}

function both(sig: Uint8Array, msg: Uint8Array, pk: Uint8Array): [boolean, boolean] {
  return [node.verify(sig, msg, pk), ed25519Noble.verify(sig, msg, pk)];
}

describe('RFC 8032 section 7.1 test vectors', () => {
  for (const v of rfc8032.vectors) {
    for (const impl of impls) {
      test(`given ${v.name}, when the ${impl.name} implementation signs and verifies, then it matches the RFC`, () => {
        const sk = hex(v.secretKey);
        const msg = hex(v.message);
        assert.equal(toHex(impl.getPublicKey(sk)), v.publicKey);
        assert.equal(toHex(impl.sign(sk, msg)), v.signature);
        assert.equal(impl.verify(hex(v.signature), msg, hex(v.publicKey)), true);
        const tampered = hex(v.signature);
        tampered[10] = (tampered[10] as number) ^ 1;
        assert.equal(impl.verify(tampered, msg, hex(v.publicKey)), false);
        const otherMsg = Uint8Array.from([...msg, 0]);
        assert.equal(impl.verify(hex(v.signature), otherMsg, hex(v.publicKey)), false);
      });
    }
  }

  test('given node:crypto, when the default implementation is chosen, then it is the node one', () => {
    assert.equal(ed25519.name, 'node');
  });
});

describe('node and noble agree', () => {
  test('given 200 random keys and messages, when each signs, then the signatures are identical and each verifies the other', () => {
    for (let i = 0; i < 200; i++) {
      const sk = randomBytes(32);
      const msg = randomBytes(i % 97);
      const pkNode = node.getPublicKey(sk);
      assert.deepEqual(pkNode, ed25519Noble.getPublicKey(sk));
      const sigNode = node.sign(sk, msg);
      const sigNoble = ed25519Noble.sign(sk, msg);
      assert.deepEqual(sigNode, sigNoble);
      assert.equal(node.verify(sigNoble, msg, pkNode), true);
      assert.equal(ed25519Noble.verify(sigNode, msg, pkNode), true);
    }
  });

  test('given a secret key array that is overwritten, when signing again, then the new key signs (no stale cached key)', () => {
    const [first, second] = [rfc8032.vectors[0], rfc8032.vectors[1]];
    assert.ok(first && second);
    const sk = hex(first.secretKey);
    assert.equal(toHex(node.sign(sk, hex(first.message))), first.signature);
    sk.set(hex(second.secretKey));
    assert.equal(toHex(node.sign(sk, hex(second.message))), second.signature);
    assert.equal(toHex(node.getPublicKey(sk)), second.publicKey);
  });

  test('given a secret key of the wrong length, when signing, then FormatError BAD_KEY', () => {
    for (const impl of impls) {
      assert.throws(
        () => impl.sign(new Uint8Array(31), new Uint8Array()),
        (e: unknown) => e instanceof FormatError && e.code === 'BAD_KEY',
      );
      assert.throws(
        () => impl.getPublicKey(new Uint8Array(64)),
        (e: unknown) => e instanceof FormatError && e.code === 'BAD_KEY',
      );
    }
  });
});

describe('strict verification edge cases, identical in both implementations', () => {
  const sk = hex(rfc8032.vectors[0]?.secretKey ?? '');
  const pk = node.getPublicKey(sk);
  const msg = new TextEncoder().encode('qledger edge case');
  const sig = node.sign(sk, msg);
  const a = noble.utils.getExtendedPublicKey(sk).scalar;

  test('given S + L (a non-canonical scalar), when verifying, then both reject though the equation holds', () => {
    const s = le(sig.subarray(32));
    const bad = Uint8Array.from([...sig.subarray(0, 32), ...le32(s + L)]);
    assert.equal(bareEquation(bad, msg, pk), true);
    assert.deepEqual(both(bad, msg, pk), [false, false]);
  });

  test('given S = L exactly and S = 2^256 - 1, when verifying, then both reject', () => {
    for (const s of [L, 2n ** 256n - 1n]) {
      const bad = Uint8Array.from([...sig.subarray(0, 32), ...le32(s)]);
      assert.deepEqual(both(bad, msg, pk), [false, false]);
    }
  });

  test('given each of the 8 small-order points as public key, when checked, then it is refused (canonical ones as SMALL_ORDER)', () => {
    const points = edge.smallOrderPoints.points;
    assert.equal(points.length, 8);
    for (const p of points) {
      const A = Point.fromBytes(hex(p.encoding), false);
      assert.equal(A.isSmallOrder(), true, p.encoding);
      assert.equal(A.multiply(BigInt(p.order), false).is0(), true);
      assert.equal(checkPublicKey(hex(p.encoding)), 'SMALL_ORDER');
      for (const nc of p.nonCanonical) assert.equal(checkPublicKey(hex(nc)), 'NON_CANONICAL', nc);
    }
    assert.equal(checkPublicKey(pk), 'OK');
    assert.equal(checkPublicKey(pk.subarray(1)), 'BAD_LENGTH');
  });

  test('given the ZIP-215 14x14 small-order and non-canonical combinations, when verifying, then all are rejected by both', () => {
    const m = hex(edge.zip215Combinations.message);
    let cofactoredAccepts = 0;
    for (const p of edge.zip215Combinations.publicKeys) {
      for (const s of edge.zip215Combinations.signatures) {
        assert.deepEqual(both(hex(s), m, hex(p)), [false, false], `${p} ${s}`);
        if (noble.verify(hex(s), m, hex(p))) cofactoredAccepts++;
      }
    }
    assert.ok(cofactoredAccepts > 0, 'some of them verify under ZIP-215 rules');
  });

  test('given the "Taming the many EdDSAs" vectors, when verifying, then all are rejected by both', () => {
    for (const v of edge.tamingEdDSAs.vectors) {
      assert.deepEqual(both(hex(v.signature), hex(v.message), hex(v.publicKey)), [false, false], `#${v.index} ${v.description}`);
    }
  });

  test('given a mixed-order public key whose signature satisfies the cofactorless equation (Taming #2, #3), when verifying, then the subgroup rule rejects it', () => {
    for (const i of [2, 3]) {
      const v = edge.tamingEdDSAs.vectors[i];
      assert.ok(v);
      assert.equal(bareEquation(hex(v.signature), hex(v.message), hex(v.publicKey)), true, `#${i} satisfies the bare equation`);
      assert.equal(checkPublicKey(hex(v.publicKey)), 'NOT_IN_PRIME_ORDER_SUBGROUP');
    }
  });

  test('given the flagged ed25519vectors, when verifying, then both accept exactly those without a rejecting flag', () => {
    const rejecting = new Set(edge.flagged.rejectIfAnyFlag);
    let accepted = 0;
    for (const v of edge.flagged.vectors) {
      const expected = !v.flags.some((f) => rejecting.has(f));
      assert.deepEqual(both(hex(v.signature), hex(v.message), hex(v.publicKey)), [expected, expected], JSON.stringify(v.flags));
      if (expected) accepted++;
      assert.equal(noble.verify(hex(v.signature), hex(v.message), hex(v.publicKey)), true, 'each vector is valid under ZIP-215');
    }
    assert.equal(accepted, 1);
  });

  for (const [name, rBytes] of [
    ['y = p + 1 (identity, non-canonical y)', hex('eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f')],
    ['x = 0 with the sign bit set (identity)', hex('0100000000000000000000000000000000000000000000000000000000000080')],
  ] as const) {
    test(`given R encoded non-canonically (${name}) in a signature that satisfies the equation, when verifying, then both reject`, () => {
      // r = 0, so R is the identity and S = k * a satisfies [S]B = R + [k]A.
      const k = challenge(rBytes, pk, msg);
      const forged = Uint8Array.from([...rBytes, ...le32((k * a) % L)]);
      assert.equal(bareEquation(forged, msg, pk), true);
      assert.deepEqual(both(forged, msg, pk), [false, false]);
    });
  }

  test('given a non-canonical public key encoding (y >= p) of a valid point, when checked, then NON_CANONICAL', () => {
    let found = 0;
    for (let d = 2; d <= 18; d++) {
      const enc = le32(2n ** 255n - 19n + BigInt(d));
      try {
        Point.fromBytes(enc, true);
      } catch {
        continue; // y = d is not on the curve
      }
      found++;
      assert.equal(checkPublicKey(enc), 'NON_CANONICAL');
      assert.deepEqual(both(sig, msg, enc), [false, false]);
    }
    assert.ok(found > 0);
  });

  test('given a small-order component added to R by the signer, when verifying, then both reject though cofactored verification accepts', () => {
    const T = Point.fromBytes(hex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a'), false); // order 8
    const r = le(randomBytes(64)) % L;
    const R = Point.BASE.multiply(r).add(T).toBytes();
    const k = challenge(R, pk, msg);
    const forged = Uint8Array.from([...R, ...le32((r + k * a) % L)]);
    assert.equal(noble.verify(forged, msg, pk), true, 'cofactored (ZIP-215) verification accepts it');
    assert.deepEqual(both(forged, msg, pk), [false, false]);
  });

  test('given a signature with a small-order R that satisfies the equation (r = 0), when verifying, then both reject it', () => {
    // RFC 8032's equation accepts it and Node 20's OpenSSL did; OpenSSL 3.5 (Node 24) does not.
    // Our rule rejects every small-order R, so both implementations agree on every runtime.
    const R = Point.ZERO.toBytes();
    const k = challenge(R, pk, msg);
    const unusual = Uint8Array.from([...R, ...le32((k * a) % L)]);
    assert.equal(bareEquation(unusual, msg, pk), true);
    assert.deepEqual(both(unusual, msg, pk), [false, false]);
  });

  test('given wrong lengths or types, when verifying, then false and no exception', () => {
    const cases: [unknown, unknown, unknown][] = [
      [sig.subarray(0, 63), msg, pk],
      [Uint8Array.from([...sig, 0]), msg, pk],
      [sig, msg, pk.subarray(0, 31)],
      [sig, msg, Uint8Array.from([...pk, 0])],
      [new Uint8Array(0), msg, pk],
      [toHex(sig), msg, pk],
      [sig, 'message', pk],
      [sig, msg, toHex(pk)],
      [null, null, null],
    ];
    for (const [s, m, p] of cases) {
      for (const impl of impls) {
        assert.equal(impl.verify(s as Uint8Array, m as Uint8Array, p as Uint8Array), false);
      }
    }
  });

  test('given a public key that is not on the curve, when checked, then NOT_ON_CURVE', () => {
    let enc: Uint8Array | undefined;
    for (let y = 2n; enc === undefined; y++) {
      const candidate = le32(y);
      try {
        Point.fromBytes(candidate, false);
      } catch {
        enc = candidate;
      }
    }
    assert.equal(checkPublicKey(enc), 'NOT_ON_CURVE');
    assert.deepEqual(both(sig, msg, enc), [false, false]);
  });
});
