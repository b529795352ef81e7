import type { EventEnvelope } from 'ledger-verify';
import type pg from 'pg';
import { hasAnyRole, type Principal, type Role } from '../../auth/principal.js';
import type { EventStore, RecordedEvent } from '../../eventstore/port.js';
import { checkpointWatch } from '../../projections/checkpoint-watch.js';
import { streamId } from '../../projections/rm-common/sql.js';
import { abortable, eventBatches } from './live.js';
import { inScope } from './read-model.loaders.js';

/** What a live view of one aggregate family needs: where its events are, which projection serves it, how to load it. */
export interface ViewFeed<Row, Message> {
  /** Stream category of the aggregate (`run`: streams `run-<id>`). */
  readonly category: string;
  /** The projection whose checkpoint must be past an event before its view is read. */
  readonly projection: string;
  /** Views by aggregate id, one query for the whole batch. */
  load(pool: pg.Pool, ids: readonly string[]): Promise<Map<string, Row>>;
  projectOf(row: Row): string;
  statusOf(row: Row): string;
  message(event: RecordedEvent, envelope: EventEnvelope, row: Row): Message;
}

export interface ViewFilter {
  readonly projectId?: string | null;
  readonly runId?: string | null;
  readonly statuses?: readonly string[] | null;
}

/**
 * Live updates of a read-model view, resumable by position (decision 0053): the store's
 * subscription from `from` on, in batches; for each batch, wait until the view's projection has
 * applied its last relevant event, load the views of the batch in one query, and send one
 * message per event, in log order. Every message is checked against the principal's roles and
 * project scope before it goes out.
 */
export function viewUpdates<Row, Message>(
  source: { readonly store: EventStore; readonly pool: pg.Pool },
  feed: ViewFeed<Row, Message>,
  from: number,
  filter: ViewFilter | null,
  principal: Principal,
  roles: readonly Role[],
): AsyncIterableIterator<Message> {
  const prefix = `${feed.category}-`;
  const statuses = filter?.statuses && filter.statuses.length > 0 ? new Set(filter.statuses) : undefined;
  const watch = checkpointWatch(source.pool);
  return abortable(async function* (signal) {
    for await (const batch of eventBatches(source.store, from, signal)) {
      const relevant = batch.filter((e) => e.stream.startsWith(prefix) && (filter?.runId == null || streamId(e.stream) === filter.runId));
      if (relevant.length === 0) continue;
      if (!(await watch.applied(feed.projection, relevant.at(-1)!.position, signal))) return;
      const rows = await feed.load(source.pool, [...new Set(relevant.map((e) => streamId(e.stream)))]);
      for (const e of relevant) {
        const row = rows.get(streamId(e.stream));
        if (row === undefined) continue;
        const project = feed.projectOf(row);
        if (!hasAnyRole(principal, roles) || !inScope(principal, project)) continue;
        if (filter?.projectId != null && project !== filter.projectId) continue;
        if (statuses && !statuses.has(feed.statusOf(row))) continue;
        yield feed.message(e, JSON.parse(e.data) as EventEnvelope, row);
      }
    }
  });
}
