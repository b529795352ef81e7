import { Field, Float, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('ProjectionStatus', { description: 'A read model and how far behind the log it is.' })
export class ProjectionStatusType {
  @Field()
  name!: string;
  @Field(() => Int)
  version!: number;
  @Field(() => Float, { description: 'Next global position it will apply.' })
  position!: number;
  @Field(() => Float, { description: 'Position the next appended event will get.' })
  head!: number;
  @Field(() => Float, { description: 'Events behind the head.' })
  lag!: number;
  @Field(() => Float, { description: 'Age in ms of the oldest event not yet applied (0 when caught up).' })
  lagMs!: number;
  @Field({ description: 'True when this service process runs it.' })
  leader!: boolean;
}
