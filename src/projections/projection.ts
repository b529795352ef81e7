import type { EventEnvelope } from 'ledger-verify';
import type pg from 'pg';
import type { RecordedEvent } from '../eventstore/port.js';
import type { Migration } from '../pg/migrate.js';

/** A recorded event with its sealed envelope parsed once for every projection. */
export interface ProjectedEvent {
  readonly recorded: RecordedEvent;
  readonly envelope: EventEnvelope;
}

/**
 * A read model: its tables (own migrations), and `apply`, which writes the rows for a batch of
 * events inside the runner's transaction. `apply` must be deterministic (no clock, no
 * randomness, no `now()` defaults): a rebuild from zero must produce exactly the same rows.
 */
export interface Projection {
  /** Stable name, e.g. `audit-trail`: the checkpoint key and the migration namespace. */
  readonly name: string;
  /** Bump it when `apply` changes meaning: the runner then rebuilds from zero. */
  readonly version: number;
  readonly migrations: readonly Migration[];
  /** Tables emptied before a rebuild. */
  readonly tables: readonly string[];
  /**
   * The stream categories (`run` for `run-<id>`) whose events `apply` reads, when it reads only some
   * (decision 0063): the runner hands it only their events, and a batch without any just moves the
   * checkpoint (one statement, no transaction). Absent: every event.
   */
  readonly categories?: readonly string[];
  apply(events: readonly ProjectedEvent[], tx: pg.PoolClient): Promise<void>;
}

/** The category of a stream: the part of its name before the first `-` (the whole name without one). */
export function streamCategory(stream: string): string {
  const dash = stream.indexOf('-');
  return dash < 0 ? stream : stream.slice(0, dash);
}
