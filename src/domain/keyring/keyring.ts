import type { Decider } from '../decider.js';
import { IllegalState, NotFound, ValidationError } from '../errors.js';

/** The ledger's own signing keys, stream `ledger-keys`. Crypto happens outside: proofs arrive in commands. */
export const KEYRING_STREAM = 'ledger-keys';

export type KeyRingCommand =
  | { readonly type: 'CreateGenesisKey'; readonly kid: string; readonly publicKey: string }
  | { readonly type: 'RotateSigningKey'; readonly kid: string; readonly publicKey: string; readonly proofOfPossession: string }
  | { readonly type: 'RevokeSigningKey'; readonly kid: string; readonly reason: string; readonly compromisedSince: string | null };

export type KeyRingEvent =
  | { readonly type: 'SigningKeyGenesis'; readonly data: { readonly kid: string; readonly publicKey: string } }
  | {
      readonly type: 'SigningKeyRotated';
      readonly data: { readonly previousKid: string; readonly kid: string; readonly publicKey: string; readonly proofOfPossession: string };
    }
  | {
      readonly type: 'SigningKeyRevoked';
      readonly data: { readonly kid: string; readonly reason: string; readonly compromisedSince: string | null };
    };

export type KeyStatus = 'active' | 'retired' | 'revoked';

export interface KeyRingState {
  readonly trustRoot: string | undefined;
  readonly activeKid: string | undefined;
  readonly keys: ReadonlyMap<string, { readonly publicKey: string; readonly status: KeyStatus }>;
}

const KID = /^[0-9a-f]{32}$/;
const RFC3339_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export const keyRing: Decider<KeyRingCommand, KeyRingEvent, KeyRingState> = {
  initialState: { trustRoot: undefined, activeKid: undefined, keys: new Map() },

  evolve(state, event) {
    const keys = new Map(state.keys);
    switch (event.type) {
      case 'SigningKeyGenesis':
        keys.set(event.data.kid, { publicKey: event.data.publicKey, status: 'active' });
        return { trustRoot: event.data.kid, activeKid: event.data.kid, keys };
      case 'SigningKeyRotated': {
        const old = keys.get(event.data.previousKid);
        if (old && old.status === 'active') keys.set(event.data.previousKid, { ...old, status: 'retired' });
        keys.set(event.data.kid, { publicKey: event.data.publicKey, status: 'active' });
        return { ...state, activeKid: event.data.kid, keys };
      }
      case 'SigningKeyRevoked': {
        const k = keys.get(event.data.kid);
        if (k) keys.set(event.data.kid, { ...k, status: 'revoked' });
        return { ...state, keys };
      }
    }
  },

  decide(command, state) {
    if (!KID.test(command.kid)) {
      throw new ValidationError('INVALID_KID', `kid must be 32 lowercase hex characters (got "${command.kid.slice(0, 40)}")`, [
        { path: 'kid', message: 'expected 32 lowercase hex characters' },
      ]);
    }
    switch (command.type) {
      case 'CreateGenesisKey':
        if (state.trustRoot) {
          throw new IllegalState('GENESIS_EXISTS', `the key ring already has its genesis key ${state.trustRoot}`);
        }
        return [{ type: 'SigningKeyGenesis', data: { kid: command.kid, publicKey: command.publicKey } }];
      case 'RotateSigningKey': {
        const previousKid = requireActive(state);
        if (state.keys.has(command.kid)) {
          throw new IllegalState('KEY_EXISTS', `key ${command.kid} is already in the key ring: rotate to a new key`);
        }
        return [
          {
            type: 'SigningKeyRotated',
            data: { previousKid, kid: command.kid, publicKey: command.publicKey, proofOfPossession: command.proofOfPossession },
          },
        ];
      }
      case 'RevokeSigningKey': {
        const activeKid = requireActive(state);
        const key = state.keys.get(command.kid);
        if (!key) throw new NotFound('UNKNOWN_KEY', `key ${command.kid} is not in the key ring: see qledger keys list`);
        if (key.status === 'revoked') throw new IllegalState('KEY_ALREADY_REVOKED', `key ${command.kid} is already revoked`);
        if (command.kid === activeKid) {
          throw new IllegalState(
            'REVOKE_ACTIVE_KEY',
            `key ${command.kid} is the active signing key: rotate first (qledger keys rotate), then revoke it`,
          );
        }
        if (command.reason.trim() === '' || command.reason.length > 500) {
          throw new ValidationError('INVALID_REASON', 'a revocation needs a reason of 1 to 500 characters', [
            { path: 'reason', message: '1 to 500 characters' },
          ]);
        }
        if (command.compromisedSince !== null && !RFC3339_MS.test(command.compromisedSince)) {
          throw new ValidationError(
            'INVALID_TIMESTAMP',
            'compromisedSince must be RFC 3339 UTC with milliseconds, e.g. 2026-01-31T12:00:00.000Z',
            [{ path: 'compromisedSince', message: 'expected YYYY-MM-DDTHH:MM:SS.sssZ' }],
          );
        }
        return [
          { type: 'SigningKeyRevoked', data: { kid: command.kid, reason: command.reason, compromisedSince: command.compromisedSince } },
        ];
      }
    }
  },
};

function requireActive(state: KeyRingState): string {
  if (!state.activeKid) throw new IllegalState('NO_GENESIS', 'the key ring has no genesis key yet: run qledger init');
  return state.activeKid;
}
