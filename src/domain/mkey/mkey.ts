import type { Decider } from '../decider.js';
import { IllegalState, NotFound, ValidationError } from '../errors.js';
import { addSeconds, requireTime } from '../run/time.js';
import { ENTITY_ID, PRINCIPAL_ID, fail, text } from '../run/validate.js';
import { KEY_PURPOSES, assertApprovedKey, type KeyPurpose, type KeySpec } from './crypto-policy.js';

/** A governed key of a project, stream `mkey-<id>`. The ledger holds references, never key material. */
export const mkeyStream = (keyId: string): string => `mkey-${keyId}`;

/** Longest cryptoperiod accepted (5 years); the project's policy usually asks for less. */
export const MAX_CRYPTOPERIOD_DAYS = 1825;
const KMS_SCHEMES = ['arn:aws:kms:', 'gcpkms://', 'azurekv://', 'vault://', 'hsm://', 'pkcs11:', 'kms://'];

interface Stamp {
  readonly at: string;
  readonly actor: string;
}

export type ManagedKeyCommand =
  | (Stamp &
      KeySpec & {
        readonly type: 'RegisterKey';
        readonly keyId: string;
        readonly projectId: string;
        readonly kmsRef: string;
        readonly purpose: KeyPurpose;
        readonly cryptoperiodDays: number;
      })
  | (Stamp & KeySpec & { readonly type: 'RotateKey'; readonly kmsRef: string; readonly reason: string })
  | (Stamp & { readonly type: 'RetireKey'; readonly reason: string })
  | (Stamp & { readonly type: 'ReportKeyCompromise'; readonly reason: string; readonly compromisedSince: string });

/** What the process manager needs to run the owning project's crypto pipeline (RF03). */
export interface KeyRotationTrigger {
  readonly kind: 'key_rotation';
  readonly projectId: string;
  readonly keyId: string;
  readonly keyVersion: number;
}

export type ManagedKeyEvent =
  | {
      readonly type: 'ManagedKeyRegistered';
      readonly data: {
        readonly keyId: string;
        readonly projectId: string;
        readonly version: 1;
        readonly spec: KeySpec;
        readonly kmsRef: string;
        readonly purpose: KeyPurpose;
        readonly cryptoperiodDays: number;
        readonly rotateBy: string;
        readonly registeredBy: string;
        readonly at: string;
      };
    }
  | {
      readonly type: 'ManagedKeyRotated';
      readonly data: {
        readonly keyId: string;
        readonly projectId: string;
        readonly previousVersion: number;
        readonly version: number;
        readonly spec: KeySpec;
        readonly kmsRef: string;
        readonly reason: string;
        readonly rotateBy: string;
        readonly rotatedBy: string;
        readonly trigger: KeyRotationTrigger;
        readonly at: string;
      };
    }
  | {
      readonly type: 'ManagedKeyRetired';
      readonly data: {
        readonly keyId: string;
        readonly version: number;
        readonly reason: string;
        readonly by: string;
        readonly at: string;
      };
    }
  | {
      readonly type: 'ManagedKeyCompromised';
      readonly data: {
        readonly keyId: string;
        readonly projectId: string;
        readonly version: number;
        readonly compromisedSince: string;
        readonly reason: string;
        readonly by: string;
        readonly at: string;
      };
    };

export type ManagedKeyStatus = 'NONE' | 'ACTIVE' | 'COMPROMISED' | 'RETIRED';

export interface ManagedKeyState {
  readonly status: ManagedKeyStatus;
  readonly keyId?: string;
  readonly projectId?: string;
  readonly version: number;
  readonly spec?: KeySpec;
  readonly kmsRef?: string;
  readonly purpose?: KeyPurpose;
  readonly cryptoperiodDays: number;
  readonly rotateBy?: string;
  /** Versions reported compromised. */
  readonly compromised: readonly number[];
}

const initialState: ManagedKeyState = { status: 'NONE', version: 0, cryptoperiodDays: 0, compromised: [] };

