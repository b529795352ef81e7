import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../../src/domain/errors.js';
import { assertApprovedKey, type KeyPurpose, type KeySpec } from '../../../src/domain/mkey/crypto-policy.js';
import { managedKey, rotationDue, type ManagedKeyCommand, type ManagedKeyEvent } from '../../../src/domain/mkey/mkey.js';
import { specFor } from '../../support/given-when-then.js';

const spec = specFor(managedKey);
const T0 = '2026-03-01T10:00:00.000Z';
const T1 = '2026-04-01T10:00:00.000Z';
const ARN1 = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const ARN2 = 'arn:aws:kms:eu-west-1:111122223333:key/5678abcd-12ab-34cd-56ef-1234567890cd';
const register = (over: Partial<Extract<ManagedKeyCommand, { type: 'RegisterKey' }>> = {}): ManagedKeyCommand => ({
  type: 'RegisterKey',
  at: T0,
  actor: 'usr:sec-1',
  keyId: 'payments-enc',
  projectId: 'p1',
  algorithm: 'AES-GCM',
  sizeBits: 256,
  kmsRef: ARN1,
  purpose: 'encryption',
  cryptoperiodDays: 90,
  ...over,
});
const registered: ManagedKeyEvent = {
  type: 'ManagedKeyRegistered',
  data: {
    keyId: 'payments-enc',
    projectId: 'p1',
    version: 1,
    spec: { algorithm: 'AES-GCM', sizeBits: 256 },
    kmsRef: ARN1,
    purpose: 'encryption',
    cryptoperiodDays: 90,
    rotateBy: '2026-05-30T10:00:00.000Z',
    registeredBy: 'usr:sec-1',
    at: T0,
  },
};
const rotate = (over: Partial<Extract<ManagedKeyCommand, { type: 'RotateKey' }>> = {}): ManagedKeyCommand => ({
  type: 'RotateKey',
  at: T1,
  actor: 'svc:kms-sync',
  algorithm: 'AES-GCM',
  sizeBits: 256,
  kmsRef: ARN2,
  reason: 'scheduled rotation',
  ...over,
});
const rotated: ManagedKeyEvent = {
  type: 'ManagedKeyRotated',
  data: {
    keyId: 'payments-enc',
    projectId: 'p1',
    previousVersion: 1,
    version: 2,
    spec: { algorithm: 'AES-GCM', sizeBits: 256 },
    kmsRef: ARN2,
    reason: 'scheduled rotation',
    rotateBy: '2026-06-30T10:00:00.000Z',
    rotatedBy: 'svc:kms-sync',
    trigger: { kind: 'key_rotation', projectId: 'p1', keyId: 'payments-enc', keyVersion: 2 },
    at: T1,
  },
};
const retired: ManagedKeyEvent = {
  type: 'ManagedKeyRetired',
  data: { keyId: 'payments-enc', version: 1, reason: 'service decommissioned', by: 'usr:sec-1', at: T1 },
};

