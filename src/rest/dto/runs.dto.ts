import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsObject, IsOptional, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import {
  IsApproverRole,
  IsCommit,
  IsDigest,
  IsEntityId,
  IsEnvironment,
  IsJustification,
  IsMetrics,
  IsReason,
  IsSmallJsonObject,
  IsTool,
  IsUtcMillis,
  IsWaiverId,
} from '../../edge/rules.js';

export const EVENT_TYPES = [
  'manual_trigger',
  'manual',
  'commit',
  'pull_request',
  'dataset_version',
  'model_registered',
  'key_rotation',
  'schedule',
] as const;

/** Trigger details; which fields are required depends on event_type (the run checks them). */
export class TriggerDto {
  @IsOptional() @Length(1, 500) reason?: string;
  @IsOptional() @Length(1, 300) repository?: string;
  @IsOptional() @Length(1, 300) ref?: string;
  @IsOptional() @IsCommit() commit?: string;
  @IsOptional() @IsInt({ message: 'a positive integer' }) @Min(1, { message: 'a positive integer' }) number?: number;
  @IsOptional() @IsCommit() head_commit?: string;
  @IsOptional() @Length(1, 300) base_ref?: string;
  @IsOptional() @Length(1, 300) dataset?: string;
  @IsOptional() @Length(1, 100) version?: string;
  @IsOptional() @Length(1, 300) model?: string;
  @IsOptional() @IsDigest() digest?: string;
  @IsOptional() @IsEntityId({ message: 'a managed key id' }) key_id?: string;
  @IsOptional() @IsInt({ message: 'a positive integer' }) @Min(1, { message: 'a positive integer' }) key_version?: number;
  @IsOptional() @Length(1, 128) schedule_id?: string;
  @IsOptional() @Length(1, 200) cron?: string;
  @IsOptional() @IsString() fire_time?: string;
}

class DatasetInputDto {
  @Length(1, 300) id!: string;
  @Length(1, 100) version!: string;
}

class ModelInputDto {
  @Length(1, 300) name!: string;
  @IsOptional() @Length(1, 100) version?: string;
  @IsDigest({ message: 'pin the model by digest: "sha256:" and 64 lowercase hex' }) digest!: string;
}

export class InputsDto {
  @IsOptional() @IsCommit() commit?: string;

  @IsOptional()
  @IsArray({ message: 'an array of { id, version }' })
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => DatasetInputDto)
  datasets?: DatasetInputDto[];

  @IsOptional()
  @IsArray({ message: 'an array of { name, version, digest }' })
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => ModelInputDto)
  models?: ModelInputDto[];
}

/** Seed 000 §9.2: `POST /pipelines/run`. */
export class PipelineRunDto {
  @IsEntityId({ message: 'a project id: letters, digits, . _ : - (1 to 128)' })
  project_id!: string;

  @IsIn(EVENT_TYPES, { message: `one of ${EVENT_TYPES.join(', ')}` })
  event_type!: (typeof EVENT_TYPES)[number];

  @IsOptional()
  @IsEnvironment()
  environment?: string;

  @IsOptional()
  @IsSmallJsonObject()
  parameters?: Record<string, unknown>;

  @IsOptional()
  @IsObject({ message: 'an object with the trigger details of event_type' })
  @ValidateNested()
  @Type(() => TriggerDto)
  trigger?: TriggerDto;

  @IsOptional()
  @IsObject({ message: 'an object { commit, datasets, models }' })
  @ValidateNested()
  @Type(() => InputsDto)
  inputs?: InputsDto;
}

export class FindingDto {
  @Length(1, 200) id!: string;
  @IsIn(['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'], { message: 'INFO, LOW, MEDIUM, HIGH or CRITICAL' }) severity!: string;
  @IsOptional() @Length(1, 100) category?: string;
  @IsOptional() @Length(1, 200) rule?: string;
  @IsOptional() @Length(1, 2000) message?: string;
}

/** What a worker reports on a check: `POST /runs/{runId}/checks/{checkId}/result`. */
export class CheckResultDto {
  @IsIn(['PASS', 'FAIL', 'WARNING', 'ERROR'], { message: 'PASS, FAIL, WARNING or ERROR' })
  status!: 'PASS' | 'FAIL' | 'WARNING' | 'ERROR';

  @IsOptional() @IsInt({ message: 'the attempt reported on (a positive integer)' }) @Min(1) @Max(100) attempt?: number;

  @IsOptional() @IsMetrics() metrics?: Record<string, number>;

  @IsOptional()
  @IsArray({ message: 'an array of { id, severity, category, rule, message }' })
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => FindingDto)
  findings?: FindingDto[];

  @IsOptional()
  @IsArray({ message: 'an array of evidence digests' })
  @ArrayMaxSize(100)
  @IsDigest({ each: true, message: 'an evidence digest: "sha256:" and 64 lowercase hex (upload it with PUT /evidence/{sha256})' })
  evidence?: string[];

  @IsOptional() @IsTool() tool?: string;

  /** With status ERROR: what went wrong (no secrets, no personal data). */
  @IsOptional() @Length(1, 2000) error?: string;
}

export class CheckStartDto {
  @IsOptional() @IsInt({ message: 'the attempt started (a positive integer)' }) @Min(1) @Max(100) attempt?: number;
}

export class ApprovalDto {
  @IsApproverRole() role!: string;
  @IsOptional() @IsString() @Length(0, 2000) comment?: string;
}

export class VetoDto {
  @IsApproverRole() role!: string;
  @IsReason('why the run is vetoed') reason!: string;
}

class WaiverTargetDto {
  @IsOptional() @Length(1, 200) check?: string;
  @IsOptional() @Length(1, 200) finding?: string;
  @IsOptional() @Length(1, 200) condition?: string;
}

export class WaiverDto {
  @IsWaiverId() waiver_id!: string;
  @IsApproverRole() role!: string;

  @IsObject({ message: 'exactly one of { check }, { finding } or { condition }' })
  @ValidateNested()
  @Type(() => WaiverTargetDto)
  target!: WaiverTargetDto;

  @IsJustification() justification!: string;
  @IsUtcMillis()
  expires_at!: string;
}

export class RevokeWaiverDto {
  @IsReason('why the waiver is revoked') reason!: string;
}
