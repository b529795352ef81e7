import { Field, Float, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { Allow, ArrayMaxSize, IsArray, IsIn, IsInt, IsNumber, IsOptional, Length, Max, Min, ValidateNested } from 'class-validator';
import { IsCheckId, IsDigest, IsEntityId, IsMetricName, IsReason, IsTool } from '../../edge/rules.js';
import { CheckStartDto, FindingDto } from '../../rest/dto/runs.dto.js';

/*
 * Run requests are checked by the REST DTO itself (PipelineRunDto, seed 000 §9.2): the resolver
 * maps this input to it and names any problem by the GraphQL field. Hence @Allow() here.
 */

@InputType({ description: 'Trigger details; which fields are required depends on eventType (the run checks them).' })
export class RunTriggerInput {
  @Field({ nullable: true }) @Allow() reason?: string;
  @Field({ nullable: true }) @Allow() repository?: string;
  @Field({ nullable: true }) @Allow() ref?: string;
  @Field({ nullable: true }) @Allow() commit?: string;
  @Field(() => Int, { nullable: true }) @Allow() number?: number;
  @Field({ nullable: true }) @Allow() headCommit?: string;
  @Field({ nullable: true }) @Allow() baseRef?: string;
  @Field({ nullable: true }) @Allow() dataset?: string;
  @Field({ nullable: true }) @Allow() version?: string;
  @Field({ nullable: true }) @Allow() model?: string;
  @Field({ nullable: true }) @Allow() digest?: string;
  @Field({ nullable: true }) @Allow() keyId?: string;
  @Field(() => Int, { nullable: true }) @Allow() keyVersion?: number;
  @Field({ nullable: true }) @Allow() scheduleId?: string;
  @Field({ nullable: true }) @Allow() cron?: string;
  @Field({ nullable: true }) @Allow() fireTime?: string;
}

@InputType()
export class DatasetPinInput {
  @Field() @Allow() id!: string;
  @Field() @Allow() version!: string;
}

@InputType()
export class ModelPinInput {
  @Field() @Allow() name!: string;
  @Field({ nullable: true }) @Allow() version?: string;
  @Field({ description: 'sha256:<64 hex>' }) @Allow() digest!: string;
}

@InputType({ description: 'Pinned inputs of the run.' })
export class RunInputsInput {
  @Field({ nullable: true }) @Allow() commit?: string;
  @Field(() => [DatasetPinInput], { nullable: true }) @Allow() datasets?: DatasetPinInput[];
  @Field(() => [ModelPinInput], { nullable: true }) @Allow() models?: ModelPinInput[];
}

@InputType({ description: 'A pipeline run of a project, as POST /pipelines/run (seed 000 §9.2) with camelCase fields.' })
export class RequestRunInput {
  @Field() @Allow() projectId!: string;
  @Field({ description: 'manual_trigger, manual, commit, pull_request, dataset_version, model_registered, key_rotation or schedule' })
  @Allow()
  eventType!: string;
  @Field({ nullable: true, description: "Omitted: the project's only environment with an attached blueprint." })
  @Allow()
  environment?: string;
  @Field({ nullable: true, description: 'Run parameters as JSON text of an object of at most 16 KiB, e.g. "{\\"branch\\":\\"main\\"}".' })
  @Allow()
  parametersJson?: string;
  @Field(() => RunTriggerInput, { nullable: true }) @Allow() trigger?: RunTriggerInput;
  @Field(() => RunInputsInput, { nullable: true }) @Allow() inputs?: RunInputsInput;
}

@InputType()
export class CancelRunInput {
  @Field() @IsEntityId() runId!: string;
  @Field() @Length(1, 500, { message: 'why the run is cancelled (1 to 500 characters)' }) reason!: string;
}

@InputType({ description: 'A worker starts an attempt of a scheduled check (it is then the only worker that may report on it).' })
export class StartCheckInput extends CheckStartDto {
  @Field() @IsEntityId() runId!: string;
  @Field() @IsCheckId() checkId!: string;
  @Field(() => Int, { nullable: true, description: "Omitted: the check's current attempt." }) declare attempt?: number;
}

@InputType()
export class MetricInput {
  @Field() @IsMetricName() name!: string;
  @Field(() => Float) @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'a finite number' }) value!: number;
}

@InputType()
export class FindingInput extends FindingDto {
  @Field() declare id: string;
  @Field({ description: 'INFO, LOW, MEDIUM, HIGH or CRITICAL' }) declare severity: string;
  @Field({ nullable: true }) declare category?: string;
  @Field({ nullable: true }) declare rule?: string;
  @Field({ nullable: true }) declare message?: string;
}

@InputType({ description: 'What a worker found on a check it runs: PASS, FAIL or WARNING with metrics, findings and evidence.' })
export class CheckResultInput {
  @Field() @IsEntityId() runId!: string;
  @Field() @IsCheckId() checkId!: string;
  @Field() @IsIn(['PASS', 'FAIL', 'WARNING'], { message: 'PASS, FAIL or WARNING (report errors with reportCheckError)' }) status!: string;
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt({ message: 'the attempt reported on (a positive integer)' })
  @Min(1)
  @Max(100)
  attempt?: number;
  @Field(() => [MetricInput], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => MetricInput)
  metrics?: MetricInput[];
  @Field(() => [FindingInput], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => FindingInput)
  findings?: FindingInput[];
  @Field(() => [String], { nullable: true, description: 'Evidence digests ("sha256:<hex>"), uploaded first with storeEvidence.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsDigest({ each: true, message: 'an evidence digest: "sha256:" and 64 lowercase hex (upload it with storeEvidence)' })
  evidence?: string[];
  @Field({ nullable: true, description: 'e.g. semgrep@1.90.0' }) @IsOptional() @IsTool() tool?: string;
}

@InputType({ description: 'A worker reports that a check could not run; a retry is scheduled if the plan allows.' })
export class CheckErrorInput {
  @Field() @IsEntityId() runId!: string;
  @Field() @IsCheckId() checkId!: string;
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt({ message: 'the attempt reported on (a positive integer)' })
  @Min(1)
  @Max(100)
  attempt?: number;
  @Field({ description: 'What went wrong (no secrets, no personal data).' }) @IsReason('what went wrong') error!: string;
}
