import { CommandBus } from '@nestjs/cqrs';
import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { Roles } from '../../auth/decorators.js';
import type { Principal } from '../../auth/principal.js';
import { CurrentPrincipal } from '../../auth/scope.js';
import { RecordBatchManifestCommand } from '../../commands/batches/record-batch-manifest.command.js';
import { batchStream } from '../../domain/batch/batch.js';
import { BatchManifestInput } from '../inputs/registry.inputs.js';
import { MutationResult } from '../types/mutation-result.type.js';
import { KEY_ARG, MutationKit } from './mutation-kit.js';

/** Batch inference manifests (seed 003 §2.7), as POST /batches/{jobId}/manifests: scoped by the run's project. entityId: the job id. */
@Resolver()
export class BatchMutations {
  constructor(
    private readonly commands: CommandBus,
    private readonly kit: MutationKit,
  ) {}

  @Mutation(() => MutationResult, { description: 'Record a batch manifest; refused unless the model digest is approved for the stage.' })
  @Roles('worker', 'operator', 'admin')
  async recordBatchManifest(
    @Args('input') i: BatchManifestInput,
    @CurrentPrincipal() principal: Principal,
    @Args(KEY_ARG.name, KEY_ARG.options) key: string | null,
  ): Promise<MutationResult> {
    await this.kit.runs.assertCovers(principal, i.runId);
    const w = this.kit.context(principal, 'recordBatchManifest', `${i.jobId}/${i.partition}`, key, i);
    const manifest = {
      jobId: i.jobId,
      partition: i.partition,
      runId: i.runId,
      stage: i.stage,
      model: { name: i.model.name, digest: i.model.digest },
      dataset: { id: i.dataset.id, version: i.dataset.version },
      rowsIn: i.rowsIn,
      rowsOut: i.rowsOut,
      sanityChecks: i.sanityChecks.map((c) => ({ name: c.name, status: c.status as 'PASS' | 'FAIL' | 'WARNING', value: c.value ?? null })),
      policyDigest: i.policyDigest,
      configHash: i.configHash,
      artifacts: [...i.artifacts],
    };
    return this.kit.write(batchStream(i.jobId), w, () => this.commands.execute(new RecordBatchManifestCommand(manifest, w.meta)), i.jobId);
  }
}