function evolve(state: ManagedKeyState, event: ManagedKeyEvent): ManagedKeyState {
  switch (event.type) {
    case 'ManagedKeyRegistered': {
      const d = event.data;
      return {
        status: 'ACTIVE',
        keyId: d.keyId,
        projectId: d.projectId,
        version: d.version,
        spec: d.spec,
        kmsRef: d.kmsRef,
        purpose: d.purpose,
        cryptoperiodDays: d.cryptoperiodDays,
        rotateBy: d.rotateBy,
        compromised: [],
      };
    }
    case 'ManagedKeyRotated':
      return {
        ...state,
        status: 'ACTIVE',
        version: event.data.version,
        spec: event.data.spec,
        kmsRef: event.data.kmsRef,
        rotateBy: event.data.rotateBy,
      };
    case 'ManagedKeyRetired':
      return { ...state, status: 'RETIRED' };
    case 'ManagedKeyCompromised':
      return {
        ...state,
        status: state.status === 'RETIRED' ? 'RETIRED' : 'COMPROMISED',
        compromised: [...state.compromised, event.data.version],
      };
  }
}

/** Whether the current version has outlived its cryptoperiod at `now` (for the scheduler). */
export function rotationDue(state: ManagedKeyState, now: string): boolean {
  return state.status === 'ACTIVE' && state.rotateBy !== undefined && requireTime(now, 'now') >= requireTime(state.rotateBy, 'rotateBy');
}

function decide(command: ManagedKeyCommand, state: ManagedKeyState): ManagedKeyEvent[] {
  const at = command.at;
  requireTime(at, 'at');
  if (!PRINCIPAL_ID.test(command.actor)) {
    throw new ValidationError('INVALID_ACTOR', 'the actor must be a pseudonymous principal id such as usr:7f3a', [
      { path: 'actor', message: 'expected <kind>:<id>' },
    ]);
  }
  if (command.type === 'RegisterKey') {
    const c = command;
    if (state.status !== 'NONE')
      throw new IllegalState('KEY_EXISTS', `managed key ${state.keyId} is already registered: rotate it instead`);
    const problems = [
      ...(ENTITY_ID.test(c.keyId) ? [] : [{ path: 'keyId', message: 'letters, digits, . _ : - (1 to 128)' }]),
      ...(ENTITY_ID.test(c.projectId) ? [] : [{ path: 'projectId', message: 'letters, digits, . _ : - (1 to 128)' }]),
      ...(KEY_PURPOSES.includes(c.purpose) ? [] : [{ path: 'purpose', message: KEY_PURPOSES.join(', ') }]),
      ...(Number.isInteger(c.cryptoperiodDays) && c.cryptoperiodDays >= 1 && c.cryptoperiodDays <= MAX_CRYPTOPERIOD_DAYS
        ? []
        : [{ path: 'cryptoperiodDays', message: `an integer from 1 to ${MAX_CRYPTOPERIOD_DAYS}` }]),
    ];
    if (problems.length > 0) fail('INVALID_MANAGED_KEY', 'the managed key is invalid', problems);
    assertKmsRef(c.kmsRef);
    const spec = specOf(c);
    assertApprovedKey(spec, c.purpose);
    return [
      {
        type: 'ManagedKeyRegistered',
        data: {
          keyId: c.keyId,
          projectId: c.projectId,
          version: 1,
          spec,
          kmsRef: c.kmsRef,
          purpose: c.purpose,
          cryptoperiodDays: c.cryptoperiodDays,
          rotateBy: addSeconds(at, c.cryptoperiodDays * 86_400),
          registeredBy: c.actor,
          at,
        },
      },
    ];
  }
  if (state.status === 'NONE') throw new NotFound('UNKNOWN_MANAGED_KEY', 'this managed key was never registered: register it first');
  const keyId = state.keyId as string;
  const projectId = state.projectId as string;
  switch (command.type) {
    case 'RotateKey': {
      if (state.status === 'RETIRED') throw new IllegalState('KEY_RETIRED', `managed key ${keyId} is retired: register a new key`);
      if (!text(command.reason, 1, 500))
        fail('INVALID_REASON', 'a rotation needs a reason', [{ path: 'reason', message: '1 to 500 characters' }]);
      assertKmsRef(command.kmsRef);
      if (command.kmsRef === state.kmsRef) {
        throw new IllegalState(
          'SAME_KMS_REFERENCE',
          `version ${state.version} already uses ${command.kmsRef}: name the new key version's reference`,
        );
      }
      const spec = specOf(command);
      assertApprovedKey(spec, state.purpose as KeyPurpose);
      const version = state.version + 1;
      return [
        {
          type: 'ManagedKeyRotated',
          data: {
            keyId,
            projectId,
            previousVersion: state.version,
            version,
            spec,
            kmsRef: command.kmsRef,
            reason: command.reason,
            rotateBy: addSeconds(at, state.cryptoperiodDays * 86_400),
            rotatedBy: command.actor,
            trigger: { kind: 'key_rotation', projectId, keyId, keyVersion: version },
            at,
          },
        },
      ];
    }
    case 'RetireKey':
      if (state.status === 'RETIRED') throw new IllegalState('KEY_RETIRED', `managed key ${keyId} is already retired`);
      if (!text(command.reason, 1, 500))
        fail('INVALID_REASON', 'a retirement needs a reason', [{ path: 'reason', message: '1 to 500 characters' }]);
      return [{ type: 'ManagedKeyRetired', data: { keyId, version: state.version, reason: command.reason, by: command.actor, at } }];
    case 'ReportKeyCompromise': {
      if (state.compromised.includes(state.version)) {
        throw new IllegalState(
          'KEY_ALREADY_COMPROMISED',
          `version ${state.version} of ${keyId} is already reported compromised: rotate it`,
        );
      }
      if (!text(command.reason, 1, 500))
        fail('INVALID_REASON', 'a compromise report needs a reason', [{ path: 'reason', message: '1 to 500 characters' }]);
      if (requireTime(command.compromisedSince, 'compromisedSince') > requireTime(at, 'at')) {
        throw new ValidationError('COMPROMISE_IN_FUTURE', 'compromisedSince cannot be after the report', [
          { path: 'compromisedSince', message: 'at or before now' },
        ]);
      }
      return [
        {
          type: 'ManagedKeyCompromised',
          data: {
            keyId,
            projectId,
            version: state.version,
            compromisedSince: command.compromisedSince,
            reason: command.reason,
            by: command.actor,
            at,
          },
        },
      ];
    }
  }
}

