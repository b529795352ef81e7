import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type pg from 'pg';
import type { EventStore } from '../eventstore/port.js';
import { ProjectionService } from './projection-service.js';
import { PROJECTIONS as ALL } from './registry.js';
import { PROJECTIONS } from './tokens.js';

/** Builds, migrates and starts the projection runners of the service. */
export async function startProjections(pool: pg.Pool, store: EventStore, log: (line: string) => void): Promise<ProjectionService> {
  const service = new ProjectionService(pool, store, ALL, { log });
  await service.migrate();
  service.start();
  return service;
}

/** Stops the runners (and releases their leases) when the application closes. */
@Injectable()
export class ProjectionsHost implements OnModuleDestroy {
  constructor(@Inject(PROJECTIONS) private readonly projections: ProjectionService) {}

  async onModuleDestroy(): Promise<void> {
    await this.projections.stop();
  }
}