describe('ManagedKey', () => {
  it('given nothing, when an approved key is registered, then ManagedKeyRegistered with its rotation deadline', () =>
    spec([]).when(register()).then([registered]));

  it('given a key, when registered again, then KEY_EXISTS', () => spec([registered]).when(register()).thenFails('KEY_EXISTS'));

  it('given nothing, when the kmsRef is a PEM private key, then KEY_MATERIAL_REFUSED', () =>
    spec([])
      .when(register({ kmsRef: '-----BEGIN PRIVATE KEY-----MIIEvQ' }))
      .thenFails('KEY_MATERIAL_REFUSED'));

  it('given nothing, when the kmsRef is raw base64 key bytes, then KEY_MATERIAL_REFUSED', () =>
    spec([])
      .when(register({ kmsRef: 'vault://' + 'q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq8M=' }))
      .thenFails('KEY_MATERIAL_REFUSED'));

  it('given nothing, when the kmsRef is a plain path, then INVALID_KMS_REFERENCE', () =>
    spec([])
      .when(register({ kmsRef: '/etc/keys/payments.key' }))
      .thenFails('INVALID_KMS_REFERENCE'));

  it('given nothing, when a GCP KMS path is used, then it is accepted', () =>
    spec([])
      .when(register({ kmsRef: 'gcpkms://projects/acme/locations/global/keyRings/payments/cryptoKeys/enc' }))
      .then([
        {
          ...registered,
          data: { ...registered.data, kmsRef: 'gcpkms://projects/acme/locations/global/keyRings/payments/cryptoKeys/enc' },
        } as ManagedKeyEvent,
      ]));

  it('given nothing, when the cryptoperiod is 0 days, then INVALID_MANAGED_KEY', () =>
    spec([])
      .when(register({ cryptoperiodDays: 0 }))
      .thenFails('INVALID_MANAGED_KEY'));

  it('given nothing, when DES is registered, then ALGORITHM_NOT_APPROVED', () =>
    spec([])
      .when(register({ algorithm: 'DES', sizeBits: 56 }))
      .thenFails('ALGORITHM_NOT_APPROVED'));

  it('given nothing, when RSA-2048 would encrypt with OAEP at 1024 bits, then KEY_SIZE_NOT_APPROVED', () =>
    spec([])
      .when(register({ algorithm: 'RSA-OAEP', sizeBits: 1024 }))
      .thenFails('KEY_SIZE_NOT_APPROVED'));

  it('given nothing, when a signing algorithm is registered for encryption, then ALGORITHM_PURPOSE_MISMATCH', () =>
    spec([])
      .when(register({ algorithm: 'ED25519', sizeBits: 256 }))
      .thenFails('ALGORITHM_PURPOSE_MISMATCH'));

  it('given a key, when rotated, then ManagedKeyRotated carries the key_rotation trigger for the project pipeline', () =>
    spec([registered]).when(rotate()).then([rotated]));

  it('given a key, when rotated to an unapproved size, then KEY_SIZE_NOT_APPROVED and nothing else', () =>
    spec([registered])
      .when(rotate({ sizeBits: 64 }))
      .thenFails('KEY_SIZE_NOT_APPROVED'));

  it('given a key, when rotated to RC4, then ALGORITHM_NOT_APPROVED', () =>
    spec([registered])
      .when(rotate({ algorithm: 'RC4', sizeBits: 128 }))
      .thenFails('ALGORITHM_NOT_APPROVED'));

  it('given a key, when rotated to the same KMS reference, then SAME_KMS_REFERENCE', () =>
    spec([registered])
      .when(rotate({ kmsRef: ARN1 }))
      .thenFails('SAME_KMS_REFERENCE'));

  it('given nothing, when rotated, then UNKNOWN_MANAGED_KEY', () => spec([]).when(rotate()).thenFails('UNKNOWN_MANAGED_KEY'));

  it('given a key, when rotated without a reason, then INVALID_REASON', () =>
    spec([registered])
      .when(rotate({ reason: '' }))
      .thenFails('INVALID_REASON'));

  it('given nothing, when retired, then UNKNOWN_MANAGED_KEY', () =>
    spec([]).when({ type: 'RetireKey', at: T1, actor: 'usr:sec-1', reason: 'x' }).thenFails('UNKNOWN_MANAGED_KEY'));

  it('given a key, when retired by an e-mail address, then INVALID_ACTOR', () =>
    spec([registered]).when({ type: 'RetireKey', at: T1, actor: 'ana@example.org', reason: 'x' }).thenFails('INVALID_ACTOR'));

  it('given a key, when rotated to ECDSA for an encryption key, then ALGORITHM_PURPOSE_MISMATCH', () =>
    spec([registered])
      .when(rotate({ algorithm: 'ECDSA', sizeBits: 256, curve: 'P-256' }))
      .thenFails('ALGORITHM_PURPOSE_MISMATCH'));

  it('given a key, when retired, then ManagedKeyRetired', () =>
    spec([registered]).when({ type: 'RetireKey', at: T1, actor: 'usr:sec-1', reason: 'service decommissioned' }).then([retired]));

  it('given a retired key, when rotated, then KEY_RETIRED', () => spec([registered, retired]).when(rotate()).thenFails('KEY_RETIRED'));

  it('given a retired key, when retired again, then KEY_RETIRED', () =>
    spec([registered, retired]).when({ type: 'RetireKey', at: T1, actor: 'usr:sec-1', reason: 'again' }).thenFails('KEY_RETIRED'));

  const compromise = (compromisedSince = T0): ManagedKeyCommand => ({
    type: 'ReportKeyCompromise',
    at: T1,
    actor: 'usr:sec-1',
    reason: 'found in a public repository',
    compromisedSince,
  });
  const compromised: ManagedKeyEvent = {
    type: 'ManagedKeyCompromised',
    data: {
      keyId: 'payments-enc',
      projectId: 'p1',
      version: 1,
      compromisedSince: T0,
      reason: 'found in a public repository',
      by: 'usr:sec-1',
      at: T1,
    },
  };

  it('given a key, when reported compromised, then ManagedKeyCompromised', () => spec([registered]).when(compromise()).then([compromised]));

  it('given a key, when compromised since a future time, then COMPROMISE_IN_FUTURE', () =>
    spec([registered]).when(compromise('2026-05-01T00:00:00.000Z')).thenFails('COMPROMISE_IN_FUTURE'));

  it('given a compromised version, when reported again, then KEY_ALREADY_COMPROMISED', () =>
    spec([registered, compromised]).when(compromise()).thenFails('KEY_ALREADY_COMPROMISED'));

  it('given a compromised key, when rotated, then the new version is active', () =>
    spec([registered, compromised]).when(rotate()).then([rotated]));

  it('rotation is due once the cryptoperiod has passed, and not for a retired key', () => {
    const s = [registered].reduce(managedKey.evolve, managedKey.initialState);
    assert.equal(rotationDue(s, '2026-05-30T09:59:59.999Z'), false);
    assert.equal(rotationDue(s, '2026-05-30T10:00:00.000Z'), true);
    assert.equal(rotationDue(managedKey.evolve(s, retired), '2027-01-01T00:00:00.000Z'), false);
  });
});

