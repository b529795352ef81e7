import { Field, Float, InputType, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'One ledger event as recorded in the audit trail, with what is needed to check it.' })
export class AuditEvent {
  @Field(() => Float, { description: 'Global position (0-based, dense, commit order).' })
  position!: number;
  @Field()
  stream!: string;
  @Field(() => Float, { description: 'Revision in its stream (0-based).' })
  revision!: number;
  @Field({ description: 'Event id (UUIDv7).' })
  id!: string;
  @Field()
  type!: string;
  @Field({ description: 'RFC 3339 UTC, from the command metadata.' })
  occurredAt!: string;
  @Field({ description: 'RFC 3339 UTC, when the store committed it.' })
  recordedAt!: string;
  @Field({ description: 'Pseudonymous actor id (never a name or an e-mail address).' })
  actorId!: string;
  @Field()
  actorKind!: string;
  @Field()
  correlationId!: string;
  @Field({ description: 'Event hash, 64 hex.' })
  hash!: string;
  @Field(() => String, { nullable: true, description: 'Hash of the previous event of the stream; null at revision 0.' })
  prev!: string | null;
  @Field({ description: 'Id of the signing key.' })
  kid!: string;
  @Field({ description: 'Ed25519 signature, base64url.' })
  sig!: string;
}

@ObjectType()
export class PageInfo {
  @Field(() => String, { nullable: true, description: 'Pass as `after` to get the next page.' })
  endCursor!: string | null;
  @Field()
  hasNextPage!: boolean;
}

@ObjectType()
export class AuditTrailPage {
  @Field(() => [AuditEvent])
  items!: AuditEvent[];
  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@InputType({ description: 'Give a stream or a category (or neither), and optionally a time window on occurredAt.' })
export class AuditTrailFilter {
  @Field(() => String, { nullable: true })
  stream?: string;
  @Field(() => String, { nullable: true, description: 'Stream category, e.g. run, project, ledger.' })
  category?: string;
  @Field(() => String, { nullable: true, description: 'Inclusive lower bound, RFC 3339.' })
  from?: string;
  @Field(() => String, { nullable: true, description: 'Exclusive upper bound, RFC 3339.' })
  to?: string;
}
