import { CommandBus } from '@nestjs/cqrs';
import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { Roles } from '../../auth/decorators.js';
import type { Principal } from '../../auth/principal.js';
import { assertAllProjects, CurrentPrincipal } from '../../auth/scope.js';
import { RegisterModelVersionCommand } from '../../commands/models/register-model-version.command.js';
import { RevokeModelApprovalCommand } from '../../commands/models/revoke-model-approval.command.js';
import { RevokeModelVersionCommand } from '../../commands/models/revoke-model-version.command.js';
import { modelStream } from '../../domain/model/model.js';
import { RegisterModelVersionInput, RevokeModelApprovalInput, RevokeModelVersionInput } from '../inputs/registry.inputs.js';
import { MutationResult } from '../types/mutation-result.type.js';
import { KEY_ARG, MutationKit } from './mutation-kit.js';

/**
 * The model registry (stream `model-<name>`, seed 003). Registering a version is open to the same
 * roles as POST /models/{name}/versions (models are ledger-wide: no project scope). Approvals for a
 * stage are not a mutation: the process manager records them when a run's decision is approved
 * (decision 0050). Revocations withdraw trust everywhere: approvers and admins of every project.
 * entityId: model@digest.
 */
@Resolver()
export class ModelMutations {
  constructor(
    private readonly commands: CommandBus,
    private readonly kit: MutationKit,
  ) {}

  @Mutation(() => MutationResult, { description: 'Register a model version, pinned by digest, with its run and training data (lineage).' })
  @Roles('worker', 'operator', 'admin')
  registerModelVersion(
    @Args('input') i: RegisterModelVersionInput,
    @CurrentPrincipal() principal: Principal,
    @Args(KEY_ARG.name, KEY_ARG.options) key: string | null,
  ): Promise<MutationResult> {
    const w = this.kit.context(principal, 'registerModelVersion', i.model, key, i);
    const input = { model: i.model, version: i.version, digest: i.digest, runId: i.runId ?? null, trainedOn: i.trainedOn ?? [] };
    const command = new RegisterModelVersionCommand(i.model, input, w.meta);
    return this.kit.write(modelStream(i.model), w, () => this.commands.execute(command), `${i.model}@${i.digest}`);
  }

  @Mutation(() => MutationResult, {
    description: 'Withdraw the approval of a model digest for a stage: the batch gate refuses it from then on.',
  })
  @Roles('approver', 'admin')
  revokeModelApproval(
    @Args('input') i: RevokeModelApprovalInput,
    @CurrentPrincipal() principal: Principal,
    @Args(KEY_ARG.name, KEY_ARG.options) key: string | null,
  ): Promise<MutationResult> {
    assertAllProjects(principal);
    const w = this.kit.context(principal, 'revokeModelApproval', `${i.model}@${i.digest}/${i.stage}`, key, i);
    const command = new RevokeModelApprovalCommand(i.model, { digest: i.digest, stage: i.stage, reason: i.reason }, w.meta);
    return this.kit.write(modelStream(i.model), w, () => this.commands.execute(command), `${i.model}@${i.digest}`);
  }

  @Mutation(() => MutationResult, { description: 'Revoke a model version: no stage accepts its digest any more.' })
  @Roles('approver', 'admin')
  revokeModelVersion(
    @Args('input') i: RevokeModelVersionInput,
    @CurrentPrincipal() principal: Principal,
    @Args(KEY_ARG.name, KEY_ARG.options) key: string | null,
  ): Promise<MutationResult> {
    assertAllProjects(principal);
    const w = this.kit.context(principal, 'revokeModelVersion', `${i.model}@${i.digest}`, key, i);
    const command = new RevokeModelVersionCommand(i.model, { digest: i.digest, reason: i.reason }, w.meta);
    return this.kit.write(modelStream(i.model), w, () => this.commands.execute(command), `${i.model}@${i.digest}`);
  }
}
