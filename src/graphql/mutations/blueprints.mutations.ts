import { CommandBus } from '@nestjs/cqrs';
import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { Roles } from '../../auth/decorators.js';
import type { Principal } from '../../auth/principal.js';
import { assertAllProjects, CurrentPrincipal } from '../../auth/scope.js';
import { parseBlueprint } from '../../blueprints/load.js';
import { DeprecateBlueprintCommand } from '../../commands/blueprints/deprecate-blueprint.command.js';
import { RegisterBlueprintCommand } from '../../commands/blueprints/register-blueprint.command.js';
import { blueprintStream } from '../../domain/blueprint/blueprint.js';
import { DeprecateBlueprintInput, RegisterBlueprintInput } from '../inputs/blueprint.inputs.js';
import { MutationResult } from '../types/mutation-result.type.js';
import { KEY_ARG, MutationKit } from './mutation-kit.js';

/** Blueprints are ledger-wide (any project may attach a version): operators and admins with the scope of every project. */
@Resolver()
export class BlueprintMutations {
  constructor(
    private readonly commands: CommandBus,
    private readonly kit: MutationKit,
  ) {}

  @Mutation(() => MutationResult, {
    description:
      'Register a blueprint version from YAML text, checked as `qledger blueprints register` checks a file (INVALID_BLUEPRINT_FILE ' +
      'lists every problem with its line). The same content again writes nothing. entityId: id@version; digest: its content digest.',
  })
  @Roles('operator', 'admin')
  registerBlueprint(
    @Args('input') input: RegisterBlueprintInput,
    @CurrentPrincipal() principal: Principal,
    @Args(KEY_ARG.name, KEY_ARG.options) key: string | null,
  ): Promise<MutationResult> {
    assertAllProjects(principal);
    const loaded = parseBlueprint(input.yaml, 'yaml');
    const { id, version } = loaded.definition;
    const w = this.kit.context(principal, 'registerBlueprint', `${id}@${version}`, key, input);
    const command = new RegisterBlueprintCommand(loaded.definition, w.meta);
    return this.kit.write(blueprintStream(id), w, () => this.commands.execute(command), `${id}@${version}`, loaded.digest);
  }

  @Mutation(() => MutationResult, { description: 'Deprecate a blueprint version. entityId: id@version.' })
  @Roles('operator', 'admin')
  deprecateBlueprint(
    @Args('input') i: DeprecateBlueprintInput,
    @CurrentPrincipal() principal: Principal,
    @Args(KEY_ARG.name, KEY_ARG.options) key: string | null,
  ): Promise<MutationResult> {
    assertAllProjects(principal);
    const w = this.kit.context(principal, 'deprecateBlueprint', `${i.blueprintId}@${i.version}`, key, i);
    const command = new DeprecateBlueprintCommand(i.blueprintId, i.version, i.reason, i.replacedBy ?? null, w.meta);
    return this.kit.write(blueprintStream(i.blueprintId), w, () => this.commands.execute(command), `${i.blueprintId}@${i.version}`);
  }
}
