import { Field, Float, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import {
  IsDatasetVersion,
  IsMediaType,
  IsSanityCheckName,
  IsDatasetRef,
  IsDigest,
  IsEntityId,
  IsModelName,
  IsModelVersion,
  IsPathId,
  IsReason,
  IsSha256Hex,
  IsStage,
} from '../../edge/rules.js';

/** Models, batch manifests and evidence: the same rules as their REST routes (src/rest/dto/models.dto.ts). */

@InputType({ description: 'A version of a model, pinned by digest, with the run that produced it and what it was trained on.' })
export class RegisterModelVersionInput {
  @Field() @IsModelName() model!: string;
  @Field() @IsModelVersion() version!: string;
  @Field() @IsDigest() digest!: string;
  @Field({ nullable: true }) @IsOptional() @IsEntityId({ message: 'the id of the run that produced the model' }) runId?: string;
  @Field(() => [String], { nullable: true, description: 'dataset@version references, e.g. curated/tx@2025-06-01' })
  @IsOptional()
  @IsArray({ message: 'an array of dataset@version references' })
  @ArrayMaxSize(100)
  @IsDatasetRef({ each: true })
  trainedOn?: string[];
}

@InputType()
export class RevokeModelApprovalInput {
  @Field() @IsModelName() model!: string;
  @Field() @IsDigest() digest!: string;
  @Field() @IsStage() stage!: string;
  @Field() @IsReason('why the approval is revoked') reason!: string;
}

@InputType()
export class RevokeModelVersionInput {
  @Field() @IsModelName() model!: string;
  @Field() @IsDigest() digest!: string;
  @Field() @IsReason('why the version is revoked') reason!: string;
}

@InputType()
export class ModelRefInput {
  @Field() @IsModelName({ message: 'a model name' }) name!: string;
  @Field() @IsDigest() digest!: string;
}

@InputType()
export class DatasetRefInput {
  @Field() @IsPathId({ message: 'a dataset id such as curated/tx_2025' }) id!: string;
  @Field() @IsDatasetVersion() version!: string;
}

@InputType()
export class SanityCheckInput {
  @Field() @IsSanityCheckName() name!: string;
  @Field() @IsIn(['PASS', 'FAIL', 'WARNING'], { message: 'PASS, FAIL or WARNING' }) status!: string;
  @Field(() => Float, { nullable: true })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'a finite number or null' })
  value!: number | null;
}

@InputType({ description: 'A batch inference manifest (seed 003 §2.7): refused unless the model digest is approved for the stage.' })
export class BatchManifestInput {
  @Field() @IsPathId({ message: 'a job id: letters, digits, . _ : = / - (1 to 200)' }) jobId!: string;
  @Field() @IsPathId({ message: 'a partition id such as dt=2025-06-01' }) partition!: string;
  @Field() @IsEntityId({ message: 'the id of the run this job belongs to' }) runId!: string;
  @Field() @IsStage() stage!: string;
  @Field(() => ModelRefInput) @ValidateNested({ message: 'an object { name, digest }' }) @Type(() => ModelRefInput) model!: ModelRefInput;
  @Field(() => DatasetRefInput)
  @ValidateNested({ message: 'an object { id, version }' })
  @Type(() => DatasetRefInput)
  dataset!: DatasetRefInput;
  @Field(() => Float)
  @IsInt({ message: 'a non-negative integer' })
  @Min(0, { message: 'a non-negative integer' })
  @Max(Number.MAX_SAFE_INTEGER)
  rowsIn!: number;
  @Field(() => Float)
  @IsInt({ message: 'a non-negative integer' })
  @Min(0, { message: 'a non-negative integer' })
  @Max(Number.MAX_SAFE_INTEGER)
  rowsOut!: number;
  @Field(() => [SanityCheckInput])
  @IsArray({ message: 'an array of { name, status, value }' })
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => SanityCheckInput)
  sanityChecks!: SanityCheckInput[];
  @Field() @IsDigest() policyDigest!: string;
  @Field() @IsDigest() configHash!: string;
  @Field(() => [String], { description: 'SHA-256 digests (64 lowercase hex) of evidence blobs.' })
  @IsArray({ message: 'an array of SHA-256 digests (64 lowercase hex) of evidence blobs' })
  @ArrayMaxSize(1000)
  @IsSha256Hex({ each: true, message: 'a SHA-256 of 64 lowercase hex characters' })
  artifacts!: string[];
}

/** Largest evidence payload sent inline through GraphQL (bytes, before base64); larger: PUT /evidence/{sha256}. */
export const MAX_INLINE_EVIDENCE_BYTES = 48 * 1024;

@InputType({
  description:
    `A small evidence blob sent inline as base64 (at most ${MAX_INLINE_EVIDENCE_BYTES / 1024} KiB of bytes; larger blobs: ` +
    'PUT /evidence/{sha256}). The same checks as PUT /evidence/{sha256}: the bytes must hash to sha256, and the ' +
    "service's evidence size limit (QLEDGER_EVIDENCE_MAX_BYTES) applies.",
})
export class StoreEvidenceInput {
  @Field({ description: 'The SHA-256 of the bytes: 64 lowercase hex characters.' }) @IsSha256Hex() sha256!: string;
  @Field({ description: 'e.g. application/json or text/plain' })
  @IsMediaType()
  mediaType!: string;
  @Field({ description: 'The bytes, base64 (RFC 4648 §4, with padding).' })
  @Length(4, Math.ceil(MAX_INLINE_EVIDENCE_BYTES / 3) * 4, {
    message: `base64 of 1 byte to ${MAX_INLINE_EVIDENCE_BYTES / 1024} KiB (larger blobs: PUT /evidence/{sha256})`,
  })
  @Matches(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/, {
    message: 'base64 (RFC 4648 §4, with padding)',
  })
  contentBase64!: string;
}
