import { Inject } from '@nestjs/common';
import { Args, Context, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { LEDGER } from '../../app/tokens.js';
import { Roles } from '../../auth/decorators.js';
import type { Principal } from '../../auth/principal.js';
import { CurrentPrincipal } from '../../auth/scope.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { blueprintVersion, listBlueprintVersions, type BlueprintVersionRow } from '../../projections/blueprints/blueprints.queries.js';
import { BlueprintAttachment, BlueprintVersion } from '../types/blueprint.type.js';
import { inScope, READERS, readModelLoaders } from './read-model.loaders.js';

/**
 * Blueprint versions (read model `blueprints`). Blueprints belong to no project: every reader sees
 * them; `attachedTo` lists only the projects the credentials cover.
 */
@Resolver(() => BlueprintVersion)
export class BlueprintsResolver {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  @Query(() => [BlueprintVersion], { description: 'Blueprint versions by id then version (one blueprint, or all).' })
  @Roles(...READERS)
  async blueprints(
    @Args('id', { type: () => String, nullable: true }) id: string | null,
    @Args('includeDeprecated', { type: () => Boolean, defaultValue: true }) includeDeprecated: boolean,
  ): Promise<BlueprintVersion[]> {
    const rows = await listBlueprintVersions(this.ledger.pool, { blueprintId: id ?? undefined, includeDeprecated });
    return rows.map(toBlueprintVersion);
  }

  @Query(() => BlueprintVersion, { nullable: true, description: 'One blueprint version (the latest when version is omitted).' })
  @Roles(...READERS)
  async blueprint(
    @Args('id') id: string,
    @Args('version', { type: () => Int, nullable: true }) version: number | null,
  ): Promise<BlueprintVersion | null> {
    const row = await blueprintVersion(this.ledger.pool, id, version);
    return row ? toBlueprintVersion(row) : null;
  }

  @ResolveField(() => [BlueprintAttachment], {
    description: 'The project environments that attach this version, of your projects (batched).',
  })
  async attachedTo(
    @Parent() b: BlueprintVersion,
    @Context() ctx: object,
    @CurrentPrincipal() principal: Principal,
  ): Promise<BlueprintAttachment[]> {
    const rows = await readModelLoaders(ctx, this.ledger.pool).blueprintAttachments.load(`${b.id}@${b.version}`);
    return rows
      .filter((a) => inScope(principal, a.projectId))
      .map((a) =>
        Object.assign(new BlueprintAttachment(), {
          projectId: a.projectId,
          environment: a.environment,
          attachedAt: a.attachedAt,
          attachedBy: a.attachedBy,
        }),
      );
  }
}

function toBlueprintVersion(r: BlueprintVersionRow): BlueprintVersion {
  return Object.assign(new BlueprintVersion(), {
    id: r.blueprintId,
    version: r.version,
    digest: r.digest,
    name: r.name,
    definition: JSON.stringify(r.definition),
    registeredAt: r.registeredAt,
    registeredBy: r.registeredBy,
    deprecated: r.deprecated,
    deprecationReason: r.deprecationReason,
    replacedBy: r.replacedBy,
  });
}
