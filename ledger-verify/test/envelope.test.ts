import { createHash, randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  base64urlToBytes,
  bytesToBase64url,
  canonicalize,
  ed25519,
  ed25519Noble,
  ed25519Node,
  FormatError,
  hashEvent,
  kidOf,
  parseEnvelope,
  prepareSeal,
  sealEnvelope,
  signEvent,
  signingPayload,
  verifyEvent,
  verifyEventSignature,
  type EventEnvelope,
  type UnsealedEnvelope,
} from '../src/index.js';
import { KEY1, KEY2 } from './helpers/ledger.js';
import { hex, loadVectors, toHex } from './helpers/vectors.js';

interface Golden {
  key: { secretKey: string; publicKey: string; publicKeyBase64url: string; kid: string };
  envelopes: { name: string; unsealed: UnsealedEnvelope; canonical: string; hash: string; signingPayload: string; sealed: EventEnvelope }[];
}

const golden = loadVectors<Golden>('envelopes.json');
const first = golden.envelopes[1];
assert.ok(first);
const sealed: EventEnvelope = first.sealed;
const publicKey = hex(golden.key.publicKey);

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

function withChange(change: (e: Record<string, unknown>) => void): Record<string, unknown> {
  const e = clone(sealed) as unknown as Record<string, unknown>;
  change(e);
  return e;
}

describe('golden envelopes (test/vectors/envelopes.json)', () => {
  test('given the vector key, when its kid is computed, then it is the first 16 bytes of SHA-256 of the public key', () => {
    assert.equal(toHex(ed25519.getPublicKey(hex(golden.key.secretKey))), golden.key.publicKey);
    assert.equal(kidOf(publicKey), golden.key.kid);
    assert.equal(kidOf(publicKey), createHash('sha256').update(publicKey).digest('hex').slice(0, 32));
  });

  for (const g of golden.envelopes) {
    test(`given "${g.name}", when canonicalized, hashed and signed, then every field matches the vector`, () => {
      assert.equal(canonicalize(g.unsealed), g.canonical);
      assert.equal(hashEvent(g.unsealed), g.hash);
      assert.equal(hashEvent(g.sealed), g.hash, 'hash and sig are not hashed');
      const independent = createHash('sha256')
        .update('qledger/event/v1\n' + g.canonical, 'utf8')
        .digest('hex');
      assert.equal(independent, g.hash);
      assert.equal(toHex(signingPayload(g.hash)), g.signingPayload);
      assert.equal(toHex(signingPayload(g.hash)), Buffer.from('qledger/event-sig/v1\n').toString('hex') + g.hash);
      for (const impl of [ed25519Node, ed25519Noble]) {
        assert.ok(impl);
        assert.deepEqual(signEvent(g.unsealed, { secretKey: hex(golden.key.secretKey) }, impl), g.sealed);
        assert.deepEqual(verifyEvent(g.sealed, publicKey, impl), { ok: true });
      }
      assert.deepEqual(parseEnvelope(g.sealed), g.sealed);
    });
  }

  test('given the second event, when its prev is read, then it is the hash of the first event of the stream', () => {
    assert.equal(golden.envelopes[2]?.unsealed.prev, golden.envelopes[1]?.hash);
  });
});

describe('signingPayload', () => {
  test('given a hash, when the payload is built, then it is the 21-byte prefix and the 32 raw hash bytes', () => {
    const p = signingPayload(sealed.hash);
    assert.equal(p.length, 53);
    assert.equal(Buffer.from(p.subarray(0, 21)).toString(), 'qledger/event-sig/v1\n');
  });

  for (const bad of ['', 'ab', sealed.hash.toUpperCase(), sealed.hash.slice(1), `${sealed.hash}0`, sealed.hash.replace(/.$/, 'g')]) {
    test(`given the malformed hash "${bad.slice(0, 12)}…" (${bad.length}), when the payload is built, then BAD_HASH`, () => {
      assert.throws(
        () => signingPayload(bad),
        (e: unknown) => e instanceof FormatError && e.code === 'BAD_HASH',
      );
    });
  }
});

