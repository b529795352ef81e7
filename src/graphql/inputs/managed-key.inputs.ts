import { Field, InputType, Int } from '@nestjs/graphql';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { KEY_PURPOSES } from '../../domain/mkey/crypto-policy.js';
import { MAX_CRYPTOPERIOD_DAYS } from '../../domain/mkey/mkey.js';
import { IsEntityId, IsReason, IsUtcMillis } from '../../edge/rules.js';

/** Algorithm, size and curve: checked against the crypto policy (seed 000) by the domain. */
@InputType({ isAbstract: true })
class KeySpecFields {
  @Field({ description: 'e.g. AES, RSA, ECDSA, ECDH, HMAC-SHA256 (checked against the crypto policy).' })
  @IsString()
  @Length(1, 64)
  algorithm!: string;
  @Field(() => Int) @IsInt() @Min(1) @Max(65536) sizeBits!: number;
  @Field(() => String, { nullable: true, description: 'For ECDSA / ECDH: the named curve, e.g. P-256.' })
  @IsOptional()
  @Length(1, 64)
  curve?: string | null;
}

@InputType({ description: "A project's governed key, by KMS reference: never key material." })
export class RegisterManagedKeyInput extends KeySpecFields {
  @Field() @IsEntityId() keyId!: string;
  @Field() @IsEntityId() projectId!: string;
  @Field({ description: 'e.g. arn:aws:kms:..., gcpkms://..., vault://..., hsm://...' }) @Length(1, 500) kmsRef!: string;
  @Field({ description: KEY_PURPOSES.join(', ') })
  @IsIn(KEY_PURPOSES, { message: `one of ${KEY_PURPOSES.join(', ')}` })
  purpose!: string;
  @Field(() => Int)
  @IsInt()
  @Min(1, { message: `an integer from 1 to ${MAX_CRYPTOPERIOD_DAYS}` })
  @Max(MAX_CRYPTOPERIOD_DAYS, { message: `an integer from 1 to ${MAX_CRYPTOPERIOD_DAYS}` })
  cryptoperiodDays!: number;
}

@InputType({ description: "A new version of a governed key; the rotation triggers the project's crypto pipeline." })
export class RotateManagedKeyInput extends KeySpecFields {
  @Field() @IsEntityId() keyId!: string;
  @Field() @Length(1, 500) kmsRef!: string;
  @Field() @IsReason('why the key is rotated') reason!: string;
}

@InputType()
export class RetireManagedKeyInput {
  @Field() @IsEntityId() keyId!: string;
  @Field() @IsReason('why the key is retired') reason!: string;
}

@InputType()
export class ReportKeyCompromiseInput {
  @Field() @IsEntityId() keyId!: string;
  @Field() @IsReason('what happened') reason!: string;
  @Field({ description: 'Since when the key is to be distrusted: RFC 3339 UTC with milliseconds.' })
  @IsUtcMillis()
  compromisedSince!: string;
}
