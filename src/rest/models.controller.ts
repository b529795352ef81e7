import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { Roles } from '../auth/decorators.js';
import { RegisterModelVersionCommand } from '../commands/models/register-model-version.command.js';
import { modelStream, type GateAnswer } from '../domain/model/model.js';
import { IsModelApprovedQuery } from '../queries/models/is-model-approved.query.js';
import { ModelApprovalQueryDto, RegisterModelVersionDto } from './dto/models.dto.js';
import { ModelParam } from './dto/params.dto.js';
import type { WriteContext } from './idempotency.js';
import { IdempotencyKeys } from '../edge/idempotency-keys.js';
import { Write } from './write-context.decorator.js';
import { writeSummary } from './write-summary.js';
import type { CommandResult } from '../commands/runs/command-result.js';

/**
 * The model registry as the batch gate sees it (seed 003 §4.1). Models are ledger-wide (a digest
 * may serve several projects), so these routes need a role but no project scope.
 */
@Controller('models')
export class ModelsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly idempotency: IdempotencyKeys,
    private readonly queries: QueryBus,
  ) {}

  /** Is this digest of the model approved for the stage, and not revoked? Answers from the model's stream. */
  @Get(':name/approval')
  @Roles('worker', 'operator', 'admin', 'approver', 'auditor')
  approval(@Param() p: ModelParam, @Query() q: ModelApprovalQueryDto): Promise<GateAnswer> {
    return this.queries.execute(new IsModelApprovedQuery(p.name, q.digest, q.stage));
  }

  @Post(':name/versions')
  @HttpCode(201)
  @Roles('worker', 'operator', 'admin')
  async register(@Param() p: ModelParam, @Body() b: RegisterModelVersionDto, @Write() w: WriteContext): Promise<CommandResult> {
    const input = { model: p.name, version: b.version, digest: b.digest, runId: b.run_id ?? null, trainedOn: b.trained_on ?? [] };
    await this.idempotency.claim(w);
    return writeSummary(modelStream(p.name), await this.commands.execute(new RegisterModelVersionCommand(p.name, input, w.meta)));
  }
}
