import { Field, Float, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: "A change in a signing key's life: genesis, rotation or revocation." })
export class SigningKeyChange {
  @Field(() => Float)
  position!: number;
  @Field()
  type!: string;
  @Field()
  occurredAt!: string;
  @Field()
  actorId!: string;
  @Field({ description: "The event's details for this key, as JSON text." })
  detail!: string;
}

@ObjectType({ description: "One of the ledger's signing keys (stream ledger-keys)." })
export class SigningKey {
  @Field()
  kid!: string;
  @Field({ description: 'Ed25519 public key, base64url.' })
  publicKey!: string;
  @Field({ description: 'active, retired or revoked.' })
  status!: string;
  @Field()
  validFrom!: string;
  @Field(() => String, { nullable: true })
  validTo!: string | null;
  @Field(() => String, { nullable: true })
  previousKid!: string | null;
  @Field(() => String, { nullable: true })
  nextKid!: string | null;
  @Field(() => String, { nullable: true })
  revokedAt!: string | null;
  @Field(() => String, { nullable: true })
  revocationReason!: string | null;
  @Field(() => String, { nullable: true })
  compromisedSince!: string | null;
}
