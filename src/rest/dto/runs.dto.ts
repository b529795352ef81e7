import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const COMMIT = /^([0-9a-f]{40}|[0-9a-f]{64})$/;

/** An object whose values are all finite numbers, at most 200 of them. */
function IsMetrics(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isMetrics',
      target: object.constructor,
      propertyName,
      options: { message: 'an object of metric name → finite number, e.g. { "coverage": 0.83 }', ...options },
      validator: {
        validate: (v: unknown) =>
          v !== null &&
          typeof v === 'object' &&
          !Array.isArray(v) &&
          Object.keys(v).length <= 200 &&
          Object.entries(v).every(([k, x]) => /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(k) && typeof x === 'number' && Number.isFinite(x)),
      },
    });
}

/** A JSON object of at most 16 KiB. */
function IsSmallJsonObject(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isSmallJsonObject',
      target: object.constructor,
      propertyName,
      options: { message: 'a JSON object of at most 16 KiB', ...options },
      validator: {
        validate: (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v) && JSON.stringify(v).length <= 16 * 1024,
      },
    });
}

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
  @IsOptional() @Matches(COMMIT, { message: '40 or 64 lowercase hex characters' }) commit?: string;
  @IsOptional() @IsInt({ message: 'a positive integer' }) @Min(1, { message: 'a positive integer' }) number?: number;
  @IsOptional() @Matches(COMMIT, { message: '40 or 64 lowercase hex characters' }) head_commit?: string;
  @IsOptional() @Length(1, 300) base_ref?: string;
  @IsOptional() @Length(1, 300) dataset?: string;
  @IsOptional() @Length(1, 100) version?: string;
  @IsOptional() @Length(1, 300) model?: string;
  @IsOptional() @Matches(DIGEST, { message: '"sha256:" followed by 64 lowercase hex characters' }) digest?: string;
  @IsOptional() @Matches(ID, { message: 'a managed key id' }) key_id?: string;
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
  @Matches(DIGEST, { message: 'pin the model by digest: "sha256:" and 64 lowercase hex' }) digest!: string;
}

export class InputsDto {
  @IsOptional() @Matches(COMMIT, { message: '40 or 64 lowercase hex characters' }) commit?: string;

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
  @Matches(ID, { message: 'a project id: letters, digits, . _ : - (1 to 128)' })
  project_id!: string;

  @IsIn(EVENT_TYPES, { message: `one of ${EVENT_TYPES.join(', ')}` })
  event_type!: (typeof EVENT_TYPES)[number];

  @IsOptional()
  @Matches(/^[a-z][a-z0-9-]{0,31}$/, { message: 'an environment such as staging or production' })
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

class FindingDto {
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
  @Matches(DIGEST, { each: true, message: 'an evidence digest: "sha256:" and 64 lowercase hex (upload it with PUT /evidence/{sha256})' })
  evidence?: string[];

  @IsOptional() @Matches(/^[A-Za-z0-9][A-Za-z0-9._@/+-]{0,99}$/, { message: 'the tool, e.g. semgrep@1.90.0' }) tool?: string;

  /** With status ERROR: what went wrong (no secrets, no personal data). */
  @IsOptional() @Length(1, 2000) error?: string;
}

export class CheckStartDto {
  @IsOptional() @IsInt({ message: 'the attempt started (a positive integer)' }) @Min(1) @Max(100) attempt?: number;
}

const ROLE = /^[a-z][a-z0-9_-]{0,63}$/;

export class ApprovalDto {
  @Matches(ROLE, { message: 'the approver role of the plan, e.g. approver or security' }) role!: string;
  @IsOptional() @IsString() @Length(0, 2000) comment?: string;
}

export class VetoDto {
  @Matches(ROLE, { message: 'the approver role of the plan, e.g. approver or security' }) role!: string;
  @Length(1, 2000, { message: 'why the run is vetoed (1 to 2000 characters)' }) reason!: string;
}

class WaiverTargetDto {
  @IsOptional() @Length(1, 200) check?: string;
  @IsOptional() @Length(1, 200) finding?: string;
  @IsOptional() @Length(1, 200) condition?: string;
}

export class WaiverDto {
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, { message: 'a waiver id: letters, digits, . _ : - (1 to 64)' }) waiver_id!: string;
  @Matches(ROLE, { message: 'the approver role of the plan, e.g. approver or security' }) role!: string;

  @IsObject({ message: 'exactly one of { check }, { finding } or { condition }' })
  @ValidateNested()
  @Type(() => WaiverTargetDto)
  target!: WaiverTargetDto;

  @Length(10, 2000, { message: 'why the exception is acceptable (10 to 2000 characters)' }) justification!: string;
  @Matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, { message: 'RFC 3339 UTC with milliseconds, e.g. 2026-02-28T00:00:00.000Z' })
  expires_at!: string;
}

export class RevokeWaiverDto {
  @Length(1, 2000, { message: 'why the waiver is revoked (1 to 2000 characters)' }) reason!: string;
}
