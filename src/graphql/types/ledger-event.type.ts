import { Field, Float, InputType, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'A ledger event delivered live, in global order.' })
export class LedgerEvent {
  @Field(() => Float, { description: 'Global position: resume with fromPosition = position + 1.' })
  position!: number;
  @Field()
  stream!: string;
  @Field(() => Float)
  revision!: number;
  @Field()
  id!: string;
  @Field()
  type!: string;
  @Field()
  occurredAt!: string;
  @Field()
  actorId!: string;
  @Field()
  hash!: string;
  @Field({ description: 'The sealed event (envelope) as JSON text, exactly as stored.' })
  envelope!: string;
}

@InputType()
export class LedgerEventFilter {
  @Field(() => [String], { nullable: true, description: 'Only these event types.' })
  types?: string[];
  @Field(() => String, { nullable: true })
  stream?: string;
  @Field(() => String, { nullable: true })
  category?: string;
  @Field(() => String, {
    nullable: true,
    description: 'Only events of this project: its project stream, and the runs, decisions and managed keys opened for it.',
  })
  projectId?: string;
}