function specOf(c: KeySpec): KeySpec {
  return { algorithm: c.algorithm, sizeBits: c.sizeBits, ...(c.curve !== undefined ? { curve: c.curve } : {}) };
}

/** A KMS/HSM reference; anything that looks like key material is refused and never recorded. */
function assertKmsRef(ref: string): void {
  if (typeof ref !== 'string' || /-----BEGIN|PRIVATE KEY|[A-Za-z0-9+=]{40,}|[0-9a-fA-F]{32,}/.test(ref)) {
    throw new ValidationError(
      'KEY_MATERIAL_REFUSED',
      'kmsRef looks like key material: the ledger records only a KMS/HSM reference (e.g. arn:aws:kms:..., vault://transit/keys/name)',
      [{ path: 'kmsRef', message: 'a reference, never key material' }],
    );
  }
  if (ref.length > 512 || !KMS_SCHEMES.some((s) => ref.startsWith(s)) || /\s/.test(ref)) {
    throw new ValidationError('INVALID_KMS_REFERENCE', `kmsRef must start with one of ${KMS_SCHEMES.join(', ')} (at most 512 characters)`, [
      { path: 'kmsRef', message: `one of ${KMS_SCHEMES.join(', ')}` },
    ]);
  }
}

/** ManagedKey: a project's governed crypto key (seed 000 §6.4, RF03 key_rotation). */
export const managedKey: Decider<ManagedKeyCommand, ManagedKeyEvent, ManagedKeyState> = { initialState, evolve, decide };
