import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  bytesToBase64url,
  ed25519,
  FormatError,
  genesisData,
  KEY_EVENT_TYPES,
  KEY_STREAM,
  KeyChain,
  KeyChainError,
  popStatement,
  revocationData,
  rotationData,
  signEvent,
  type EventEnvelope,
  type KeyChainErrorCode,
} from '../src/index.js';
import { KEY1, KEY2, KEY3, KEY4, LedgerBuilder, ORIGIN } from './helpers/ledger.js';
import { loadVectors, toHex } from './helpers/vectors.js';

interface Golden {
  key: { kid: string };
  rotation: { newPublicKey: string; popStatement: string };
  envelopes: { name: string; sealed: EventEnvelope }[];
}

function chainOf(events: readonly EventEnvelope[], trustRoot = KEY1.kid): KeyChain {
  const chain = new KeyChain({ trustRoot });
  events.forEach((e, i) => {
    if (e.stream === KEY_STREAM) chain.apply(e, i);
  });
  return chain;
}

function rejects(chain: KeyChain, e: unknown, position: number, code: KeyChainErrorCode): void {
  const before = JSON.stringify(chain.keys().map((k) => ({ ...k, publicKey: Array.from(k.publicKey) })));
  const activeBefore = chain.activeKid;
  assert.throws(
    () => chain.apply(e, position),
    (err: unknown) => {
      assert.ok(err instanceof KeyChainError, String(err));
      assert.equal(err.code, code, err.message);
      return true;
    },
  );
  assert.equal(JSON.stringify(chain.keys().map((k) => ({ ...k, publicKey: Array.from(k.publicKey) }))), before, 'chain unchanged');
  assert.equal(chain.activeKid, activeBefore);
}

