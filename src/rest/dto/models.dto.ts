import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNumber, IsOptional, Max, Min, ValidateIf, ValidateNested } from 'class-validator';
import {
  IsDatasetRef,
  IsDatasetVersion,
  IsSanityCheckName,
  IsDigest,
  IsEntityId,
  IsModelName,
  IsModelVersion,
  IsPathId,
  IsSha256Hex,
  IsStage,
} from '../../edge/rules.js';

export class ModelApprovalQueryDto {
  @IsDigest()
  digest!: string;

  @IsStage()
  stage!: string;
}

export class RegisterModelVersionDto {
  @IsModelVersion()
  version!: string;

  @IsDigest()
  digest!: string;

  @IsOptional()
  @IsEntityId({ message: 'the id of the run that produced the model' })
  run_id?: string;

  @IsOptional()
  @IsArray({ message: 'an array of dataset@version references' })
  @ArrayMaxSize(100)
  @IsDatasetRef({ each: true })
  trained_on?: string[];
}

class ModelRefDto {
  @IsModelName({ message: 'a model name' })
  name!: string;

  @IsDigest()
  digest!: string;
}

class DatasetRefDto {
  @IsPathId({ message: 'a dataset id such as curated/tx_2025' })
  id!: string;

  @IsDatasetVersion()
  version!: string;
}

class SanityCheckDto {
  @IsSanityCheckName()
  name!: string;

  @IsIn(['PASS', 'FAIL', 'WARNING'], { message: 'PASS, FAIL or WARNING' })
  status!: 'PASS' | 'FAIL' | 'WARNING';

  @ValidateIf((_, v) => v !== null)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'a finite number or null' })
  value!: number | null;
}

export class BatchManifestDto {
  @IsPathId({ message: 'a partition id such as dt=2025-06-01' })
  partition!: string;

  @IsEntityId({ message: 'the id of the run this job belongs to' })
  run_id!: string;

  @IsStage()
  stage!: string;

  @ValidateNested({ message: 'an object { name, digest }' })
  @Type(() => ModelRefDto)
  model!: ModelRefDto;

  @ValidateNested({ message: 'an object { id, version }' })
  @Type(() => DatasetRefDto)
  dataset!: DatasetRefDto;

  @IsInt({ message: 'a non-negative integer' })
  @Min(0, { message: 'a non-negative integer' })
  @Max(Number.MAX_SAFE_INTEGER)
  rows_in!: number;

  @IsInt({ message: 'a non-negative integer' })
  @Min(0, { message: 'a non-negative integer' })
  @Max(Number.MAX_SAFE_INTEGER)
  rows_out!: number;

  @IsArray({ message: 'an array of { name, status, value }' })
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => SanityCheckDto)
  sanity_checks!: SanityCheckDto[];

  @IsDigest()
  policy_digest!: string;

  @IsDigest()
  config_hash!: string;

  @IsArray({ message: 'an array of SHA-256 digests (64 lowercase hex) of evidence blobs' })
  @ArrayMaxSize(1000)
  @IsSha256Hex({ each: true, message: 'a SHA-256 of 64 lowercase hex characters' })
  artifacts!: string[];
}
