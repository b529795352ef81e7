import { Field, InputType } from '@nestjs/graphql';
import { IsOptional, Matches } from 'class-validator';
import { IsReason, IsUtcMillis } from '../../edge/rules.js';

@InputType({ description: 'Revoke a retired signing key of the ledger, as `qledger keys revoke` does.' })
export class RevokeSigningKeyInput {
  @Field() @Matches(/^[A-Za-z0-9._:-]{1,128}$/, { message: 'a key id (kid) as listed by signingKeys' }) kid!: string;
  @Field() @IsReason('why the key is revoked') reason!: string;
  @Field(() => String, { nullable: true, description: "With it, the key's events from that instant on fail verification." })
  @IsOptional()
  @IsUtcMillis()
  compromisedSince?: string | null;
}
