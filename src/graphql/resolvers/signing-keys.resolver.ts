import { Inject } from '@nestjs/common';
import { Context, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { LEDGER } from '../../app/tokens.js';
import { Roles } from '../../auth/decorators.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { listSigningKeys, type SigningKeyRow } from '../../projections/signing-keys/signing-keys.queries.js';
import type { GqlContext } from '../loaders.js';
import { SigningKey, SigningKeyChange } from '../types/signing-key.type.js';

@Resolver(() => SigningKey)
export class SigningKeysResolver {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  @Query(() => [SigningKey], { description: "The ledger's signing keys in chain order." })
  @Roles('admin', 'operator', 'auditor', 'approver')
  async signingKeys(): Promise<SigningKey[]> {
    return (await listSigningKeys(this.ledger.pool)).map(toSigningKey);
  }

  @ResolveField(() => [SigningKeyChange], { description: 'Genesis, rotations and revocation of this key (batched).' })
  async history(@Parent() key: SigningKey, @Context() ctx: GqlContext): Promise<SigningKeyChange[]> {
    const rows = await ctx.loaders.keyHistory.load(key.kid);
    return rows.map((r) => Object.assign(new SigningKeyChange(), { ...r, detail: JSON.stringify(r.detail) }));
  }
}

export function toSigningKey(row: SigningKeyRow): SigningKey {
  return Object.assign(new SigningKey(), row);
}
