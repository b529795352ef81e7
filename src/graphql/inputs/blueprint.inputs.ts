import { Field, InputType, Int } from '@nestjs/graphql';
import { IsInt, IsOptional, IsString, Length, Min } from 'class-validator';

@InputType({ description: 'A blueprint as YAML text, checked like `qledger blueprints register` (schema, then semantics).' })
export class RegisterBlueprintInput {
  @Field({ description: 'The YAML document, at most 256 KiB.' })
  @IsString()
  @Length(1, 256 * 1024, { message: 'the blueprint YAML text (1 character to 256 KiB)' })
  yaml!: string;
}

@InputType({ description: 'Projects can no longer attach this version; runs already pinned to it keep it.' })
export class DeprecateBlueprintInput {
  @Field() @IsString() @Length(1, 128) blueprintId!: string;
  @Field(() => Int) @IsInt() @Min(1, { message: 'a version from 1' }) version!: number;
  @Field() @Length(1, 500, { message: 'why the version is deprecated (1 to 500 characters)' }) reason!: string;
  @Field(() => Int, { nullable: true, description: 'The version that replaces it.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  replacedBy?: number | null;
}
