import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import pg from 'pg';
import type { EventStore } from '../eventstore/port.js';
import { ProjectionService } from './projection-service.js';
import type { RunnerOptions } from './runner.js';
import { PROJECTIONS as ALL } from './registry.js';
import { PROJECTIONS } from './tokens.js';

const OWN_POOLS = new WeakMap<ProjectionService, pg.Pool>();

/** Builds, migrates and starts the projection runners of the service. */
export async function startProjections(
  pool: pg.Pool,
  store: EventStore,
  log: (line: string) => void,
  options: Omit<RunnerOptions, 'log'> = {},
): Promise<ProjectionService> {
  // Every runner holds one connection for its lease while it follows the log: the runners get a
  // pool of their own, sized for them, so they can neither starve the service's pool nor be starved.
  // Pipeline mode: a batch's write statements go out back to back (decision 0058).
  const own = new pg.Pool({
    ...(pool as unknown as { options: pg.PoolConfig }).options,
    max: ALL.length + 2,
    pipeline: true,
  } as pg.PoolConfig);
  const service = new ProjectionService(own, store, ALL, { ...options, log });
  OWN_POOLS.set(service, own);
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
    await OWN_POOLS.get(this.projections)?.end();
  }
}
