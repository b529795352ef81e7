import { Field, Float, InputType, ObjectType } from '@nestjs/graphql';
import { Decision } from './decision.type.js';
import { Run } from './run.type.js';

@ObjectType({
  description:
    'A run changed: the event that changed it and the read-model view, at least as new as that event. Resume with fromPosition = position + 1.',
})
export class RunUpdate {
  @Field(() => Float, { description: 'Global position of the event that changed the run.' })
  position!: number;
  @Field({ description: 'e.g. RunRequested, StageStarted, CheckResultRecorded, RunSucceeded.' })
  eventType!: string;
  @Field()
  occurredAt!: string;
  @Field()
  runId!: string;
  @Field()
  projectId!: string;
  @Field(() => String, { nullable: true, description: 'The stage the event is about, if any.' })
  stageId!: string | null;
  @Field(() => String, { nullable: true, description: 'The check the event is about, if any.' })
  checkId!: string | null;
  @Field(() => Run, { description: 'The run as the runs read model shows it once it has applied this event.' })
  run!: Run;
}

@InputType()
export class RunUpdateFilter {
  @Field(() => String, { nullable: true })
  projectId?: string;
  @Field(() => String, { nullable: true })
  runId?: string;
  @Field(() => [String], { nullable: true, description: 'Only while the run is in one of these statuses (of the view sent).' })
  statuses?: string[];
}

@ObjectType({
  description:
    'A decision changed: the event that changed it and the read-model view, at least as new as that event. Resume with fromPosition = position + 1.',
})
export class DecisionUpdate {
  @Field(() => Float, { description: 'Global position of the event that changed the decision.' })
  position!: number;
  @Field({ description: 'e.g. DecisionOpened, PolicyEvaluated, ApprovalGranted, WaiverGranted, DecisionApproved.' })
  eventType!: string;
  @Field()
  occurredAt!: string;
  @Field({ description: 'The decision is on this run.' })
  runId!: string;
  @Field()
  projectId!: string;
  @Field(() => String, { nullable: true, description: 'The waiver the event is about, if any.' })
  waiverId!: string | null;
  @Field(() => Decision, { description: 'The decision as the decisions read model shows it once it has applied this event.' })
  decision!: Decision;
}

@InputType()
export class DecisionUpdateFilter {
  @Field(() => String, { nullable: true })
  projectId?: string;
  @Field(() => String, { nullable: true })
  runId?: string;
  @Field(() => [String], { nullable: true, description: 'Only while the decision is in one of these statuses (of the view sent).' })
  statuses?: string[];
}
