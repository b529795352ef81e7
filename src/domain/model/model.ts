import type { Decider } from '../decider.js';
import { IllegalState, NotFound, ValidationError } from '../errors.js';

/**
 * A model in the registry, stream `model-<name>`: its versions pinned by digest, which
 * stages each digest is approved for (by which decision), and revocations. The batch
 * inference gate (seed 003 §4.1) asks it: approved for this stage, not revoked, this digest.
 */
export type ModelCommand =
  | {
      readonly type: 'RegisterModelVersion';
      readonly model: string;
      readonly version: string;
      readonly digest: string;
      /** The run that produced it, and what it was trained on (`dataset@version`), for lineage. */
      readonly runId: string | null;
      readonly trainedOn: readonly string[];
    }
  | {
      readonly type: 'ApproveModelForStage';
      readonly digest: string;
      readonly stage: string;
      readonly decisionId: string;
      readonly runId: string;
    }
  | { readonly type: 'RevokeModelApproval'; readonly digest: string; readonly stage: string; readonly reason: string }
  | { readonly type: 'RevokeModelVersion'; readonly digest: string; readonly reason: string };

export type ModelEvent =
  | {
      readonly type: 'ModelVersionRegistered';
      readonly data: {
        readonly model: string;
        readonly version: string;
        readonly digest: string;
        readonly runId: string | null;
        readonly trainedOn: readonly string[];
      };
    }
  | {
      readonly type: 'ModelApprovedForStage';
      readonly data: { readonly digest: string; readonly stage: string; readonly decisionId: string; readonly runId: string };
    }
  | { readonly type: 'ModelApprovalRevoked'; readonly data: { readonly digest: string; readonly stage: string; readonly reason: string } }
  | { readonly type: 'ModelVersionRevoked'; readonly data: { readonly digest: string; readonly reason: string } };

export interface ModelVersionState {
  readonly version: string;
  readonly approvals: ReadonlyMap<string, { readonly decisionId: string; readonly runId: string }>;
  readonly revoked: string | undefined;
}

export interface ModelState {
  readonly name: string | undefined;
  readonly versions: ReadonlyMap<string, ModelVersionState>;
}

export const MODEL_DIGEST = /^sha256:[0-9a-f]{64}$/;
const NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;
const STAGE = /^[a-z][a-z0-9-]{0,39}$/;
const DATASET_REF = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}@[A-Za-z0-9._:-]{1,100}$/;

export function modelStream(name: string): string {
  return `model-${name}`;
}

function field(path: string, ok: boolean, expected: string, got: unknown): void {
  if (!ok) {
    throw new ValidationError('INVALID_MODEL_COMMAND', `${path}: expected ${expected} (got ${JSON.stringify(got)?.slice(0, 80)})`, [
      { path, message: `expected ${expected}` },
    ]);
  }
}

function versionOf(state: ModelState, digest: string): ModelVersionState {
  field('digest', MODEL_DIGEST.test(digest), '"sha256:" and 64 lowercase hex characters', digest);
  const v = state.versions.get(digest);
  if (!v)
    throw new NotFound(
      'MODEL_VERSION_NOT_FOUND',
      `model ${state.name ?? '(unregistered)'} has no version with digest ${digest}: register it first`,
    );
  return v;
}

