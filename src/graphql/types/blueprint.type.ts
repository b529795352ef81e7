import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'A project environment that attaches a blueprint version.' })
export class BlueprintAttachment {
  @Field()
  projectId!: string;
  @Field()
  environment!: string;
  @Field()
  attachedAt!: string;
  @Field({ description: 'Pseudonymous id of who attached it.' })
  attachedBy!: string;
}

@ObjectType({ description: 'A registered blueprint version: its digest, definition, who registered it, whether it is deprecated.' })
export class BlueprintVersion {
  @Field()
  id!: string;
  @Field(() => Int)
  version!: number;
  @Field({ description: 'sha256:<hex> of the canonical definition.' })
  digest!: string;
  @Field(() => String, { nullable: true })
  name!: string | null;
  @Field({ description: 'The definition as registered, JSON.' })
  definition!: string;
  @Field()
  registeredAt!: string;
  @Field()
  registeredBy!: string;
  @Field()
  deprecated!: boolean;
  @Field(() => String, { nullable: true })
  deprecationReason!: string | null;
  @Field(() => Int, { nullable: true, description: 'The version that replaces this deprecated one.' })
  replacedBy!: number | null;
}
