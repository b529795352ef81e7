import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'An approval or a veto, by whom (pseudonymous), in which role, why.' })
export class DecisionApproval {
  @Field({ description: 'APPROVAL or VETO.' })
  kind!: string;
  @Field()
  actorId!: string;
  @Field()
  role!: string;
  @Field({ description: 'The approver comment, or the veto reason.' })
  comment!: string;
  @Field()
  at!: string;
}

@ObjectType()
export class DecisionWaiver {
  @Field()
  id!: string;
  @Field({ description: 'check, finding or condition.' })
  targetKind!: string;
  @Field()
  targetRef!: string;
  @Field()
  grantedBy!: string;
  @Field()
  role!: string;
  @Field()
  justification!: string;
  @Field()
  expiresAt!: string;
  @Field()
  grantedAt!: string;
  @Field({ description: 'ACTIVE, REVOKED or EXPIRED.' })
  status!: string;
  @Field(() => String, { nullable: true })
  endReason!: string | null;
}

@ObjectType({ description: 'The decision on a run: the policy verdict and why, approvals, waivers, outcome.' })
export class Decision {
  @Field()
  runId!: string;
  @Field()
  projectId!: string;
  @Field()
  environment!: string;
  @Field({ description: 'PENDING, APPROVED or REJECTED.' })
  status!: string;
  @Field()
  initiator!: string;
  @Field(() => Int)
  quorum!: number;
  @Field(() => [String])
  requiredRoles!: string[];
  @Field(() => String, { nullable: true, description: 'APPROVED, REJECTED or NEEDS_APPROVAL.' })
  verdict!: string | null;
  @Field(() => String, { nullable: true, description: "The policy engine's explanation, JSON." })
  explanation!: string | null;
  @Field()
  blueprintDigest!: string;
  @Field(() => String, { nullable: true })
  policyDigest!: string | null;
  @Field(() => String, { nullable: true })
  engineVersion!: string | null;
  @Field(() => String, { nullable: true })
  inputsDigest!: string | null;
  @Field(() => String, { nullable: true })
  evaluatedAt!: string | null;
  @Field(() => [String])
  waiverIds!: string[];
  @Field(() => [String])
  reasons!: string[];
  @Field()
  openedAt!: string;
  @Field(() => String, { nullable: true })
  decidedAt!: string | null;
}
