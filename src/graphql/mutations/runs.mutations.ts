import { CommandBus } from '@nestjs/cqrs';
import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { Roles } from '../../auth/decorators.js';
import type { Principal } from '../../auth/principal.js';
import { CurrentPrincipal } from '../../auth/scope.js';
import { CancelRunCommand } from '../../commands/runs/cancel-run.command.js';
import { runStream } from '../../domain/run/types.js';
import { invalidInput, validateAs } from '../../edge/invalid-input.js';
import { ReportCheckCommand } from '../../process/commands/report-check.command.js';
import { RequestPipelineRunCommand } from '../../process/commands/request-pipeline-run.command.js';
import { assertProjectScope } from '../../auth/scope.js';
import { PipelineRunDto } from '../../rest/dto/runs.dto.js';
import { inputsOf, triggerOf } from '../../rest/trigger-mapping.js';
import { CancelRunInput, CheckErrorInput, CheckResultInput, RequestRunInput, StartCheckInput } from '../inputs/run.inputs.js';
import { MutationResult } from '../types/mutation-result.type.js';
import { KEY_ARG, MutationKit } from './mutation-kit.js';

/** Runs: requested by operators, worked by workers (only on runs of their projects, only on checks they started). */
@Resolver()
export class RunMutations {
  constructor(
    private readonly commands: CommandBus,
    private readonly kit: MutationKit,
  ) {}

  @Mutation(() => MutationResult, {
    description:
      'Start a pipeline run of a project (seed 000 §9.2): the blueprint the project attached for the environment is compiled and the run queued. entityId is the run id.',
  })
  @Roles('operator', 'admin')
  async requestRun(
    @Args('input') input: RequestRunInput,
    @CurrentPrincipal() principal: Principal,
    @Args(KEY_ARG.name, KEY_ARG.options) key: string | null,
  ): Promise<MutationResult> {
    const dto = validateAs(PipelineRunDto, pipelineRunBody(input), graphqlPath);
    assertProjectScope(principal, dto.project_id);
    const w = this.kit.context(principal, 'requestRun', dto.project_id, key, input);
    const runId = `prun-${w.derivedId('run')}`;
    const command = new RequestPipelineRunCommand(runId, dto.project_id, dto.environment, triggerOf(dto), inputsOf(dto), w.meta);
    return this.kit.write(runStream(runId), w, () => this.commands.execute(command), runId);
  }

  @Mutation(() => MutationResult, { description: 'Cancel a run that has not ended.' })
  @Roles('operator', 'admin')
  async cancelRun(
    @Args('input') input: CancelRunInput,
    @CurrentPrincipal() principal: Principal,
    @Args(KEY_ARG.name, KEY_ARG.options) key: string | null,
  ): Promise<MutationResult> {
    await this.kit.runs.assertCovers(principal, input.runId);
    const w = this.kit.context(principal, 'cancelRun', input.runId, key, input);
    const command = new CancelRunCommand(input.runId, { reason: input.reason }, w.meta);
    return this.kit.write(runStream(input.runId), w, () => this.commands.execute(command), input.runId);
  }

  @Mutation(() => MutationResult, { description: 'A worker starts an attempt of a scheduled check. entityId: runId/checkId.' })
  @Roles('worker')
  async startCheck(
    @Args('input') input: StartCheckInput,
    @CurrentPrincipal() principal: Principal,
    @Args(KEY_ARG.name, KEY_ARG.options) key: string | null,
  ): Promise<MutationResult> {
    await this.kit.runs.assertCovers(principal, input.runId);
    const w = this.kit.context(principal, 'startCheck', `${input.runId}/${input.checkId}`, key, input);
    const command = new ReportCheckCommand(input.runId, input.checkId, input.attempt ?? undefined, { kind: 'start' }, w.meta);
    return this.kit.write(runStream(input.runId), w, () => this.commands.execute(command), `${input.runId}/${input.checkId}`);
  }

