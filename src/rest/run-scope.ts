import { Inject, Injectable } from '@nestjs/common';
import type { EventEnvelope } from 'ledger-verify';
import { forbidden } from '../auth/auth-errors.js';
import { coversProject, type Principal } from '../auth/principal.js';
import { assertProjectScope } from '../auth/scope.js';
import { LEDGER } from '../app/tokens.js';
import { NotFound } from '../domain/errors.js';
import { runStream } from '../domain/run/types.js';
import type { Ledger } from '../ledger/open-ledger.js';

/**
 * Project scope of routes that name a run: the run's project is in its first event
 * (RunRequested), which never changes, so it is cached. A principal limited to some projects
 * gets the same 403 whether the run does not exist or belongs to another project.
 */
@Injectable()
export class RunScope {
  private readonly projects = new Map<string, string>();

  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  async projectOf(runId: string): Promise<string | undefined> {
    const hit = this.projects.get(runId);
    if (hit !== undefined) return hit;
    const [first] = await this.ledger.store.readStream(runStream(runId), { maxCount: 1 });
    if (!first) return undefined;
    const envelope = JSON.parse(first.data) as EventEnvelope;
    const projectId = (envelope.data as { projectId?: unknown }).projectId;
    if (typeof projectId !== 'string') return undefined;
    if (this.projects.size > 50_000) this.projects.clear();
    this.projects.set(runId, projectId);
    return projectId;
  }

  /** 403 unless the principal covers the run's project; 404 (to an all-projects principal) for an unknown run. */
  async assertCovers(principal: Principal, runId: string): Promise<string> {
    const project = await this.projectOf(runId);
    if (project === undefined) {
      if (principal.projects !== '*') throw forbidden('FORBIDDEN_PROJECT', 'forbidden: your credentials do not cover this project');
      throw new NotFound('RUN_NOT_FOUND', `run ${runId} does not exist: check the id returned by POST /pipelines/run`);
    }
    assertProjectScope(principal, project);
    return project;
  }

  covers(principal: Principal, project: string): boolean {
    return coversProject(principal, project);
  }
}
