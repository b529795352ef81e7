/**
 * The event store port. Adapters (PostgreSQL now, EventStoreDB later) all pass the
 * shared contract suite in test/eventstore/.
 *
 * The store knows nothing about signatures or chains: it stores an opaque JSON text per
 * event (the sealed envelope) under a stream name, a 0-based stream revision and a dense
 * 0-based global position that follows commit order.
 */

/** `no_stream`: the stream must not exist; `any`: no check; a number: the revision of the stream's last event. */
export type ExpectedRevision = 'no_stream' | 'any' | number;

export interface EventToAppend {
  /** UUID; appending the same id twice to the same place is idempotent. */
  readonly id: string;
  readonly type: string;
  /** JSON text, stored byte for byte. */
  readonly data: string;
}

export interface RecordedEvent {
  readonly position: number;
  readonly stream: string;
  readonly revision: number;
  readonly id: string;
  readonly type: string;
  readonly data: string;
  readonly recordedAt: Date;
}

/** Another stream must be at exactly this revision when the append commits (-1: must not exist). */
export interface StreamPrecondition {
  readonly stream: string;
  readonly revision: number;
}

export interface AppendOptions {
  readonly preconditions?: readonly StreamPrecondition[];
}

export interface AppendResult {
  /** Revision of the stream's last event after the append. */
  readonly nextExpectedRevision: number;
  /** Global position of the first appended event. */
  readonly firstPosition: number;
  /** True when every event was already stored by an earlier identical append. */
  readonly idempotent: boolean;
}

export interface ReadAllOptions {
  readonly fromPosition?: number;
  readonly maxCount?: number;
}

export interface ReadStreamOptions {
  readonly fromRevision?: number;
  readonly maxCount?: number;
}

export interface SubscribeOptions {
  /** First global position to deliver (default 0). */
  readonly fromPosition?: number;
  readonly signal?: AbortSignal;
}

export interface EventStore {
  append(stream: string, expected: ExpectedRevision, events: readonly EventToAppend[], options?: AppendOptions): Promise<AppendResult>;
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Revision of the stream's last event, or -1 when the stream does not exist. */
  streamRevision(stream: string): Promise<number>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Position the next appended event will get (= number of events in the log). */
  headPosition(): Promise<number>;
  /** Catch-up from `fromPosition`, then live; ends when `signal` aborts. */
  subscribeToAll(options?: SubscribeOptions): AsyncIterable<RecordedEvent>;
  /** Is the store reachable and usable now? */
  ping(): Promise<void>;
  close(): Promise<void>;
}
