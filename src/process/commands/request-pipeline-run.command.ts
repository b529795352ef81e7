import type { CommandMetadata } from '../../domain/decider.js';
import type { RunInputs, RunTrigger } from '../../domain/run/types.js';

/**
 * Start a pipeline run of a project (seed 000 §8.2 steps 1-4): resolve the blueprint version the
 * project attached for the environment, compile its plan, record the run with its trigger, queue it.
 */
export class RequestPipelineRunCommand {
  constructor(
    readonly runId: string,
    readonly projectId: string,
    /** Omitted: the project's only environment with an attached blueprint. */
    readonly environment: string | undefined,
    readonly trigger: RunTrigger,
    readonly inputs: RunInputs,
    readonly meta: CommandMetadata,
    /** `crypto`: the project's crypto pipeline (key rotations) instead of the environment's blueprint. */
    readonly pipeline: 'environment' | 'crypto' = 'environment',
  ) {}
}

export interface RequestPipelineRunResult {
  readonly pipeline_run_id: string;
  readonly status: 'QUEUED';
  readonly environment: string;
  readonly blueprint: { readonly id: string; readonly version: number; readonly digest: string };
  /** True when this request had already been recorded (an Idempotency-Key replay). */
  readonly idempotent: boolean;
}
