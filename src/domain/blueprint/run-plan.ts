/** The RunPlan a blueprint compiles to; the PipelineRun aggregate owns the type. */
export type { RunPlan, PlanStage, PlanCheck, PlanPolicy, ApprovalRequirements, JsonObject, JsonValue } from '../run/plan.js';
