import { Inject } from '@nestjs/common';
import { Args, Context, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { LEDGER } from '../../app/tokens.js';
import { Roles } from '../../auth/decorators.js';
import type { Principal } from '../../auth/principal.js';
import { assertProjectScope, CurrentPrincipal } from '../../auth/scope.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { listManagedKeys, managedKeysById, type ManagedKeyRow } from '../../projections/managed-keys/managed-keys.queries.js';
import { ManagedKey, ManagedKeyVersion } from '../types/managed-key.type.js';
import { inScope, READERS, readModelLoaders, scopeOf } from './read-model.loaders.js';

/** Projects' managed keys (read model `managed-keys`) with their rotation history, scoped to the caller's projects. */
@Resolver(() => ManagedKey)
export class ManagedKeysResolver {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  @Query(() => [ManagedKey], { description: 'Managed keys of the projects your credentials cover, by project then id.' })
  @Roles(...READERS)
  async managedKeys(
    @CurrentPrincipal() principal: Principal,
    @Args('projectId', { type: () => String, nullable: true }) projectId: string | null,
    @Args('status', { type: () => String, nullable: true, description: 'ACTIVE, RETIRED or COMPROMISED.' }) status: string | null,
  ): Promise<ManagedKey[]> {
    if (projectId != null) assertProjectScope(principal, projectId);
    const rows = await listManagedKeys(this.ledger.pool, {
      projects: scopeOf(principal),
      projectId: projectId ?? undefined,
      status: status ?? undefined,
    });
    return rows.map(toManagedKey);
  }

  @Query(() => ManagedKey, { nullable: true, description: 'One managed key; null when it does not exist or its project is not yours.' })
  @Roles(...READERS)
  async managedKey(@CurrentPrincipal() principal: Principal, @Args('id') id: string): Promise<ManagedKey | null> {
    const row = (await managedKeysById(this.ledger.pool, [id])).get(id);
    return row && inScope(principal, row.projectId) ? toManagedKey(row) : null;
  }

  @ResolveField(() => [ManagedKeyVersion], { description: 'Every version, oldest first: the registration, then each rotation (batched).' })
  async history(@Parent() key: ManagedKey, @Context() ctx: object): Promise<ManagedKeyVersion[]> {
    const rows = await readModelLoaders(ctx, this.ledger.pool).managedKeyVersions.load(key.id);
    return rows.map((v) =>
      Object.assign(new ManagedKeyVersion(), {
        version: v.version,
        algorithm: v.algorithm,
        sizeBits: v.sizeBits,
        curve: v.curve,
        kmsRef: v.kmsRef,
        reason: v.reason,
        createdAt: v.createdAt,
        createdBy: v.createdBy,
      }),
    );
  }
}

function toManagedKey(r: ManagedKeyRow): ManagedKey {
  return Object.assign(new ManagedKey(), {
    id: r.keyId,
    projectId: r.projectId,
    status: r.status,
    version: r.version,
    algorithm: r.algorithm,
    sizeBits: r.sizeBits,
    curve: r.curve,
    kmsRef: r.kmsRef,
    purpose: r.purpose,
    cryptoperiodDays: r.cryptoperiodDays,
    rotateBy: r.rotateBy,
    registeredAt: r.registeredAt,
    registeredBy: r.registeredBy,
    compromisedSince: r.compromisedSince,
    statusReason: r.statusReason,
  });
}