describe('verifyEvent', () => {
  test('given a changed payload, when verified, then HASH_MISMATCH', () => {
    const e = withChange((x) => ((x['data'] as Record<string, unknown>)['pipeline'] = 'other'));
    const r = verifyEvent(e, publicKey);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.code, 'HASH_MISMATCH');
  });

  test('given changed metadata, when verified, then HASH_MISMATCH', () => {
    const e = withChange((x) => ((x['actor'] as Record<string, unknown>)['id'] = 'u:someone-else'));
    assert.equal((verifyEvent(e, publicKey) as { code?: string }).code, 'HASH_MISMATCH');
  });

  test('given a changed hash with a consistent payload, when verified, then BAD_SIGNATURE', () => {
    const e = withChange((x) => ((x['data'] as Record<string, unknown>)['pipeline'] = 'other'));
    e['hash'] = hashEvent(e as unknown as UnsealedEnvelope);
    assert.equal((verifyEvent(e, publicKey) as { code?: string }).code, 'BAD_SIGNATURE');
  });

  test('given a flipped signature bit, when verified, then BAD_SIGNATURE', () => {
    const sig = base64urlToBytes(sealed.sig.val) as Uint8Array;
    sig[5] = (sig[5] as number) ^ 0x20;
    const e = withChange((x) => ((x['sig'] as Record<string, unknown>)['val'] = bytesToBase64url(sig)));
    assert.equal((verifyEvent(e, publicKey) as { code?: string }).code, 'BAD_SIGNATURE');
    assert.equal(verifyEventSignature(e, publicKey), false);
  });

  test('given another public key, when verified, then KID_MISMATCH', () => {
    assert.equal((verifyEvent(sealed, KEY2.publicKey) as { code?: string }).code, 'KID_MISMATCH');
    assert.equal(verifyEventSignature(sealed, KEY2.publicKey), false);
  });

  test('given a signature by another key under the right kid, when verified, then BAD_SIGNATURE', () => {
    const forged = signEvent(first.unsealed, KEY2);
    const e = { ...forged, sig: { ...forged.sig, kid: golden.key.kid } };
    assert.equal((verifyEvent(e, publicKey) as { code?: string }).code, 'BAD_SIGNATURE');
  });
});

