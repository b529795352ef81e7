import { Field, Float, InputType, Int, ObjectType } from '@nestjs/graphql';
import { PageInfo } from './audit-event.type.js';

@ObjectType({ description: 'The blueprint version a run followed, as its plan recorded it.' })
export class BlueprintRef {
  @Field()
  id!: string;
  @Field(() => Int)
  version!: number;
  @Field({ description: 'sha256:<hex> of the canonical blueprint definition.' })
  digest!: string;
}

@ObjectType()
export class Metric {
  @Field()
  name!: string;
  @Field(() => Float)
  value!: number;
}

@ObjectType()
export class CheckFinding {
  @Field({ description: 'Stable within the run (waivers name it).' })
  id!: string;
  @Field()
  severity!: string;
  @Field(() => String, { nullable: true })
  category!: string | null;
  @Field(() => String, { nullable: true })
  rule!: string | null;
  @Field(() => String, { nullable: true })
  message!: string | null;
}

@ObjectType({ description: 'An evidence digest a check cited, with the artifact when it is on record.' })
export class EvidenceCitation {
  @Field({ description: 'sha256:<hex>.' })
  digest!: string;
}

@ObjectType()
export class RunCheck {
  @Field()
  id!: string;
  @Field()
  stageId!: string;
  @Field()
  type!: string;
  @Field()
  required!: boolean;
  @Field({ description: 'PENDING, SCHEDULED, RUNNING, PASS, FAIL, WARNING, ERROR or TIMED_OUT.' })
  status!: string;
  @Field(() => Int)
  attempt!: number;
  @Field(() => String, { nullable: true })
  workerId!: string | null;
  @Field({ description: 'Thresholds of the plan, JSON.' })
  thresholds!: string;
  @Field(() => [Metric])
  metrics!: Metric[];
  @Field(() => [CheckFinding])
  findings!: CheckFinding[];
  @Field(() => [EvidenceCitation])
  evidence!: EvidenceCitation[];
  @Field(() => String, { nullable: true })
  tool!: string | null;
  @Field(() => String, { nullable: true })
  error!: string | null;
  @Field(() => String, { nullable: true })
  startedAt!: string | null;
  @Field(() => String, { nullable: true })
  finishedAt!: string | null;
}

@ObjectType()
export class RunStage {
  @Field()
  id!: string;
  @Field()
  name!: string;
  @Field({ description: 'PENDING, RUNNING, PASSED, FAILED or SKIPPED.' })
  status!: string;
  @Field(() => [String])
  dependsOn!: string[];
  @Field(() => String, { nullable: true })
  startedAt!: string | null;
  @Field(() => String, { nullable: true })
  finishedAt!: string | null;
  @Field(() => String, { nullable: true })
  skipReason!: string | null;
  @Field(() => [String])
  failedChecks!: string[];
}

@ObjectType({ description: 'A pipeline run: what it followed, what started it, who asked, what it consumed, how it ended.' })
export class Run {
  @Field()
  id!: string;
  @Field()
  projectId!: string;
  @Field()
  environment!: string;
  @Field({ description: 'REQUESTED, QUEUED, RUNNING, AWAITING_DECISION, SUCCEEDED, FAILED or CANCELLED.' })
  status!: string;
  @Field(() => BlueprintRef)
  blueprint!: BlueprintRef;
  @Field()
  triggerKind!: string;
  @Field({ description: 'The trigger as recorded, JSON.' })
  trigger!: string;
  @Field({ description: 'Pseudonymous id of who requested the run.' })
  initiator!: string;
  @Field({ description: 'Pinned inputs (commit, datasets, models, parameters), JSON.' })
  inputs!: string;
  @Field()
  requestedAt!: string;
  @Field(() => String, { nullable: true })
  finishedAt!: string | null;
  @Field(() => [String])
  reasons!: string[];
}

@ObjectType()
export class RunPage {
  @Field(() => [Run])
  items!: Run[];
  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@InputType()
export class RunFilter {
  @Field(() => String, { nullable: true })
  projectId?: string;
  @Field(() => String, { nullable: true })
  status?: string;
  @Field(() => String, { nullable: true })
  blueprintId?: string;
  @Field(() => Int, { nullable: true })
  blueprintVersion?: number;
  @Field(() => String, { nullable: true, description: 'Inclusive lower bound on requestedAt, RFC 3339.' })
  from?: string;
  @Field(() => String, { nullable: true, description: 'Exclusive upper bound on requestedAt, RFC 3339.' })
  to?: string;
}