describe('key chain happy path', () => {
  test('given genesis, rotation and revocation, when applied, then keys, activation and retirement positions are recorded', () => {
    const b = new LedgerBuilder(KEY1);
    b.append('run-a', 'RunStarted', { n: 1 }); // 1
    b.rotate(KEY2); // 2
    b.append('run-a', 'RunFinished', { n: 2 }); // 3
    b.revoke(KEY1.kid, 'laptop stolen', '2026-01-01T00:00:03.000Z'); // 4
    const chain = chainOf(b.events);
    assert.equal(chain.activeKid, KEY2.kid);
    assert.equal(chain.origin, ORIGIN);
    assert.deepEqual(chain.publicKeyOf(KEY2.kid), KEY2.publicKey);
    assert.equal(chain.publicKeyOf(KEY3.kid), undefined);
    const [k1, k2] = chain.keys();
    assert.deepEqual(
      { ...k1, publicKey: undefined },
      {
        kid: KEY1.kid,
        publicKey: undefined,
        activatedAt: 0,
        activatedBy: 'genesis',
        retiredAt: 2,
        revocation: { position: 4, eventId: b.events[4]?.id, reason: 'laptop stolen', compromisedSince: '2026-01-01T00:00:03.000Z' },
      },
    );
    assert.equal(k2?.activatedAt, 2);
    assert.equal(k2?.activatedBy, 'rotation');
    assert.equal(k2?.retiredAt, null);
  });

  test('given the golden genesis and rotation (test/vectors/envelopes.json), when applied, then the chain moves to the TEST 2 key', () => {
    const golden = loadVectors<Golden>('envelopes.json');
    const keyEvents = golden.envelopes.map((e) => e.sealed).filter((e) => e.stream === KEY_STREAM);
    assert.equal(keyEvents.length, 2);
    const chain = new KeyChain({ trustRoot: golden.key.kid, origin: ORIGIN });
    keyEvents.forEach((e, i) => chain.apply(e, i));
    assert.equal(chain.activeKid, KEY2.kid);
    assert.equal(toHex(chain.publicKeyOf(KEY2.kid) ?? new Uint8Array()), golden.rotation.newPublicKey);
    assert.equal(chain.keys()[0]?.retiredAt, 1);
    assert.equal(toHex(popStatement(ORIGIN, KEY1.kid, KEY2.kid)), golden.rotation.popStatement);
  });

  test('given no origin, when the genesis is applied, then its origin is adopted', () => {
    const chain = new KeyChain({ trustRoot: KEY1.kid });
    assert.equal(chain.origin, undefined);
    chain.apply(new LedgerBuilder(KEY1, 'other.example/ledger').events[0], 0);
    assert.equal(chain.origin, 'other.example/ledger');
  });

  test('given the event builders, when used, then the data has exactly the specified fields', () => {
    assert.deepEqual(genesisData(KEY1.publicKey), { kid: KEY1.kid, publicKey: bytesToBase64url(KEY1.publicKey) });
    const r = rotationData({ origin: ORIGIN, previousKid: KEY1.kid, newKey: { secretKey: KEY2.secretKey } });
    assert.deepEqual(Object.keys(r), ['previousKid', 'kid', 'publicKey', 'proofOfPossession']);
    assert.equal(r.kid, KEY2.kid);
    assert.deepEqual(revocationData({ kid: KEY1.kid, reason: 'r' }), { kid: KEY1.kid, reason: 'r', compromisedSince: null });
  });

  test('given an origin and two kids, when the PoP statement is built, then it is the domain-separated UTF-8 text', () => {
    assert.equal(
      Buffer.from(popStatement(ORIGIN, KEY1.kid, KEY2.kid)).toString(),
      `qledger/key-rotation-pop/v1\n${ORIGIN}\n${KEY1.kid}\n${KEY2.kid}\n`,
    );
    const r = rotationData({ origin: ORIGIN, previousKid: KEY1.kid, newKey: KEY2 });
    const pop = Buffer.from(r.proofOfPossession, 'base64url');
    assert.equal(ed25519.verify(pop, popStatement(ORIGIN, KEY1.kid, KEY2.kid), KEY2.publicKey), true);
  });

  test('given bad builder input, when used, then FormatError', () => {
    const code = (fn: () => unknown, c: string): void => {
      assert.throws(fn, (e: unknown) => e instanceof FormatError && e.code === c);
    };
    code(() => popStatement('two\nlines', KEY1.kid, KEY2.kid), 'BAD_ORIGIN');
    code(() => popStatement('with space', KEY1.kid, KEY2.kid), 'BAD_ORIGIN');
    code(() => popStatement(ORIGIN, 'x', KEY2.kid), 'BAD_KID');
    code(
      () => rotationData({ origin: ORIGIN, previousKid: KEY1.kid, newKey: { secretKey: KEY2.secretKey, publicKey: KEY3.publicKey } }),
      'BAD_KEY',
    );
    code(() => genesisData(Buffer.from('0100000000000000000000000000000000000000000000000000000000000000', 'hex')), 'BAD_KEY');
    code(() => revocationData({ kid: KEY1.kid, reason: '   ' }), 'BAD_KEY_EVENT_DATA');
    code(() => revocationData({ kid: KEY1.kid, reason: 'x', compromisedSince: '2026-01-01' }), 'BAD_KEY_EVENT_DATA');
  });
});

