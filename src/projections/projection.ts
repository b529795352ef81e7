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
  apply(events: readonly ProjectedEvent[], tx: pg.PoolClient): Promise<void>;
}
