import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNumber, IsOptional, Matches, Max, Min, ValidateIf, ValidateNested } from 'class-validator';

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const DIGEST_MESSAGE = '"sha256:" followed by 64 lowercase hex characters';
const STAGE = /^[a-z][a-z0-9-]{0,39}$/;
const STAGE_MESSAGE = 'a stage such as staging or production (lowercase letters, digits, -)';
const ID = /^[A-Za-z0-9][A-Za-z0-9._:=/-]{0,199}$/;

export class ModelApprovalQueryDto {
  @Matches(DIGEST, { message: DIGEST_MESSAGE })
  digest!: string;

  @Matches(STAGE, { message: STAGE_MESSAGE })
  stage!: string;
}

export class RegisterModelVersionDto {
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/, { message: 'a version such as v3.4.1 (letters, digits, . _ + -)' })
  version!: string;

  @Matches(DIGEST, { message: DIGEST_MESSAGE })
  digest!: string;

  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, { message: 'the id of the run that produced the model' })
  run_id?: string;

  @IsOptional()
  @IsArray({ message: 'an array of dataset@version references' })
  @ArrayMaxSize(100)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}@[A-Za-z0-9._:-]{1,100}$/, {
    each: true,
    message: 'dataset@version, e.g. curated/tx@2025-06-01',
  })
  trained_on?: string[];
}

class ModelRefDto {
  @Matches(/^[a-z0-9][a-z0-9._-]{0,99}$/, { message: 'a model name' })
  name!: string;

  @Matches(DIGEST, { message: DIGEST_MESSAGE })
  digest!: string;
}

class DatasetRefDto {
  @Matches(ID, { message: 'a dataset id such as curated/tx_2025' })
  id!: string;

  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, { message: 'a dataset version' })
  version!: string;
}

class SanityCheckDto {
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, { message: 'a check name' })
  name!: string;

  @IsIn(['PASS', 'FAIL', 'WARNING'], { message: 'PASS, FAIL or WARNING' })
  status!: 'PASS' | 'FAIL' | 'WARNING';

  @ValidateIf((_, v) => v !== null)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'a finite number or null' })
  value!: number | null;
}

export class BatchManifestDto {
  @Matches(ID, { message: 'a partition id such as dt=2025-06-01' })
  partition!: string;

  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, { message: 'the id of the run this job belongs to' })
  run_id!: string;

  @Matches(STAGE, { message: STAGE_MESSAGE })
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

  @Matches(DIGEST, { message: DIGEST_MESSAGE })
  policy_digest!: string;

  @Matches(DIGEST, { message: DIGEST_MESSAGE })
  config_hash!: string;

  @IsArray({ message: 'an array of SHA-256 digests (64 lowercase hex) of evidence blobs' })
  @ArrayMaxSize(1000)
  @Matches(/^[0-9a-f]{64}$/, { each: true, message: 'a SHA-256 of 64 lowercase hex characters' })
  artifacts!: string[];
}
