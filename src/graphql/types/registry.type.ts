import { Field, Float, ObjectType } from '@nestjs/graphql';

@ObjectType()
export class ProjectBlueprint {
  @Field()
  environment!: string;
  @Field()
  blueprintId!: string;
  @Field()
  blueprintVersion!: number;
  @Field()
  blueprintDigest!: string;
}

@ObjectType()
export class Project {
  @Field()
  id!: string;
  @Field()
  name!: string;
  @Field()
  projectType!: string;
  @Field(() => String, { nullable: true })
  repository!: string | null;
  @Field({ description: 'Pseudonymous owner id (team or person).' })
  ownerId!: string;
  @Field()
  archived!: boolean;
  @Field()
  createdAt!: string;
  @Field(() => [ProjectBlueprint])
  blueprints!: ProjectBlueprint[];
}

@ObjectType({ description: 'A run and check that cited an evidence artifact.' })
export class EvidenceReference {
  @Field()
  runId!: string;
  @Field()
  checkId!: string;
  @Field()
  attempt!: number;
}

@ObjectType({ description: 'An evidence artifact on record (the bytes live in the content-addressed store).' })
export class Evidence {
  @Field({ description: '64 hex.' })
  sha256!: string;
  @Field(() => Float)
  bytes!: number;
  @Field()
  mediaType!: string;
  @Field()
  recordedAt!: string;
  @Field()
  recordedBy!: string;
}

@ObjectType()
export class ModelStageApproval {
  @Field()
  stage!: string;
  @Field()
  decisionId!: string;
  @Field()
  runId!: string;
  @Field()
  approvedAt!: string;
  @Field(() => String, { nullable: true })
  revokedAt!: string | null;
  @Field(() => String, { nullable: true })
  revokedReason!: string | null;
}

@ObjectType()
export class ModelVersion {
  @Field()
  model!: string;
  @Field()
  digest!: string;
  @Field()
  version!: string;
  @Field(() => String, { nullable: true, description: 'The run that produced it.' })
  runId!: string | null;
  @Field(() => [String], { description: 'dataset@version it was trained on.' })
  trainedOn!: string[];
  @Field()
  registeredAt!: string;
  @Field(() => String, { nullable: true })
  revokedReason!: string | null;
  @Field(() => [ModelStageApproval])
  approvals!: ModelStageApproval[];
}

@ObjectType({ description: "The registry's answer for model@digest at a stage (read from the model's stream, not a copy)." })
export class ModelGate {
  @Field()
  approved!: boolean;
  @Field({ description: 'APPROVED, NOT_REGISTERED, REVOKED or NOT_APPROVED_FOR_STAGE.' })
  verdict!: string;
  @Field()
  model!: string;
  @Field()
  digest!: string;
  @Field()
  stage!: string;
  @Field(() => String, { nullable: true })
  version!: string | null;
  @Field(() => String, { nullable: true })
  decisionId!: string | null;
  @Field(() => String, { nullable: true })
  runId!: string | null;
}

@ObjectType()
export class BatchManifest {
  @Field()
  jobId!: string;
  @Field()
  partition!: string;
  @Field()
  runId!: string;
  @Field()
  stage!: string;
  @Field()
  model!: string;
  @Field()
  modelDigest!: string;
  @Field()
  datasetId!: string;
  @Field()
  datasetVersion!: string;
  @Field(() => Float)
  rowsIn!: number;
  @Field(() => Float)
  rowsOut!: number;
  @Field()
  decisionId!: string;
  @Field(() => [String])
  artifacts!: string[];
  @Field()
  recordedAt!: string;
}
