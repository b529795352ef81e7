import { Field, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, Length, ValidateNested } from 'class-validator';
import { IsApproverRole, IsEntityId, IsJustification, IsUtcMillis, IsWaiverId } from '../../edge/rules.js';
import { ApprovalDto, RevokeWaiverDto, VetoDto } from '../../rest/dto/runs.dto.js';

@InputType({ description: 'Approve a run under a role of its plan. Its initiator never may (separation of duties).' })
export class GrantApprovalInput extends ApprovalDto {
  @Field() @IsEntityId() runId!: string;
  @Field({ description: 'The approver role of the plan, e.g. approver or security.' }) declare role: string;
  @Field({ nullable: true }) declare comment?: string;
}

@InputType({ description: 'Veto a run: a final rejection.' })
export class VetoRunInput extends VetoDto {
  @Field() @IsEntityId() runId!: string;
  @Field() declare role: string;
  @Field() declare reason: string;
}

@InputType({ description: 'Exactly one of check, finding or condition.' })
export class WaiverTargetInput {
  @Field({ nullable: true }) @IsOptional() @Length(1, 200) check?: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 200) finding?: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 200) condition?: string;
}

@InputType({ description: 'Waive a check, finding or condition of a run until an expiry, with a justification.' })
export class GrantWaiverInput {
  @Field() @IsEntityId() runId!: string;
  @Field() @IsWaiverId() waiverId!: string;
  @Field() @IsApproverRole() role!: string;
  @Field(() => WaiverTargetInput)
  @IsObject({ message: 'exactly one of { check }, { finding } or { condition }' })
  @ValidateNested()
  @Type(() => WaiverTargetInput)
  target!: WaiverTargetInput;
  @Field() @IsJustification() justification!: string;
  @Field({ description: 'RFC 3339 UTC with milliseconds, e.g. 2026-02-28T00:00:00.000Z' }) @IsUtcMillis() expiresAt!: string;
}

@InputType()
export class RevokeWaiverInput extends RevokeWaiverDto {
  @Field() @IsEntityId() runId!: string;
  @Field() @IsWaiverId() waiverId!: string;
  @Field() declare reason: string;
}

@InputType({ description: 'Record that a waiver reached its expiry (refused before it).' })
export class ExpireWaiverInput {
  @Field() @IsEntityId() runId!: string;
  @Field() @IsWaiverId() waiverId!: string;
}
