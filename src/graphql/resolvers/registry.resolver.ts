import { Inject } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { Args, Context, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { LEDGER } from '../../app/tokens.js';
import { Roles } from '../../auth/decorators.js';
import type { Principal } from '../../auth/principal.js';
import { CurrentPrincipal } from '../../auth/scope.js';
import type { GateAnswer } from '../../domain/model/model.js';
import { ValidationError } from '../../domain/errors.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { batchManifests, modelVersions } from '../../projections/models/models.queries.js';
import { listProjects } from '../../projections/projects/projects.queries.js';
import { bareSha256 } from '../../projections/rm-common/sql.js';
import { IsModelApprovedQuery } from '../../queries/models/is-model-approved.query.js';
import { BatchManifest, Evidence, EvidenceReference, ModelGate, ModelVersion, Project } from '../types/registry.type.js';
import { EvidenceCitation } from '../types/run.type.js';
import { inScope, READERS, readModelLoaders, scopeOf } from './read-model.loaders.js';
import { assertPageSize } from '../arguments.js';

const SHA256 = /^(sha256:)?[0-9a-f]{64}$/;

@Resolver()
export class RegistryResolver {
  constructor(
    @Inject(LEDGER) private readonly ledger: Ledger,
    private readonly queries: QueryBus,
  ) {}

  @Query(() => [Project], { description: 'Projects your credentials cover, with the blueprint version per environment.' })
  @Roles(...READERS)
  async projects(@CurrentPrincipal() principal: Principal): Promise<Project[]> {
    const rows = await listProjects(this.ledger.pool, scopeOf(principal));
    return rows.map((p) => Object.assign(new Project(), { ...p, id: p.projectId }));
  }

  @Query(() => Evidence, { nullable: true, description: 'An evidence artifact by digest (64 hex, or sha256:<hex>).' })
  @Roles(...READERS)
  async evidence(@Args('sha256') sha256: string, @Context() ctx: object): Promise<Evidence | null> {
    if (!SHA256.test(sha256))
      throw new ValidationError('INVALID_DIGEST', 'sha256 must be 64 lowercase hex characters, optionally after "sha256:"');
    const row = await readModelLoaders(ctx, this.ledger.pool).evidence.load(bareSha256(sha256));
    return row ? Object.assign(new Evidence(), row) : null;
  }

  @Query(() => [ModelVersion], { description: 'Model versions by digest with stage approvals and revocations (one model, or all).' })
  @Roles(...READERS)
  async modelVersions(@Args('model', { type: () => String, nullable: true }) model: string | null): Promise<ModelVersion[]> {
    return (await modelVersions(this.ledger.pool, model)).map((v) => Object.assign(new ModelVersion(), v));
  }

  @Query(() => ModelGate, { description: 'Is model@digest approved for this stage (and not revoked)? Read from the model stream itself.' })
  @Roles(...READERS)
  async isModelApproved(@Args('model') model: string, @Args('digest') digest: string, @Args('stage') stage: string): Promise<ModelGate> {
    const answer = await this.queries.execute<IsModelApprovedQuery, GateAnswer>(new IsModelApprovedQuery(model, digest, stage));
    return Object.assign(new ModelGate(), answer);
  }

  @Query(() => [BatchManifest], { description: 'Batch inference manifests (seed 003), in log order.' })
  @Roles(...READERS)
  async batchManifests(
    @Args('model', { type: () => String, nullable: true }) model: string | null,
    @Args('digest', { type: () => String, nullable: true }) digest: string | null,
    @Args('jobId', { type: () => String, nullable: true }) jobId: string | null,
    @Args('first', { type: () => Int, defaultValue: 50 }) first: number,
  ): Promise<BatchManifest[]> {
    assertPageSize(first, 500);
    const rows = await batchManifests(this.ledger.pool, {
      model: model ?? undefined,
      digest: digest ?? undefined,
      jobId: jobId ?? undefined,
      first,
    });
    return rows.map((m) => Object.assign(new BatchManifest(), m));
  }
}

@Resolver(() => Evidence)
export class EvidenceResolver {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  @ResolveField(() => [EvidenceReference], { description: 'Runs and checks that cited it, of projects your credentials cover (batched).' })
  async references(@Parent() e: Evidence, @Context() ctx: object, @CurrentPrincipal() principal: Principal): Promise<EvidenceReference[]> {
    const rows = await readModelLoaders(ctx, this.ledger.pool).evidenceRefs.load(e.sha256);
    return rows.filter((r) => inScope(principal, r.projectId)).map((r) => Object.assign(new EvidenceReference(), r));
  }
}

@Resolver(() => EvidenceCitation)
export class EvidenceCitationResolver {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  @ResolveField(() => Evidence, { nullable: true, description: 'The artifact, when it is on record (batched).' })
  async artifact(@Parent() c: EvidenceCitation, @Context() ctx: object): Promise<Evidence | null> {
    const row = await readModelLoaders(ctx, this.ledger.pool).evidence.load(bareSha256(c.digest));
    return row ? Object.assign(new Evidence(), row) : null;
  }
}
