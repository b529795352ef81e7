import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Roles } from '../auth/decorators.js';
import type { Principal } from '../auth/principal.js';
import { assertProjectScope, CurrentPrincipal } from '../auth/scope.js';
import type { RequestPipelineRunResult } from '../process/commands/request-pipeline-run.command.js';
import { RequestPipelineRunCommand } from '../process/commands/request-pipeline-run.command.js';
import { ReportCheckCommand } from '../process/commands/report-check.command.js';
import { GrantApprovalCommand } from '../commands/decisions/grant-approval.command.js';
import { GrantWaiverCommand } from '../commands/decisions/grant-waiver.command.js';
import { RevokeWaiverCommand } from '../commands/decisions/revoke-waiver.command.js';
import { VetoDecisionCommand } from '../commands/decisions/veto-decision.command.js';
import type { CommandResult } from '../commands/runs/command-result.js';
import { invalidInput } from './validation.pipe.js';
import { RunCheckParams, RunParam, WaiverParams } from './dto/params.dto.js';
import { ApprovalDto, CheckResultDto, CheckStartDto, PipelineRunDto, RevokeWaiverDto, VetoDto, WaiverDto } from './dto/runs.dto.js';
import type { WriteContext } from './idempotency.js';
import { RunScope } from './run-scope.js';
import { RunView } from './run-view.js';
import { inputsOf, triggerOf } from './trigger-mapping.js';
import { IdempotencyKeys } from '../edge/idempotency-keys.js';
import { Write } from './write-context.decorator.js';

/**
 * Runs over REST: trigger (seed 000 §9.2), worker reports, human decisions. Each handler checks the
 * project scope and maps its input to one command; the domain does the rest.
 */
@Controller()
export class RunsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly idempotency: IdempotencyKeys,
    private readonly runs: RunScope,
    private readonly views: RunView,
  ) {}

  @Post('pipelines/run')
  @HttpCode(202)
  @Roles('operator', 'admin')
  async run(
    @Body() b: PipelineRunDto,
    @CurrentPrincipal() principal: Principal,
    @Write() w: WriteContext,
  ): Promise<RequestPipelineRunResult> {
    assertProjectScope(principal, b.project_id);
    const runId = `prun-${w.derivedId('run')}`;
    await this.idempotency.claim(w);
    return this.commands.execute(new RequestPipelineRunCommand(runId, b.project_id, b.environment, triggerOf(b), inputsOf(b), w.meta));
  }

  @Post('runs/:runId/checks/:checkId/start')
  @HttpCode(200)
  @Roles('worker')
  async start(
    @Param() p: RunCheckParams,
    @Body() b: CheckStartDto,
    @CurrentPrincipal() principal: Principal,
    @Write() w: WriteContext,
  ): Promise<CommandResult> {
    await this.runs.assertCovers(principal, p.runId);
    await this.idempotency.claim(w);
    return this.commands.execute(new ReportCheckCommand(p.runId, p.checkId, b.attempt, { kind: 'start' }, w.meta));
  }

  @Post('runs/:runId/checks/:checkId/result')
  @HttpCode(200)
  @Roles('worker')
  async result(
    @Param() p: RunCheckParams,
    @Body() b: CheckResultDto,
    @CurrentPrincipal() principal: Principal,
    @Write() w: WriteContext,
  ): Promise<CommandResult> {
    if (b.status === 'ERROR' && b.error === undefined) throw invalidInput([{ path: 'error', message: 'required when status is ERROR' }]);
    await this.runs.assertCovers(principal, p.runId);
    const report =
      b.status === 'ERROR'
        ? { kind: 'error' as const, error: b.error as string }
        : {
            kind: 'result' as const,
            report: {
              outcome: b.status,
              metrics: b.metrics ?? {},
              findings: (b.findings ?? []).map((f) => ({
                id: f.id,
                severity: f.severity as 'INFO' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL',
                ...(f.category !== undefined ? { category: f.category } : {}),
                ...(f.rule !== undefined ? { rule: f.rule } : {}),
                ...(f.message !== undefined ? { message: f.message } : {}),
              })),
              evidence: b.evidence ?? [],
              ...(b.tool !== undefined ? { tool: b.tool } : {}),
            },
          };
    await this.idempotency.claim(w);
    return this.commands.execute(new ReportCheckCommand(p.runId, p.checkId, b.attempt, report, w.meta));
  }

  @Post('runs/:runId/approvals')
  @HttpCode(200)
  @Roles('approver', 'admin')
  async approve(@Param() p: RunParam, @Body() b: ApprovalDto, @CurrentPrincipal() principal: Principal, @Write() w: WriteContext) {
    await this.runs.assertCovers(principal, p.runId);
    await this.idempotency.claim(w);
    return this.commands.execute<GrantApprovalCommand, CommandResult>(
      new GrantApprovalCommand(p.runId, { role: b.role, comment: b.comment ?? '' }, w.meta),
    );
  }

  @Post('runs/:runId/veto')
  @HttpCode(200)
  @Roles('approver', 'admin')
  async veto(@Param() p: RunParam, @Body() b: VetoDto, @CurrentPrincipal() principal: Principal, @Write() w: WriteContext) {
    await this.runs.assertCovers(principal, p.runId);
    await this.idempotency.claim(w);
    return this.commands.execute<VetoDecisionCommand, CommandResult>(
      new VetoDecisionCommand(p.runId, { role: b.role, reason: b.reason }, w.meta),
    );
  }

  @Post('runs/:runId/waivers')
  @HttpCode(201)
  @Roles('approver', 'admin')
  async waive(@Param() p: RunParam, @Body() b: WaiverDto, @CurrentPrincipal() principal: Principal, @Write() w: WriteContext) {
    const targets = (['check', 'finding', 'condition'] as const).filter((k) => b.target[k] !== undefined);
    if (targets.length !== 1) throw invalidInput([{ path: 'target', message: 'exactly one of check, finding or condition' }]);
    await this.runs.assertCovers(principal, p.runId);
    const k = targets[0] as 'check' | 'finding' | 'condition';
    const target = { [k]: b.target[k] as string } as { check: string } | { finding: string } | { condition: string };
    const input = { waiverId: b.waiver_id, role: b.role, target, justification: b.justification, expiresAt: b.expires_at };
    await this.idempotency.claim(w);
    return this.commands.execute<GrantWaiverCommand, CommandResult>(new GrantWaiverCommand(p.runId, input, w.meta));
  }

  @Post('runs/:runId/waivers/:waiverId/revoke')
  @HttpCode(200)
  @Roles('approver', 'admin')
  async revokeWaiver(
    @Param() p: WaiverParams,
    @Body() b: RevokeWaiverDto,
    @CurrentPrincipal() principal: Principal,
    @Write() w: WriteContext,
  ) {
    await this.runs.assertCovers(principal, p.runId);
    await this.idempotency.claim(w);
    return this.commands.execute<RevokeWaiverCommand, CommandResult>(
      new RevokeWaiverCommand(p.runId, { waiverId: p.waiverId, reason: b.reason }, w.meta),
    );
  }

  @Get('runs/:runId')
  @Roles('worker', 'operator', 'admin', 'approver', 'auditor')
  async get(@Param() p: RunParam, @CurrentPrincipal() principal: Principal): Promise<object> {
    await this.runs.assertCovers(principal, p.runId);
    return this.views.of(p.runId);
  }
}
