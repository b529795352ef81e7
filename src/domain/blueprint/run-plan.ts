/**
 * The RunPlan a blueprint compiles to. The type is owned by the PipelineRun aggregate
 * (src/domain/run/plan.ts, branch domain-b); this file mirrors its shape at domain-b 575fdee so
 * that this branch builds on its own. After both branches are merged, replace the body of this
 * file with:
 *
 *   export type { RunPlan, PlanStage, PlanCheck, PlanPolicy, ApprovalRequirements, JsonObject, JsonValue } from '../run/plan.js';
 *
 * (TypeScript types are structural: compilePlan compiles against either.)
 */

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };
export type JsonObject = { readonly [key: string]: JsonValue };

export interface PlanCheck {
  readonly id: string;
  readonly type: string;
  readonly required: boolean;
  readonly timeoutSeconds: number;
  readonly maxRetries: number;
  readonly thresholds: JsonObject;
}

export interface PlanStage {
  readonly id: string;
  readonly name: string;
  readonly dependsOn: readonly string[];
  readonly condition?: { readonly stage: string; readonly status: 'PASSED' | 'FAILED' | 'SKIPPED' };
  readonly checks: readonly PlanCheck[];
}

export interface PlanPolicy {
  readonly id: string;
  readonly language: string;
  readonly expression: string;
  readonly digest: string;
}

export interface ApprovalRequirements {
  readonly requiredRoles: readonly string[];
  readonly quorumByEnvironment: { readonly [environment: string]: number };
  readonly defaultQuorum: number;
}

export interface RunPlan {
  readonly schemaVersion: 1;
  readonly blueprint: { readonly id: string; readonly version: number; readonly digest: string };
  readonly stages: readonly PlanStage[];
  readonly policies: readonly PlanPolicy[];
  readonly approval: ApprovalRequirements;
}
