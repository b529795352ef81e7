import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'One version of a managed key: its registration (version 1) or a rotation, with the reason.' })
export class ManagedKeyVersion {
  @Field(() => Int)
  version!: number;
  @Field()
  algorithm!: string;
  @Field(() => Int)
  sizeBits!: number;
  @Field(() => String, { nullable: true })
  curve!: string | null;
  @Field({ description: 'Reference of the key material in the KMS (never the material).' })
  kmsRef!: string;
  @Field(() => String, { nullable: true, description: 'Why it was rotated (null for the registration).' })
  reason!: string | null;
  @Field()
  createdAt!: string;
  @Field()
  createdBy!: string;
}

@ObjectType({ description: "A project's managed (governed) key: current version and status; history lists every version." })
export class ManagedKey {
  @Field()
  id!: string;
  @Field()
  projectId!: string;
  @Field({ description: 'ACTIVE, RETIRED or COMPROMISED.' })
  status!: string;
  @Field(() => Int)
  version!: number;
  @Field()
  algorithm!: string;
  @Field(() => Int)
  sizeBits!: number;
  @Field(() => String, { nullable: true })
  curve!: string | null;
  @Field()
  kmsRef!: string;
  @Field()
  purpose!: string;
  @Field(() => Int)
  cryptoperiodDays!: number;
  @Field({ description: 'Rotate before this time (end of the cryptoperiod).' })
  rotateBy!: string;
  @Field()
  registeredAt!: string;
  @Field()
  registeredBy!: string;
  @Field(() => String, { nullable: true })
  compromisedSince!: string | null;
  @Field(() => String, { nullable: true, description: 'Why it was retired or declared compromised.' })
  statusReason!: string | null;
}
