import { Inject } from '@nestjs/common';
import { Args, Context, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { LEDGER } from '../../app/tokens.js';
import { Roles } from '../../auth/decorators.js';
import type { Principal } from '../../auth/principal.js';
import { assertAllProjects, CurrentPrincipal } from '../../auth/scope.js';
import { ValidationError } from '../../domain/errors.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { queryAuditTrail } from '../../projections/audit-trail/audit-trail.queries.js';
import type { GqlContext } from '../loaders.js';
import { AuditEvent, AuditTrailFilter, AuditTrailPage } from '../types/audit-event.type.js';
import { SigningKey } from '../types/signing-key.type.js';
import { toSigningKey } from './signing-keys.resolver.js';
import { assertPageSize, assertTimeWindow } from '../arguments.js';

export const MAX_PAGE = 500;

@Resolver(() => AuditEvent)
export class AuditTrailResolver {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  @Query(() => AuditTrailPage, { description: 'The audit trail in global order, filtered, with cursor pagination.' })
  @Roles('admin', 'operator', 'auditor', 'approver')
  async auditTrail(
    @CurrentPrincipal() principal: Principal,
    @Args('filter', { type: () => AuditTrailFilter, nullable: true }) filter: AuditTrailFilter | null,
    @Args('first', { type: () => Int, defaultValue: 50 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<AuditTrailPage> {
    assertAllProjects(principal);
    assertPageSize(first, MAX_PAGE);
    if (filter?.stream && filter.category) throw new ValidationError('INVALID_FILTER', 'give a stream or a category, not both');
    assertTimeWindow(filter);
    const { rows, hasNextPage } = await queryAuditTrail(this.ledger.pool, {
      stream: filter?.stream ?? undefined,
      category: filter?.category ?? undefined,
      from: filter?.from ?? undefined,
      to: filter?.to ?? undefined,
      afterPosition: after == null ? undefined : decodeCursor(after),
      first,
    });
    const items = rows.map((r) => Object.assign(new AuditEvent(), { ...r, id: r.eventId }));
    return { items, pageInfo: { endCursor: items.length > 0 ? encodeCursor(items.at(-1)!.position) : after, hasNextPage } };
  }

  @ResolveField(() => SigningKey, { nullable: true, description: 'The key that signed this event (batched).' })
  async signingKey(@Parent() event: AuditEvent, @Context() ctx: GqlContext): Promise<SigningKey | null> {
    const row = await ctx.loaders.signingKey.load(event.kid);
    return row ? toSigningKey(row) : null;
  }
}

export function encodeCursor(position: number): string {
  return Buffer.from(`pos:${position}`).toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const m = /^pos:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new ValidationError('INVALID_CURSOR', 'after must be a cursor returned in pageInfo.endCursor');
  return Number(m[1]);
}