  @Mutation(() => MutationResult, {
    description: 'A worker reports PASS, FAIL or WARNING on a check of a run of its projects (never on an attempt another worker started).',
  })
  @Roles('worker')
  async reportCheckResult(
    @Args('input') input: CheckResultInput,
    @CurrentPrincipal() principal: Principal,
    @Args(KEY_ARG.name, KEY_ARG.options) key: string | null,
  ): Promise<MutationResult> {
    const metrics: Record<string, number> = {};
    for (const [i, m] of (input.metrics ?? []).entries()) {
      if (m.name in metrics) throw invalidInput([{ path: `metrics[${i}].name`, message: `metric ${m.name} is reported twice` }]);
      metrics[m.name] = m.value;
    }
    await this.kit.runs.assertCovers(principal, input.runId);
    const w = this.kit.context(principal, 'reportCheckResult', `${input.runId}/${input.checkId}`, key, input);
    const report = {
      outcome: input.status as 'PASS' | 'FAIL' | 'WARNING',
      metrics,
      findings: (input.findings ?? []).map((f) => ({
        id: f.id,
        severity: f.severity as 'INFO' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL',
        ...(f.category != null ? { category: f.category } : {}),
        ...(f.rule != null ? { rule: f.rule } : {}),
        ...(f.message != null ? { message: f.message } : {}),
      })),
      evidence: input.evidence ?? [],
      ...(input.tool != null ? { tool: input.tool } : {}),
    };
    const command = new ReportCheckCommand(input.runId, input.checkId, input.attempt ?? undefined, { kind: 'result', report }, w.meta);
    return this.kit.write(runStream(input.runId), w, () => this.commands.execute(command), `${input.runId}/${input.checkId}`);
  }

  @Mutation(() => MutationResult, { description: 'A worker reports that a check could not run; a retry is scheduled if the plan allows.' })
  @Roles('worker')
  async reportCheckError(
    @Args('input') input: CheckErrorInput,
    @CurrentPrincipal() principal: Principal,
    @Args(KEY_ARG.name, KEY_ARG.options) key: string | null,
  ): Promise<MutationResult> {
    await this.kit.runs.assertCovers(principal, input.runId);
    const w = this.kit.context(principal, 'reportCheckError', `${input.runId}/${input.checkId}`, key, input);
    const command = new ReportCheckCommand(
      input.runId,
      input.checkId,
      input.attempt ?? undefined,
      { kind: 'error', error: input.error },
      w.meta,
    );
    return this.kit.write(runStream(input.runId), w, () => this.commands.execute(command), `${input.runId}/${input.checkId}`);
  }
}

/** The GraphQL input as the REST body of POST /pipelines/run, checked by the same DTO. */
function pipelineRunBody(input: RequestRunInput): Record<string, unknown> {
  let parameters: unknown;
  if (input.parametersJson != null) {
    try {
      parameters = JSON.parse(input.parametersJson);
    } catch {
      throw invalidInput([{ path: 'parametersJson', message: 'JSON text of an object, e.g. "{\\"branch\\":\\"main\\"}"' }]);
    }
  }
  return defined({
    project_id: input.projectId,
    event_type: input.eventType,
    environment: input.environment,
    parameters,
    trigger: input.trigger ? defined(snakeKeys(input.trigger)) : undefined,
    inputs: input.inputs
      ? defined({
          commit: input.inputs.commit,
          datasets: input.inputs.datasets?.map((d) => ({ ...d })),
          models: input.inputs.models?.map((m) => defined({ ...m })),
        })
      : undefined,
  });
}

const snakeKeys = (o: object): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v as unknown]));

/** Drops absent (undefined or null) fields: GraphQL sends null for an explicitly empty optional field. */
const defined = (o: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(o).filter(([, v]) => v != null));

/** A REST body path (`trigger.head_commit`, `parameters`) named as the GraphQL input field (`trigger.headCommit`, `parametersJson`). */
function graphqlPath(path: string): string {
  const camel = path.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  return camel === 'parameters' ? 'parametersJson' : camel;
}