describe('key chain errors', () => {
  test('given a genesis whose key is not the trust root, when applied, then GENESIS_NOT_TRUST_ROOT', () => {
    const b = new LedgerBuilder(KEY2);
    rejects(new KeyChain({ trustRoot: KEY1.kid }), b.events[0], 0, 'GENESIS_NOT_TRUST_ROOT');
  });

  test('given a genesis of the trust root signed by another key, when applied, then GENESIS_BAD_SELF_SIGNATURE', () => {
    const b = new LedgerBuilder(KEY1);
    const forged = signEvent(b.unsealed(KEY_STREAM, KEY_EVENT_TYPES.genesis, genesisData(KEY1.publicKey)), KEY2);
    const fresh = new KeyChain({ trustRoot: KEY1.kid });
    rejects(fresh, forged, 0, 'GENESIS_BAD_SELF_SIGNATURE');
    // Same kid in the signature but a signature by another key.
    rejects(fresh, { ...forged, sig: { ...forged.sig, kid: KEY1.kid } }, 0, 'GENESIS_BAD_SELF_SIGNATURE');
  });

  test('given a second genesis, when applied, then DUPLICATE_GENESIS', () => {
    const b = new LedgerBuilder(KEY1);
    const again = b.append(KEY_STREAM, KEY_EVENT_TYPES.genesis, genesisData(KEY1.publicKey));
    rejects(chainOf(b.events.slice(0, 1)), again, 1, 'DUPLICATE_GENESIS');
  });

  test('given a rotation before any genesis, when applied, then MISSING_GENESIS', () => {
    const b = new LedgerBuilder(KEY1);
    const rotation = b.rotate(KEY2);
    rejects(new KeyChain({ trustRoot: KEY1.kid }), rotation, 1, 'MISSING_GENESIS');
  });

  test('given a rotation signed by the new key, when applied, then ROTATION_NOT_SIGNED_BY_PREVIOUS', () => {
    const b = new LedgerBuilder(KEY1);
    const data = rotationData({ origin: ORIGIN, previousKid: KEY1.kid, newKey: KEY2 });
    const e = b.append(KEY_STREAM, KEY_EVENT_TYPES.rotated, data, { signer: KEY2 });
    rejects(chainOf(b.events.slice(0, 1)), e, 1, 'ROTATION_NOT_SIGNED_BY_PREVIOUS');
    // The previous kid in sig.kid, but not its signature.
    rejects(chainOf(b.events.slice(0, 1)), { ...e, sig: { ...e.sig, kid: KEY1.kid } }, 1, 'ROTATION_NOT_SIGNED_BY_PREVIOUS');
  });

  test('given a proof of possession for another origin or by another key, when applied, then ROTATION_BAD_PROOF_OF_POSSESSION', () => {
    for (const data of [
      rotationData({ origin: 'elsewhere.example/ledger', previousKid: KEY1.kid, newKey: KEY2 }),
      {
        ...rotationData({ origin: ORIGIN, previousKid: KEY1.kid, newKey: KEY2 }),
        proofOfPossession: bytesToBase64url(ed25519.sign(KEY3.secretKey, popStatement(ORIGIN, KEY1.kid, KEY2.kid))),
      },
      {
        ...rotationData({ origin: ORIGIN, previousKid: KEY1.kid, newKey: KEY2 }),
        proofOfPossession: bytesToBase64url(ed25519.sign(KEY2.secretKey, popStatement(ORIGIN, KEY2.kid, KEY1.kid))),
      },
    ]) {
      const b = new LedgerBuilder(KEY1);
      const e = b.append(KEY_STREAM, KEY_EVENT_TYPES.rotated, data);
      rejects(chainOf(b.events.slice(0, 1)), e, 1, 'ROTATION_BAD_PROOF_OF_POSSESSION');
    }
  });

  test('given a rotation from a retired key, when applied, then ROTATION_PREVIOUS_NOT_ACTIVE', () => {
    const b = new LedgerBuilder(KEY1);
    b.rotate(KEY2);
    const stale = b.append(KEY_STREAM, KEY_EVENT_TYPES.rotated, rotationData({ origin: ORIGIN, previousKid: KEY1.kid, newKey: KEY3 }), {
      signer: KEY1,
    });
    rejects(chainOf(b.events.slice(0, 2)), stale, 2, 'ROTATION_PREVIOUS_NOT_ACTIVE');
  });

  test('given a rotation back to a known key, when applied, then DUPLICATE_KID', () => {
    const b = new LedgerBuilder(KEY1);
    b.rotate(KEY2);
    const back = b.rotate(KEY1);
    rejects(chainOf(b.events.slice(0, 2)), back, 2, 'DUPLICATE_KID');
  });

  test('given a revocation signed by a retired key, when applied, then REVOCATION_BAD_SIGNER', () => {
    const b = new LedgerBuilder(KEY1);
    b.rotate(KEY2);
    b.rotate(KEY3);
    const e = b.append(KEY_STREAM, KEY_EVENT_TYPES.revoked, revocationData({ kid: KEY2.kid, reason: 'x' }), { signer: KEY1 });
    rejects(chainOf(b.events.slice(0, 3)), e, 3, 'REVOCATION_BAD_SIGNER');
  });

  test('given a revocation of an unknown kid, when applied, then UNKNOWN_KID', () => {
    const b = new LedgerBuilder(KEY1);
    const e = b.revoke(KEY4.kid, 'never seen');
    rejects(chainOf(b.events.slice(0, 1)), e, 1, 'UNKNOWN_KID');
  });

  test('given a revocation of the active key, when applied, then REVOCATION_OF_ACTIVE_KEY', () => {
    const b = new LedgerBuilder(KEY1);
    const e = b.revoke(KEY1.kid, 'oops');
    rejects(chainOf(b.events.slice(0, 1)), e, 1, 'REVOCATION_OF_ACTIVE_KEY');
  });

  test('given a second revocation of a key, when applied, then ALREADY_REVOKED', () => {
    const b = new LedgerBuilder(KEY1);
    b.rotate(KEY2);
    b.revoke(KEY1.kid, 'first');
    const e = b.revoke(KEY1.kid, 'second');
    rejects(chainOf(b.events.slice(0, 3)), e, 3, 'ALREADY_REVOKED');
  });

  test('given compromisedSince after the revocation itself, when applied, then MALFORMED_KEY_EVENT', () => {
    const b = new LedgerBuilder(KEY1);
    b.rotate(KEY2);
    const e = b.revoke(KEY1.kid, 'future', '2030-01-01T00:00:00.000Z');
    rejects(chainOf(b.events.slice(0, 2)), e, 2, 'MALFORMED_KEY_EVENT');
  });

  test('given key event data with a small-order public key or a wrong kid, when applied, then MALFORMED_KEY_EVENT', () => {
    const smallOrder = bytesToBase64url(Buffer.from('0100000000000000000000000000000000000000000000000000000000000000', 'hex'));
    const b = new LedgerBuilder(KEY1);
    const weak = b.append(KEY_STREAM, KEY_EVENT_TYPES.rotated, {
      ...rotationData({ origin: ORIGIN, previousKid: KEY1.kid, newKey: KEY2 }),
      publicKey: smallOrder,
    });
    rejects(chainOf(b.events.slice(0, 1)), weak, 1, 'MALFORMED_KEY_EVENT');
    const b2 = new LedgerBuilder(KEY1);
    const wrongKid = b2.append(KEY_STREAM, KEY_EVENT_TYPES.rotated, {
      ...rotationData({ origin: ORIGIN, previousKid: KEY1.kid, newKey: KEY2 }),
      kid: KEY3.kid,
    });
    rejects(chainOf(b2.events.slice(0, 1)), wrongKid, 1, 'MALFORMED_KEY_EVENT');
    const b3 = new LedgerBuilder(KEY1);
    const extra = b3.append(KEY_STREAM, KEY_EVENT_TYPES.revoked, { ...revocationData({ kid: KEY1.kid, reason: 'x' }), note: 1 });
    rejects(chainOf(b3.events.slice(0, 1)), extra, 1, 'MALFORMED_KEY_EVENT');
  });

  test('given an envelope that is not a valid envelope, when applied, then MALFORMED_KEY_EVENT', () => {
    rejects(new KeyChain({ trustRoot: KEY1.kid }), { stream: KEY_STREAM }, 0, 'MALFORMED_KEY_EVENT');
  });

  test('given a key event with a changed payload, when applied, then HASH_MISMATCH', () => {
    const b = new LedgerBuilder(KEY1);
    const e = b.events[0] as EventEnvelope;
    rejects(new KeyChain({ trustRoot: KEY1.kid }), { ...e, occurredAt: '2026-06-01T00:00:00.000Z' }, 0, 'HASH_MISMATCH');
  });

  test('given a key event of another origin, when applied, then ORIGIN_MISMATCH', () => {
    const b = new LedgerBuilder(KEY1, 'elsewhere.example/ledger');
    rejects(new KeyChain({ trustRoot: KEY1.kid, origin: ORIGIN }), b.events[0], 0, 'ORIGIN_MISMATCH');
  });

  test('given an event of another stream or an unknown type, when applied, then NOT_A_KEY_EVENT or UNKNOWN_KEY_EVENT_TYPE', () => {
    const b = new LedgerBuilder(KEY1);
    const other = b.append('run-x', 'RunStarted', {});
    const odd = b.append(KEY_STREAM, 'SigningKeyRenamed', {});
    const chain = chainOf(b.events.slice(0, 1));
    rejects(chain, other, 1, 'NOT_A_KEY_EVENT');
    rejects(chain, odd, 2, 'UNKNOWN_KEY_EVENT_TYPE');
  });

  test('given a position that does not increase, when applied, then POSITION_NOT_INCREASING', () => {
    const b = new LedgerBuilder(KEY1);
    const rotation = b.rotate(KEY2);
    const chain = chainOf(b.events.slice(0, 1));
    rejects(chain, rotation, 0, 'POSITION_NOT_INCREASING');
  });
});

