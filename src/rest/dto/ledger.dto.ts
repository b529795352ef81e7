import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min, ValidateIf } from 'class-validator';

export class CheckpointsQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'a checkpoint revision (an integer from 0)' })
  @Min(0, { message: 'a checkpoint revision (an integer from 0)' })
  from_revision?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'an integer from 1 to 1000' })
  @Min(1, { message: 'an integer from 1 to 1000' })
  @Max(1000, { message: 'an integer from 1 to 1000' })
  limit?: number;
}

/** Exactly one of event_id and leaf_index; tree_size picks the checkpoint (default: the latest). */
export class InclusionQueryDto {
  @ValidateIf((o: InclusionQueryDto) => o.leaf_index === undefined || o.event_id !== undefined)
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, {
    message: 'an event id (a UUID), or give leaf_index instead',
  })
  event_id?: string;

  @ValidateIf((o: InclusionQueryDto) => o.event_id === undefined || o.leaf_index !== undefined)
  @Type(() => Number)
  @IsInt({ message: 'a leaf index (an integer from 0), or give event_id instead' })
  @Min(0, { message: 'a leaf index (an integer from 0), or give event_id instead' })
  leaf_index?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'the tree size of a checkpoint (an integer from 1)' })
  @Min(1, { message: 'the tree size of a checkpoint (an integer from 1)' })
  tree_size?: number;
}

export class ConsistencyQueryDto {
  @Type(() => Number)
  @IsInt({ message: 'the tree size of the older checkpoint (an integer from 1)' })
  @Min(1, { message: 'the tree size of the older checkpoint (an integer from 1)' })
  from!: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'the tree size of the newer checkpoint (an integer from 1; default: the latest)' })
  @Min(1, { message: 'the tree size of the newer checkpoint (an integer from 1; default: the latest)' })
  to?: number;
}
