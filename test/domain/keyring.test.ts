import { describe, it } from 'node:test';
import { keyRing, type KeyRingEvent } from '../../src/domain/keyring/keyring.js';
import { specFor } from '../support/given-when-then.js';

const spec = specFor(keyRing);
const A = 'a'.repeat(32);
const B = 'b'.repeat(32);
const C = 'c'.repeat(32);
const genesis: KeyRingEvent = { type: 'SigningKeyGenesis', data: { kid: A, publicKey: 'pkA' } };
const rotatedToB: KeyRingEvent = {
  type: 'SigningKeyRotated',
  data: { previousKid: A, kid: B, publicKey: 'pkB', proofOfPossession: 'popB' },
};

describe('key ring decider', () => {
  it('given nothing, when creating the genesis key, then SigningKeyGenesis', () =>
    spec([]).when({ type: 'CreateGenesisKey', kid: A, publicKey: 'pkA' }).then([genesis]));

  it('given a genesis, when creating another genesis, then GENESIS_EXISTS', () =>
    spec([genesis]).when({ type: 'CreateGenesisKey', kid: B, publicKey: 'pkB' }).thenFails('GENESIS_EXISTS'));

  it('given a genesis, when rotating, then the rotation names the active key as previous', () =>
    spec([genesis]).when({ type: 'RotateSigningKey', kid: B, publicKey: 'pkB', proofOfPossession: 'popB' }).then([rotatedToB]));

  it('given nothing, when rotating, then NO_GENESIS', () =>
    spec([]).when({ type: 'RotateSigningKey', kid: B, publicKey: 'pkB', proofOfPossession: 'p' }).thenFails('NO_GENESIS'));

  it('given a rotation to B, when rotating to B again, then KEY_EXISTS', () =>
    spec([genesis, rotatedToB])
      .when({ type: 'RotateSigningKey', kid: B, publicKey: 'pkB', proofOfPossession: 'p' })
      .thenFails('KEY_EXISTS'));

  it('given a rotation to B, when rotating to C, then C follows B', () =>
    spec([genesis, rotatedToB])
      .when({ type: 'RotateSigningKey', kid: C, publicKey: 'pkC', proofOfPossession: 'popC' })
      .then([{ type: 'SigningKeyRotated', data: { previousKid: B, kid: C, publicKey: 'pkC', proofOfPossession: 'popC' } }]));

  it('given a retired key A, when revoking it with a compromise time, then SigningKeyRevoked', () =>
    spec([genesis, rotatedToB])
      .when({ type: 'RevokeSigningKey', kid: A, reason: 'laptop lost', compromisedSince: '2026-01-01T00:00:00.000Z' })
      .then([{ type: 'SigningKeyRevoked', data: { kid: A, reason: 'laptop lost', compromisedSince: '2026-01-01T00:00:00.000Z' } }]));

  it('given the active key, when revoking it, then REVOKE_ACTIVE_KEY (rotate first)', () =>
    spec([genesis, rotatedToB])
      .when({ type: 'RevokeSigningKey', kid: B, reason: 'r', compromisedSince: null })
      .thenFails('REVOKE_ACTIVE_KEY'));

  it('given a revoked key, when revoking it again, then KEY_ALREADY_REVOKED', () =>
    spec([genesis, rotatedToB, { type: 'SigningKeyRevoked', data: { kid: A, reason: 'r', compromisedSince: null } }])
      .when({ type: 'RevokeSigningKey', kid: A, reason: 'r', compromisedSince: null })
      .thenFails('KEY_ALREADY_REVOKED'));

  it('given an unknown key, when revoking it, then UNKNOWN_KEY', () =>
    spec([genesis, rotatedToB]).when({ type: 'RevokeSigningKey', kid: C, reason: 'r', compromisedSince: null }).thenFails('UNKNOWN_KEY'));

  it('given a retired key, when revoking with an empty reason or a bad timestamp, then a validation error', () => {
    spec([genesis, rotatedToB]).when({ type: 'RevokeSigningKey', kid: A, reason: ' ', compromisedSince: null }).thenFails('INVALID_REASON');
    spec([genesis, rotatedToB])
      .when({ type: 'RevokeSigningKey', kid: A, reason: 'r', compromisedSince: 'yesterday' })
      .thenFails('INVALID_TIMESTAMP');
  });

  it('given anything, when the kid is not 32 hex characters, then INVALID_KID', () =>
    spec([]).when({ type: 'CreateGenesisKey', kid: 'KID', publicKey: 'pk' }).thenFails('INVALID_KID'));
});
