import { Field, Float, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'One event a mutation wrote to the ledger.' })
export class WrittenEvent {
  @Field()
  id!: string;
  @Field()
  type!: string;
  @Field(() => Int, { description: 'Revision of the event in its stream.' })
  revision!: number;
  @Field(() => Float, { description: 'Global position of the event in the log.' })
  position!: number;
}

@ObjectType({
  description:
    'What a mutation wrote: the entity, its stream and the events of this command. A replay with the same ' +
    'idempotencyKey answers the same events and writes nothing (replayed: true).',
})
export class MutationResult {
  @Field({ description: 'The entity the command acted on: project, blueprint@version, run, waiver, key, model@digest, job, sha256.' })
  entityId!: string;
  @Field()
  stream!: string;
  @Field(() => Int, { description: "Revision of the stream's last event written by this command (or its head when nothing was written)." })
  revision!: number;
  @Field(() => [WrittenEvent], {
    description: 'Empty when the command changed nothing (e.g. the same blueprint content registered again).',
  })
  events!: WrittenEvent[];
  @Field({ description: 'True when this command (same actor, mutation, target and idempotencyKey) had already been recorded.' })
  replayed!: boolean;
  @Field(() => String, { nullable: true, description: 'A content digest when the command has one (blueprint version, evidence).' })
  digest!: string | null;
}
