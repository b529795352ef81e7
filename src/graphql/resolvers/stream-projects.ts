import type { EventStore } from '../../eventstore/port.js';
import { categoryOf } from '../../projections/audit-trail/audit-trail.projection.js';
import { streamId } from '../../projections/rm-common/sql.js';

/** Categories whose first event names the stream's project in `data.projectId` (RunRequested, DecisionOpened, ManagedKeyRegistered). */
const OPENED_WITH_PROJECT = new Set(['run', 'decision', 'mkey']);
const MAX_CACHED = 10_000;

/**
 * The project a stream belongs to, read from the log itself (never from a read model that may
 * lag): `project-<id>` is project `<id>`; a run, a decision or a managed key belongs to the
 * project its first event names; blueprints, evidence, models, batches and the ledger's own
 * streams belong to no project (null). One read per stream, cached for the subscription.
 */
export class StreamProjects {
  private readonly cache = new Map<string, string | null>();

  constructor(private readonly store: EventStore) {}

  async of(stream: string): Promise<string | null> {
    const cached = this.cache.get(stream);
    if (cached !== undefined) return cached;
    const project = await this.lookUp(stream);
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(stream, project);
    return project;
  }

  private async lookUp(stream: string): Promise<string | null> {
    const category = categoryOf(stream);
    if (category === 'project') return streamId(stream);
    if (!OPENED_WITH_PROJECT.has(category)) return null;
    const [first] = await this.store.readStream(stream, { maxCount: 1 });
    if (!first) return null;
    const data = (JSON.parse(first.data) as { data?: { projectId?: unknown } }).data;
    return typeof data?.projectId === 'string' ? data.projectId : null;
  }
}