describe('approved-algorithm policy (seed 000 §6.4)', () => {
  const ok: [KeySpec, KeyPurpose][] = [
    [{ algorithm: 'AES-GCM', sizeBits: 128 }, 'encryption'],
    [{ algorithm: 'CHACHA20-POLY1305', sizeBits: 256 }, 'encryption'],
    [{ algorithm: 'RSA-PSS', sizeBits: 3072 }, 'signing'],
    [{ algorithm: 'RSA-OAEP', sizeBits: 4096 }, 'key-wrapping'],
    [{ algorithm: 'ECDSA', sizeBits: 384, curve: 'P-384' }, 'signing'],
    [{ algorithm: 'ECDH', sizeBits: 256, curve: 'P-256' }, 'key-agreement'],
    [{ algorithm: 'ED25519', sizeBits: 256 }, 'signing'],
    [{ algorithm: 'X25519', sizeBits: 256 }, 'key-agreement'],
    [{ algorithm: 'HMAC-SHA256', sizeBits: 256 }, 'mac'],
  ];
  for (const [s, p] of ok) it(`approves ${s.algorithm} ${s.curve ?? s.sizeBits} for ${p}`, () => assertApprovedKey(s, p));

  const bad: [KeySpec, KeyPurpose, string][] = [
    [{ algorithm: 'MD5', sizeBits: 128 }, 'mac', 'ALGORITHM_NOT_APPROVED'],
    [{ algorithm: 'HMAC-SHA1', sizeBits: 160 }, 'mac', 'ALGORITHM_NOT_APPROVED'],
    [{ algorithm: '3DES', sizeBits: 168 }, 'encryption', 'ALGORITHM_NOT_APPROVED'],
    [{ algorithm: 'AES-CBC', sizeBits: 256 }, 'encryption', 'ALGORITHM_NOT_APPROVED'],
    [{ algorithm: 'aes-gcm', sizeBits: 256 }, 'encryption', 'ALGORITHM_NOT_APPROVED'],
    [{ algorithm: 'AES-GCM', sizeBits: 512 }, 'encryption', 'KEY_SIZE_NOT_APPROVED'],
    [{ algorithm: 'RSA-PSS', sizeBits: 2500 }, 'signing', 'KEY_SIZE_NOT_APPROVED'],
    [{ algorithm: 'ECDSA', sizeBits: 256, curve: 'secp256k1' }, 'signing', 'CURVE_NOT_APPROVED'],
    [{ algorithm: 'ECDSA', sizeBits: 256 }, 'signing', 'CURVE_NOT_APPROVED'],
    [{ algorithm: 'ECDSA', sizeBits: 384, curve: 'P-256' }, 'signing', 'KEY_SIZE_NOT_APPROVED'],
    [{ algorithm: 'HMAC-SHA512', sizeBits: 256 }, 'mac', 'KEY_SIZE_NOT_APPROVED'],
    [{ algorithm: 'X25519', sizeBits: 256 }, 'signing', 'ALGORITHM_PURPOSE_MISMATCH'],
  ];
  for (const [s, p, code] of bad) {
    it(`refuses ${s.algorithm} ${s.curve ?? s.sizeBits} for ${p} with ${code}, naming what is approved`, () =>
      assert.throws(
        () => assertApprovedKey(s, p),
        (e: unknown) => e instanceof ValidationError && e.code === code && /use|approved|needs|has/.test(e.message),
      ));
  }

  it('names the approved algorithms when refusing one', () =>
    assert.throws(
      () => assertApprovedKey({ algorithm: 'RC4', sizeBits: 128 }, 'encryption'),
      (e: unknown) => e instanceof ValidationError && e.message.includes('prohibited') && e.message.includes('AES-GCM, CHACHA20-POLY1305'),
    ));
});
