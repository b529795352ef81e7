import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LEDGER } from '../../app/tokens.js';
import { blueprintDecider, blueprintStream } from '../../domain/blueprint/blueprint.js';
import { compilePlan } from '../../domain/blueprint/compile-plan.js';
import { IllegalState, NotFound, ValidationError } from '../../domain/errors.js';
import { projectDecider, projectStream } from '../../domain/project/project.js';
import { pipelineRun } from '../../domain/run/run.js';
import { runStream } from '../../domain/run/types.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { readState } from '../../ledger/read-state.js';
import { RequestPipelineRunCommand, type RequestPipelineRunResult } from './request-pipeline-run.command.js';

/**
 * Reads the project and the blueprint fresh, compiles the plan and records RunRequested fenced on
 * both streams' revisions (a blueprint re-attached meanwhile wins or loses cleanly), then queues
 * the run. Both writes carry ids derived from the request's command id: a replay writes nothing.
 */
@CommandHandler(RequestPipelineRunCommand)
export class RequestPipelineRunHandler implements ICommandHandler<RequestPipelineRunCommand, RequestPipelineRunResult> {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  async execute(c: RequestPipelineRunCommand): Promise<RequestPipelineRunResult> {
    const store = this.ledger.store;
    const project = await readState(store, projectStream(c.projectId), projectDecider);
    if (project.revision === -1) {
      throw new NotFound('PROJECT_NOT_FOUND', `project ${c.projectId} does not exist: create it first (or check project_id)`);
    }
    if (project.state.archived) throw new IllegalState('PROJECT_ARCHIVED', `project ${c.projectId} is archived: it runs no pipelines`);
    const { environment, ref } = this.pick(c, project.state.blueprints, project.state.cryptoPipeline);
    const blueprint = await readState(store, blueprintStream(ref.id), blueprintDecider);
    const version = blueprint.state.versions.get(ref.version);
    if (!version || version.digest !== ref.digest) {
      throw new IllegalState(
        'BLUEPRINT_VERSION_MISSING',
        `blueprint ${ref.id} v${ref.version} (${ref.digest}) attached to ${c.projectId} is not registered: register it or attach another version`,
      );
    }
    const plan = compilePlan(version.definition);
    const stamp = { at: c.meta.occurredAt, actor: c.meta.actor.id };
    const requested = await this.ledger.writer.execute(
      runStream(c.runId),
      pipelineRun,
      { ...stamp, type: 'RequestRun', runId: c.runId, projectId: c.projectId, environment, plan, trigger: c.trigger, inputs: c.inputs },
      c.meta,
      {
        preconditions: [
          { stream: projectStream(c.projectId), revision: project.revision },
          { stream: blueprintStream(ref.id), revision: blueprint.revision },
        ],
      },
    );
    const queueMeta = { ...c.meta, commandId: `${c.meta.commandId}:queue`.slice(0, 128), causationId: c.meta.commandId };
    await this.ledger.writer.execute(runStream(c.runId), pipelineRun, { ...stamp, type: 'QueueRun' }, queueMeta).catch((e: unknown) => {
      // Already queued (by the process manager, or a replay whose queueing was recorded): fine.
      if (!(e instanceof IllegalState && e.code === 'RUN_ALREADY_QUEUED')) throw e;
    });
    return {
      pipeline_run_id: c.runId,
      status: 'QUEUED',
      environment,
      blueprint: { id: ref.id, version: ref.version, digest: ref.digest },
      idempotent: requested.idempotent,
    };
  }

  private pick(
    c: RequestPipelineRunCommand,
    blueprints: ReadonlyMap<string, { id: string; version: number; digest: string }>,
    crypto: { id: string; version: number; digest: string } | undefined,
  ): { environment: string; ref: { id: string; version: number; digest: string } } {
    if (c.pipeline === 'crypto') {
      if (!crypto) throw new IllegalState('NO_CRYPTO_PIPELINE', `project ${c.projectId} has no crypto pipeline: set one first`);
      return { environment: c.environment ?? 'security', ref: crypto };
    }
    let environment = c.environment;
    if (environment === undefined) {
      if (blueprints.size !== 1) {
        throw new ValidationError(
          'ENVIRONMENT_REQUIRED',
          `project ${c.projectId} has blueprints for ${[...blueprints.keys()].join(', ') || 'no environment'}: name the environment`,
          [{ path: 'environment', message: `one of ${[...blueprints.keys()].join(', ') || '(none attached)'}` }],
        );
      }
      environment = [...blueprints.keys()][0] as string;
    }
    const ref = blueprints.get(environment);
    if (!ref) {
      throw new IllegalState(
        'NO_BLUEPRINT_FOR_ENVIRONMENT',
        `project ${c.projectId} has no blueprint attached for ${environment}: attach one (or use ${[...blueprints.keys()].join(', ') || 'another project'})`,
      );
    }
    return { environment, ref };
  }
}
