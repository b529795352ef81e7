import { Field, InputType, Int } from '@nestjs/graphql';
import { IsInt, IsOptional, IsString, Length, Min } from 'class-validator';
import { IsEnvironment, IsOwnerId, IsProjectId } from '../../edge/rules.js';

@InputType({ description: 'A new project. Its owner is a pseudonymous id, never a name or an e-mail address.' })
export class CreateProjectInput {
  @Field() @IsProjectId() projectId!: string;
  @Field() @Length(1, 200) name!: string;
  @Field({ description: 'The kind of project, e.g. ml-service or library.' }) @Length(1, 64) projectType!: string;
  @Field(() => String, { nullable: true, description: 'Repository URL, e.g. https://git.example.com/team/repo.git' })
  @IsOptional()
  @Length(1, 500)
  repository?: string | null;
  @Field() @IsOwnerId() ownerId!: string;
}

@InputType()
export class ArchiveProjectInput {
  @Field() @IsProjectId() projectId!: string;
  @Field() @Length(1, 500, { message: 'why the project is archived (1 to 500 characters)' }) reason!: string;
}

@InputType({ description: 'A registered blueprint version for one environment of a project.' })
export class AttachBlueprintInput {
  @Field() @IsProjectId() projectId!: string;
  @Field() @IsEnvironment() environment!: string;
  @Field() @IsString() @Length(1, 128) blueprintId!: string;
  @Field(() => Int) @IsInt() @Min(1, { message: 'a version from 1' }) blueprintVersion!: number;
}

@InputType()
export class DetachBlueprintInput {
  @Field() @IsProjectId() projectId!: string;
  @Field() @IsEnvironment() environment!: string;
}

@InputType({ description: "The blueprint a rotation of one of the project's managed keys triggers (it must declare key_rotation)." })
export class SetCryptoPipelineInput {
  @Field() @IsProjectId() projectId!: string;
  @Field() @IsString() @Length(1, 128) blueprintId!: string;
  @Field(() => Int) @IsInt() @Min(1, { message: 'a version from 1' }) blueprintVersion!: number;
}
