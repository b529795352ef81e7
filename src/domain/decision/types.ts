import type { ApprovalRequirements, JsonValue } from '../run/plan.js';

/** The decision on one run: stream `decision-<runId>`. */
export const decisionStream = (runId: string): string => `decision-${runId}`;

/** The policy engine's verdict (domain-a's PolicyEvaluation.verdict). */
export type PolicyVerdict = 'APPROVED' | 'REJECTED' | 'NEEDS_APPROVAL';

/** What a waiver excuses: a check's failure, one finding, or a whole approval condition. */
export type WaiverTarget = { readonly check: string } | { readonly finding: string } | { readonly condition: string };

interface Stamp {
  /** From CommandMetadata.occurredAt. */
  readonly at: string;
  /** From CommandMetadata.actor.id. */
  readonly actor: string;
}

export type DecisionCommand =
  | (Stamp & {
      readonly type: 'OpenDecision';
      readonly runId: string;
      readonly projectId: string;
      readonly environment: string;
      /** The run's initiator: separation of duties is checked against it. */
      readonly initiator: string;
      readonly approval: ApprovalRequirements;
      readonly blueprintDigest: string;
    })
  | (Stamp & {
      readonly type: 'RecordPolicyEvaluation';
      readonly verdict: PolicyVerdict;
      readonly explanation: JsonValue;
      readonly blueprintDigest: string;
      readonly policyDigest: string;
      readonly engineVersion: string;
      readonly inputsDigest: string;
      readonly evaluatedAt: string;
      /** Waivers the engine was given (they must be active when the evaluation is recorded). */
      readonly waiverIds: readonly string[];
    })
  | (Stamp & { readonly type: 'GrantApproval'; readonly role: string; readonly comment: string })
  | (Stamp & { readonly type: 'VetoDecision'; readonly role: string; readonly reason: string })
  | (Stamp & {
      readonly type: 'GrantWaiver';
      readonly waiverId: string;
      readonly role: string;
      readonly target: WaiverTarget;
      readonly justification: string;
      readonly expiresAt: string;
    })
  | (Stamp & { readonly type: 'RevokeWaiver'; readonly waiverId: string; readonly reason: string })
  | (Stamp & { readonly type: 'ExpireWaiver'; readonly waiverId: string })
  | (Stamp & { readonly type: 'CloseDecision' });

export type DecisionEvent =
  | {
      readonly type: 'DecisionOpened';
      readonly data: {
        readonly runId: string;
        readonly projectId: string;
        readonly environment: string;
        readonly initiator: string;
        readonly approval: ApprovalRequirements;
        readonly quorum: number;
        readonly blueprintDigest: string;
        readonly at: string;
      };
    }
  | {
      readonly type: 'PolicyEvaluated';
      readonly data: {
        readonly verdict: PolicyVerdict;
        readonly explanation: JsonValue;
        readonly blueprintDigest: string;
        readonly policyDigest: string;
        readonly engineVersion: string;
        readonly inputsDigest: string;
        readonly evaluatedAt: string;
        readonly waiverIds: readonly string[];
        readonly recordedBy: string;
        readonly at: string;
      };
    }
  | {
      readonly type: 'ApprovalGranted';
      readonly data: { readonly approver: string; readonly role: string; readonly comment: string; readonly at: string };
    }
  | {
      readonly type: 'DecisionVetoed';
      readonly data: { readonly by: string; readonly role: string; readonly reason: string; readonly at: string };
    }
  | {
      readonly type: 'WaiverGranted';
      readonly data: {
        readonly waiverId: string;
        readonly target: WaiverTarget;
        readonly grantedBy: string;
        readonly role: string;
        readonly justification: string;
        readonly expiresAt: string;
        readonly at: string;
      };
    }
  | {
      readonly type: 'WaiverRevoked';
      readonly data: { readonly waiverId: string; readonly by: string; readonly reason: string; readonly at: string };
    }
  | { readonly type: 'WaiverExpired'; readonly data: { readonly waiverId: string; readonly expiresAt: string; readonly at: string } }
  | {
      readonly type: 'DecisionApproved';
      readonly data: { readonly runId: string; readonly reasons: readonly string[]; readonly at: string };
    }
  | {
      readonly type: 'DecisionRejected';
      readonly data: { readonly runId: string; readonly reasons: readonly string[]; readonly at: string };
    };

export type DecisionStatus = 'NONE' | 'PENDING' | 'APPROVED' | 'REJECTED';
export type WaiverStatus = 'ACTIVE' | 'REVOKED' | 'EXPIRED';

export interface WaiverState {
  readonly target: WaiverTarget;
  readonly grantedBy: string;
  readonly justification: string;
  readonly expiresAt: string;
  readonly status: WaiverStatus;
}

export interface DecisionState {
  readonly status: DecisionStatus;
  readonly runId?: string;
  readonly environment?: string;
  readonly initiator?: string;
  readonly approval?: ApprovalRequirements;
  readonly quorum: number;
  readonly blueprintDigest?: string;
  readonly evaluation?: { readonly verdict: PolicyVerdict; readonly policyDigest: string; readonly waiverIds: readonly string[] };
  /** Approver id → role: one person counts once. */
  readonly approvals: ReadonlyMap<string, string>;
  readonly waivers: ReadonlyMap<string, WaiverState>;
}