describe('validity rule (no grace window)', () => {
  // positions: 0 genesis K1, 1 event K1, 2 rotation K1->K2 (signed by K1), 3 event K2, 4 revocation of K1 by K2 (compromised since t(3)), 5 event K2
  const b = new LedgerBuilder(KEY1);
  b.append('run-a', 'RunStarted', {});
  b.rotate(KEY2);
  b.append('run-a', 'RunFinished', {});
  b.revoke(KEY1.kid, 'key leaked', '2026-01-01T00:00:03.000Z');
  b.append('run-b', 'RunStarted', {});
  const chain = chainOf(b.events);
  const by = (kid: string, occurredAt = '2026-01-01T00:00:00.000Z'): Pick<EventEnvelope, 'sig' | 'occurredAt'> => ({
    occurredAt,
    sig: { kid, alg: 'Ed25519', val: '' },
  });
  const check = (kid: string, position: number, occurredAt?: string): string => {
    const r = chain.checkSigner(by(kid, occurredAt), position);
    return r.ok ? 'ok' : r.code;
  };

  test('given the genesis key, when it signs its own genesis and later events, then it is valid', () => {
    assert.equal(check(KEY1.kid, 0), 'ok');
    assert.equal(check(KEY1.kid, 1), 'ok');
  });

  test('given the retiring rotation, when signed by the old key, then it is valid; the new key cannot sign it', () => {
    assert.equal(check(KEY1.kid, 2), 'ok');
    assert.equal(check(KEY2.kid, 2), 'KEY_NOT_YET_ACTIVE');
  });

  test('given a key before its activation, when it signs, then KEY_NOT_YET_ACTIVE', () => {
    assert.equal(check(KEY2.kid, 1), 'KEY_NOT_YET_ACTIVE');
  });

  test('given the old key after the rotation, when it signs, then KEY_RETIRED (no grace window)', () => {
    assert.equal(check(KEY1.kid, 3, '2026-01-01T00:00:00.000Z'), 'KEY_RETIRED');
  });

  test('given a revoked key after its revocation, when it signs, then KEY_REVOKED', () => {
    assert.equal(check(KEY1.kid, 5, '2026-01-01T00:00:00.000Z'), 'KEY_REVOKED');
  });

  test('given compromisedSince, when the key signed before the revocation at or after that time, then KEY_REVOKED', () => {
    assert.equal(check(KEY1.kid, 1, '2026-01-01T00:00:03.000Z'), 'KEY_REVOKED');
    assert.equal(check(KEY1.kid, 1, '2026-01-01T00:00:02.999Z'), 'ok');
  });

  test('given the new key after its activation, when it signs, then it is valid', () => {
    assert.equal(check(KEY2.kid, 3), 'ok');
    assert.equal(check(KEY2.kid, 5), 'ok');
  });

  test('given a kid not in the chain, when it signs, then UNKNOWN_KID', () => {
    assert.equal(check(KEY4.kid, 3), 'UNKNOWN_KID');
  });
});
