import { CommandBus } from '@nestjs/cqrs';
import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { Roles } from '../../auth/decorators.js';
import type { Principal } from '../../auth/principal.js';
import { assertProjectScope, CurrentPrincipal } from '../../auth/scope.js';
import { ArchiveProjectCommand } from '../../commands/projects/archive-project.command.js';
import { AttachBlueprintCommand } from '../../commands/projects/attach-blueprint.command.js';
import { CreateProjectCommand } from '../../commands/projects/create-project.command.js';
import { DetachBlueprintCommand } from '../../commands/projects/detach-blueprint.command.js';
import { projectStreamFor } from '../../commands/projects/project-stream.js';
import { SetCryptoPipelineCommand } from '../../commands/projects/set-crypto-pipeline.command.js';
import {
  ArchiveProjectInput,
  AttachBlueprintInput,
  CreateProjectInput,
  DetachBlueprintInput,
  SetCryptoPipelineInput,
} from '../inputs/project.inputs.js';
import { MutationResult } from '../types/mutation-result.type.js';
import { KEY_ARG, MutationKit } from './mutation-kit.js';

/** Projects (stream `project-<id>`): operators and admins, within their project scope. entityId: the project id. */
@Resolver()
export class ProjectMutations {
  constructor(
    private readonly commands: CommandBus,
    private readonly kit: MutationKit,
  ) {}

  @Mutation(() => MutationResult, { description: 'Create a project; its owner is a pseudonymous id (team:..., usr:...).' })
  @Roles('operator', 'admin')
  createProject(
    @Args('input') i: CreateProjectInput,
    @CurrentPrincipal() principal: Principal,
    @Args(KEY_ARG.name, KEY_ARG.options) key: string | null,
  ): Promise<MutationResult> {
    assertProjectScope(principal, i.projectId);
    const w = this.kit.context(principal, 'createProject', i.projectId, key, i);
    const command = new CreateProjectCommand(i.projectId, i.name, i.projectType, i.repository ?? null, i.ownerId, w.meta);
    return this.kit.write(projectStreamFor(i.projectId), w, () => this.commands.execute(command), i.projectId);
  }

  @Mutation(() => MutationResult, { description: 'Archive a project: its history stays; it accepts no more changes.' })
  @Roles('operator', 'admin')
  archiveProject(
    @Args('input') i: ArchiveProjectInput,
    @CurrentPrincipal() principal: Principal,
    @Args(KEY_ARG.name, KEY_ARG.options) key: string | null,
  ): Promise<MutationResult> {
    assertProjectScope(principal, i.projectId);
    const w = this.kit.context(principal, 'archiveProject', i.projectId, key, i);
    const command = new ArchiveProjectCommand(i.projectId, i.reason, w.meta);
    return this.kit.write(projectStreamFor(i.projectId), w, () => this.commands.execute(command), i.projectId);
  }

  @Mutation(() => MutationResult, { description: 'Attach a registered blueprint version to one environment of a project.' })
  @Roles('operator', 'admin')
  attachBlueprint(
    @Args('input') i: AttachBlueprintInput,
    @CurrentPrincipal() principal: Principal,
    @Args(KEY_ARG.name, KEY_ARG.options) key: string | null,
  ): Promise<MutationResult> {
    assertProjectScope(principal, i.projectId);
    const w = this.kit.context(principal, 'attachBlueprint', `${i.projectId}/${i.environment}`, key, i);
    const command = new AttachBlueprintCommand(i.projectId, i.environment, i.blueprintId, i.blueprintVersion, w.meta);
    return this.kit.write(projectStreamFor(i.projectId), w, () => this.commands.execute(command), i.projectId);
  }

  @Mutation(() => MutationResult, { description: 'Detach the blueprint of one environment of a project.' })
  @Roles('operator', 'admin')
  detachBlueprint(
    @Args('input') i: DetachBlueprintInput,
    @CurrentPrincipal() principal: Principal,
    @Args(KEY_ARG.name, KEY_ARG.options) key: string | null,
  ): Promise<MutationResult> {
    assertProjectScope(principal, i.projectId);
    const w = this.kit.context(principal, 'detachBlueprint', `${i.projectId}/${i.environment}`, key, i);
    const command = new DetachBlueprintCommand(i.projectId, i.environment, w.meta);
    return this.kit.write(projectStreamFor(i.projectId), w, () => this.commands.execute(command), i.projectId);
  }

  @Mutation(() => MutationResult, {
    description: "Choose the blueprint a rotation of the project's managed keys triggers (seed 000 RF03).",
  })
  @Roles('operator', 'admin')
  setCryptoPipeline(
    @Args('input') i: SetCryptoPipelineInput,
    @CurrentPrincipal() principal: Principal,
    @Args(KEY_ARG.name, KEY_ARG.options) key: string | null,
  ): Promise<MutationResult> {
    assertProjectScope(principal, i.projectId);
    const w = this.kit.context(principal, 'setCryptoPipeline', i.projectId, key, i);
    const command = new SetCryptoPipelineCommand(i.projectId, i.blueprintId, i.blueprintVersion, w.meta);
    return this.kit.write(projectStreamFor(i.projectId), w, () => this.commands.execute(command), i.projectId);
  }
}