export const modelRegistry: Decider<ModelCommand, ModelEvent, ModelState> = {
  initialState: { name: undefined, versions: new Map() },

  evolve(state, event) {
    const versions = new Map(state.versions);
    switch (event.type) {
      case 'ModelVersionRegistered':
        versions.set(event.data.digest, { version: event.data.version, approvals: new Map(), revoked: undefined });
        return { name: event.data.model, versions };
      case 'ModelApprovedForStage': {
        const v = versions.get(event.data.digest);
        if (!v) return state;
        const approvals = new Map(v.approvals).set(event.data.stage, { decisionId: event.data.decisionId, runId: event.data.runId });
        versions.set(event.data.digest, { ...v, approvals });
        return { ...state, versions };
      }
      case 'ModelApprovalRevoked': {
        const v = versions.get(event.data.digest);
        if (!v) return state;
        const approvals = new Map(v.approvals);
        approvals.delete(event.data.stage);
        versions.set(event.data.digest, { ...v, approvals });
        return { ...state, versions };
      }
      case 'ModelVersionRevoked': {
        const v = versions.get(event.data.digest);
        if (!v) return state;
        versions.set(event.data.digest, { ...v, revoked: event.data.reason });
        return { ...state, versions };
      }
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'RegisterModelVersion': {
        field('model', NAME.test(command.model), 'a lower-case name of letters, digits, ".", "_" or "-"', command.model);
        field('version', /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/.test(command.version), 'a version such as 1.4.0', command.version);
        field('digest', MODEL_DIGEST.test(command.digest), '"sha256:" and 64 lowercase hex characters', command.digest);
        command.trainedOn.forEach((d, i) =>
          field(`trainedOn[${i}]`, DATASET_REF.test(d), 'a dataset reference such as curated/tx_2025@v3', d),
        );
        if (state.name !== undefined && state.name !== command.model) {
          throw new IllegalState('MODEL_NAME_MISMATCH', `this stream holds model ${state.name}, not ${command.model}`);
        }
        const existing = state.versions.get(command.digest);
        if (existing) {
          if (existing.version === command.version) return [];
          throw new IllegalState(
            'MODEL_DIGEST_CONFLICT',
            `digest ${command.digest} is already version ${existing.version} of ${command.model}`,
          );
        }
        for (const v of state.versions.values()) {
          if (v.version === command.version) {
            throw new IllegalState(
              'MODEL_VERSION_CONFLICT',
              `version ${command.version} of ${command.model} is already pinned to another digest: publish a new version`,
            );
          }
        }
        return [
          {
            type: 'ModelVersionRegistered',
            data: {
              model: command.model,
              version: command.version,
              digest: command.digest,
              runId: command.runId,
              trainedOn: [...command.trainedOn],
            },
          },
        ];
      }
      case 'ApproveModelForStage': {
        field('stage', STAGE.test(command.stage), 'a stage name such as staging or production', command.stage);
        const v = versionOf(state, command.digest);
        if (v.revoked !== undefined)
          throw new IllegalState(
            'MODEL_VERSION_REVOKED',
            `digest ${command.digest} is revoked (${v.revoked}) and cannot be approved again`,
          );
        if (v.approvals.get(command.stage)?.decisionId === command.decisionId) return [];
        return [
          {
            type: 'ModelApprovedForStage',
            data: { digest: command.digest, stage: command.stage, decisionId: command.decisionId, runId: command.runId },
          },
        ];
      }
      case 'RevokeModelApproval': {
        field(
          'reason',
          command.reason.trim().length > 0 && command.reason.length <= 500,
          'a reason of 1 to 500 characters',
          command.reason,
        );
        const v = versionOf(state, command.digest);
        if (!v.approvals.has(command.stage)) {
          throw new IllegalState(
            'MODEL_NOT_APPROVED',
            `digest ${command.digest} is not approved for stage ${command.stage}: nothing to revoke`,
          );
        }
        return [{ type: 'ModelApprovalRevoked', data: { digest: command.digest, stage: command.stage, reason: command.reason } }];
      }
      case 'RevokeModelVersion': {
        field(
          'reason',
          command.reason.trim().length > 0 && command.reason.length <= 500,
          'a reason of 1 to 500 characters',
          command.reason,
        );
        const v = versionOf(state, command.digest);
        if (v.revoked !== undefined) return [];
        // Every stage approval ends with the version: one event each, then the version's own revocation.
        return [
          ...[...v.approvals.keys()]
            .sort()
            .map((stage) => ({ type: 'ModelApprovalRevoked' as const, data: { digest: command.digest, stage, reason: command.reason } })),
          { type: 'ModelVersionRevoked', data: { digest: command.digest, reason: command.reason } },
        ];
      }
    }
  },
};

export type GateVerdict = 'APPROVED' | 'NOT_REGISTERED' | 'NOT_APPROVED_FOR_STAGE' | 'REVOKED';

export interface GateAnswer {
  readonly approved: boolean;
  readonly verdict: GateVerdict;
  readonly model: string;
  readonly digest: string;
  readonly stage: string;
  readonly version: string | null;
  readonly decisionId: string | null;
  readonly runId: string | null;
}

/** Seed 003 §4.1: allow only when this digest is registered, approved for the stage and not revoked. */
export function gate(state: ModelState, model: string, digest: string, stage: string): GateAnswer {
  const v = state.versions.get(digest);
  const base = { model, digest, stage, version: v?.version ?? null, decisionId: null, runId: null };
  if (!v) return { ...base, approved: false, verdict: 'NOT_REGISTERED' };
  if (v.revoked !== undefined) return { ...base, approved: false, verdict: 'REVOKED' };
  const a = v.approvals.get(stage);
  if (!a) return { ...base, approved: false, verdict: 'NOT_APPROVED_FOR_STAGE' };
  return { ...base, approved: true, verdict: 'APPROVED', decisionId: a.decisionId, runId: a.runId };
}