describe('parseEnvelope names the malformed field', () => {
  const cases: [string, (e: Record<string, unknown>) => void, string][] = [
    ['a missing field', (e) => delete e['occurredAt'], '/occurredAt'],
    ['an extra field', (e) => (e['extra'] = 1), '/extra'],
    ['an uppercase id', (e) => (e['id'] = String(e['id']).toUpperCase()), '/id'],
    ['a UUIDv4 id', (e) => (e['id'] = '0b7a5c03-e870-4000-8000-000000000002'), '/id'],
    ['an origin with a space', (e) => (e['origin'] = 'ledger example'), '/origin'],
    ['a stream without category', (e) => (e['stream'] = 'run'), '/stream'],
    ['a negative revision', (e) => (e['revision'] = -1), '/revision'],
    ['a fractional revision', (e) => (e['revision'] = 1.5), '/revision'],
    ['a revision given as a string', (e) => (e['revision'] = '0'), '/revision'],
    ['schema 0', (e) => (e['schema'] = 0), '/schema'],
    ['a timestamp without milliseconds', (e) => (e['occurredAt'] = '2026-01-01T00:00:01Z'), '/occurredAt'],
    ['a timestamp with an offset', (e) => (e['occurredAt'] = '2026-01-01T00:00:01.000+00:00'), '/occurredAt'],
    ['an impossible date', (e) => (e['occurredAt'] = '2026-02-30T00:00:00.000Z'), '/occurredAt'],
    ['an hour 24', (e) => (e['occurredAt'] = '2026-01-01T24:00:00.000Z'), '/occurredAt'],
    ['an e-mail as actor id', (e) => ((e['actor'] as Record<string, unknown>)['id'] = 'jane@example.com'), '/actor/id'],
    ['an unknown actor kind', (e) => ((e['actor'] as Record<string, unknown>)['kind'] = 'robot'), '/actor/kind'],
    ['an unknown meta field', (e) => ((e['meta'] as Record<string, unknown>)['traceId'] = 'x'), '/meta/traceId'],
    ['an empty commandId', (e) => ((e['meta'] as Record<string, unknown>)['commandId'] = ''), '/meta/commandId'],
    ['a null optional meta id', (e) => ((e['meta'] as Record<string, unknown>)['planId'] = null), '/meta/planId'],
    ['data that is an array', (e) => (e['data'] = [1]), '/data'],
    ['data with an inexact integer', (e) => ((e['data'] as Record<string, unknown>)['n'] = 2 ** 60), '/data/n'],
    ['a prev at revision 0', (e) => (e['prev'] = sealed.hash), '/prev'],
    ['no prev at revision 1', (e) => ((e['revision'] = 1), (e['prev'] = null)), '/prev'],
    ['an uppercase hash', (e) => (e['hash'] = sealed.hash.toUpperCase()), '/hash'],
    ['a short kid', (e) => ((e['sig'] as Record<string, unknown>)['kid'] = 'abcd'), '/sig/kid'],
    ['another algorithm', (e) => ((e['sig'] as Record<string, unknown>)['alg'] = 'EdDSA'), '/sig/alg'],
    ['a padded signature', (e) => ((e['sig'] as Record<string, unknown>)['val'] = `${sealed.sig.val}==`), '/sig/val'],
    [
      'standard base64 characters',
      (e) => ((e['sig'] as Record<string, unknown>)['val'] = sealed.sig.val.replace(/-/g, '+').replace(/_/g, '/')),
      '/sig/val',
    ],
    ['non-zero trailing bits', (e) => ((e['sig'] as Record<string, unknown>)['val'] = sealed.sig.val.replace(/.$/, 'B')), '/sig/val'],
    ['a signature of 63 bytes', (e) => ((e['sig'] as Record<string, unknown>)['val'] = bytesToBase64url(new Uint8Array(63))), '/sig/val'],
  ];
  for (const [name, change, path] of cases) {
    test(`given ${name}, when parsed, then MALFORMED_ENVELOPE at ${path}`, () => {
      const e = withChange(change);
      assert.throws(
        () => parseEnvelope(e),
        (err: unknown) => err instanceof FormatError && err.code === 'MALFORMED_ENVELOPE' && err.path === path,
      );
      const r = verifyEvent(e, publicKey);
      assert.equal(!r.ok && r.code, 'MALFORMED_ENVELOPE');
    });
  }

  test('given values that are not envelopes, when verified, then MALFORMED_ENVELOPE or false, never an exception', () => {
    for (const v of [null, 1, 'x', [], {}, { sig: null }, { hash: sealed.hash, sig: { alg: 'Ed25519' } }]) {
      const r = verifyEvent(v, publicKey);
      assert.equal(!r.ok && r.code, 'MALFORMED_ENVELOPE');
      assert.equal(verifyEventSignature(v, publicKey), false);
    }
    assert.equal(verifyEventSignature(sealed, new Uint8Array(31)), false);
  });
});

