import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Roles } from '../auth/decorators.js';
import { CurrentPrincipal } from '../auth/scope.js';
import type { Principal } from '../auth/principal.js';
import { batchStream } from '../domain/batch/batch.js';
import { RecordBatchManifestCommand } from '../commands/batches/record-batch-manifest.command.js';
import { BatchManifestDto } from './dto/models.dto.js';
import { JobParam } from './dto/params.dto.js';
import type { WriteContext } from './idempotency.js';
import { RunScope } from './run-scope.js';
import { IdempotencyKeys } from '../edge/idempotency-keys.js';
import { Write } from './write-context.decorator.js';
import { writeSummary } from './write-summary.js';
import type { CommandResult } from '../commands/runs/command-result.js';

/** Batch inference manifests (seed 003 §2.7): refused unless the model digest is approved for the stage. */
@Controller('batches')
export class BatchesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly idempotency: IdempotencyKeys,
    private readonly runs: RunScope,
  ) {}

  @Post(':jobId/manifests')
  @HttpCode(201)
  @Roles('worker', 'operator', 'admin')
  async record(
    @Param() p: JobParam,
    @Body() b: BatchManifestDto,
    @CurrentPrincipal() principal: Principal,
    @Write() w: WriteContext,
  ): Promise<CommandResult> {
    await this.runs.assertCovers(principal, b.run_id);
    const manifest = {
      jobId: p.jobId,
      partition: b.partition,
      runId: b.run_id,
      stage: b.stage,
      model: { name: b.model.name, digest: b.model.digest },
      dataset: { id: b.dataset.id, version: b.dataset.version },
      rowsIn: b.rows_in,
      rowsOut: b.rows_out,
      sanityChecks: b.sanity_checks.map((c) => ({ name: c.name, status: c.status, value: c.value })),
      policyDigest: b.policy_digest,
      configHash: b.config_hash,
      artifacts: [...b.artifacts],
    };
    await this.idempotency.claim(w);
    return writeSummary(batchStream(p.jobId), await this.commands.execute(new RecordBatchManifestCommand(manifest, w.meta)));
  }
}
