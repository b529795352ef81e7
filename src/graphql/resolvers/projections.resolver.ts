import { Inject } from '@nestjs/common';
import { Query, Resolver } from '@nestjs/graphql';
import { Roles } from '../../auth/decorators.js';
import type { ProjectionService } from '../../projections/projection-service.js';
import { PROJECTIONS } from '../../projections/tokens.js';
import { ProjectionStatusType } from '../types/projection-status.type.js';

@Resolver(() => ProjectionStatusType)
export class ProjectionsResolver {
  constructor(@Inject(PROJECTIONS) private readonly service: ProjectionService) {}

  @Query(() => [ProjectionStatusType], { description: 'The read models: position, head and lag.' })
  @Roles('admin', 'operator', 'auditor')
  async projections(): Promise<ProjectionStatusType[]> {
    return (await this.service.status()).map((s) => Object.assign(new ProjectionStatusType(), { ...s, lag: s.lagEvents }));
  }
}