describe('sealing', () => {
  test('given a signature made elsewhere, when sealed, then the envelope verifies', async () => {
    const hash = hashEvent(first.unsealed);
    const signature = await Promise.resolve(ed25519.sign(KEY1.secretKey, signingPayload(hash)));
    const e = sealEnvelope(first.unsealed, hash, KEY1.kid, signature);
    assert.deepEqual(e, sealed);
  });

  test('given a hash of another envelope, when sealed, then HASH_MISMATCH', () => {
    assert.throws(
      () => sealEnvelope(first.unsealed, golden.envelopes[0]?.hash ?? '', KEY1.kid, new Uint8Array(64)),
      (e: unknown) => e instanceof FormatError && e.code === 'HASH_MISMATCH',
    );
  });

  test('given a bad kid or signature length, when sealed, then BAD_KID or BAD_SIGNATURE_BYTES', () => {
    const hash = hashEvent(first.unsealed);
    assert.throws(
      () => sealEnvelope(first.unsealed, hash, 'KID', new Uint8Array(64)),
      (e: unknown) => e instanceof FormatError && e.code === 'BAD_KID',
    );
    assert.throws(
      () => sealEnvelope(first.unsealed, hash, KEY1.kid, new Uint8Array(32)),
      (e: unknown) => e instanceof FormatError && e.code === 'BAD_SIGNATURE_BYTES',
    );
  });

  test('given an unsealed envelope with a non-I-JSON payload, when hashed, then NOT_I_JSON with a pointer from the envelope root', () => {
    const bad = { ...first.unsealed, data: { items: [1, 2, 3, { x: NaN }] } };
    assert.throws(
      () => hashEvent(bad),
      (e: unknown) => e instanceof FormatError && e.code === 'NOT_I_JSON' && e.path === '/data/items/3/x',
    );
  });

  test('given something that is not an object, when hashed, then NOT_I_JSON (no TypeError)', () => {
    for (const v of [null, 1, 'x', [], new Date(0)]) {
      assert.throws(
        () => hashEvent(v as unknown as UnsealedEnvelope),
        (e: unknown) => e instanceof FormatError && e.code === 'NOT_I_JSON',
      );
    }
  });

  test('given an envelope with hash and sig, when signed again, then MALFORMED_ENVELOPE', () => {
    assert.throws(
      () => signEvent(sealed as UnsealedEnvelope, KEY1),
      (e: unknown) => e instanceof FormatError && e.code === 'MALFORMED_ENVELOPE',
    );
  });
});

describe("prepareSeal (the writer's one-pass sealing)", () => {
  for (const g of golden.envelopes) {
    test(`given "${g.name}", when prepared and completed, then hash, payload, envelope and canonical text match the vector`, () => {
      const prepared = prepareSeal(g.unsealed);
      assert.equal(prepared.hash, g.hash);
      assert.equal(toHex(prepared.payload), g.signingPayload);
      const signature = ed25519.sign(hex(golden.key.secretKey), prepared.payload);
      const { envelope, canonical } = prepared.complete(golden.key.kid, signature);
      assert.deepEqual(envelope, g.sealed);
      assert.equal(canonical, canonicalize(g.sealed));
      assert.deepEqual(parseEnvelope(JSON.parse(canonical)), g.sealed);
    });
  }

  test('given a non-I-JSON payload, when prepared, then MALFORMED_ENVELOPE naming the field', () => {
    const bad = { ...first.unsealed, data: { items: [1, { x: 2 ** 53 }] } };
    assert.throws(
      () => prepareSeal(bad),
      (e: unknown) => e instanceof FormatError && e.code === 'MALFORMED_ENVELOPE' && e.path === '/data/items/1/x',
    );
  });

  test('given a bad kid or signature length, when completed, then BAD_KID or BAD_SIGNATURE_BYTES', () => {
    const prepared = prepareSeal(first.unsealed);
    assert.throws(
      () => prepared.complete('K', new Uint8Array(64)),
      (e: unknown) => e instanceof FormatError && e.code === 'BAD_KID',
    );
    assert.throws(
      () => prepared.complete(KEY1.kid, new Uint8Array(63)),
      (e: unknown) => e instanceof FormatError && e.code === 'BAD_SIGNATURE_BYTES',
    );
  });
});

describe('base64url', () => {
  test('given random bytes of every length up to 100, when encoded, then it matches Buffer and decodes back', () => {
    for (let n = 0; n <= 100; n++) {
      const b = randomBytes(n);
      const text = bytesToBase64url(b);
      assert.equal(text, b.toString('base64url'));
      assert.deepEqual(base64urlToBytes(text), Uint8Array.from(b));
    }
  });

  for (const bad of ['A', 'AAAAA', 'AA==', 'AA=', 'A+==', 'ab/c', 'ab c', 'AB', 'AAB', 'AAAA\n', 'é']) {
    test(`given "${bad.replace('\n', '\\n')}", when decoded strictly, then it is refused`, () => {
      assert.equal(base64urlToBytes(bad), undefined);
    });
  }
});
