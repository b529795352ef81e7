import type { EventEnvelope } from 'ledger-verify';
import type { CommandMetadata, Decider, DomainEvent } from '../domain/decider.js';
import { ConcurrencyError } from '../domain/errors.js';
import type { EventStore, StreamPrecondition } from '../eventstore/port.js';
import type { Signer } from './keys/signer.js';
import { assertMetadata, seal, type StreamHead } from './seal.js';

/** Who signs the next event, and what must still hold when it commits. */
export interface SigningContext {
  readonly origin: string;
  current(): Promise<{ readonly signer: Signer; readonly preconditions: readonly StreamPrecondition[] }>;
  /** The store refused an append because the key ring moved on: reload it. */
  refresh(): Promise<void>;
}

export interface WriteResult {
  readonly events: readonly EventEnvelope[];
  /** Revision of the stream's last event after the write. */
  readonly revision: number;
  /** True when this command had already been recorded: nothing new was written. */
  readonly idempotent: boolean;
}

interface Loaded {
  head: StreamHead;
  state: unknown;
  /** Ids of the commands already recorded in the stream, for idempotent replays. */
  commands: Set<string>;
}

export interface LedgerWriterOptions {
  readonly maxAttempts?: number;
  readonly cacheSize?: number;
}

/**
 * The path of one change: load the stream (cached), fold evolve(), decide(), seal, append
 * with the expected revision. A concurrency conflict reloads and decides again, a bounded
 * number of times.
 */
export class LedgerWriter {
  private readonly cache = new Map<string, Loaded>();
  private readonly maxAttempts: number;
  private readonly cacheSize: number;

  constructor(
    private readonly store: EventStore,
    private readonly signing: SigningContext,
    options: LedgerWriterOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.cacheSize = options.cacheSize ?? 10_000;
  }

  async execute<C, E extends DomainEvent, S>(
    stream: string,
    decider: Decider<C, E, S>,
    command: C,
    meta: CommandMetadata,
    options: {
      readonly signer?: Signer;
      /** Other streams the decision was based on, which must not have moved when it commits. */
      readonly preconditions?: readonly StreamPrecondition[];
    } = {},
  ): Promise<WriteResult> {
    assertMetadata(meta);
    for (let attempt = 1; ; attempt++) {
      const loaded = await this.load(stream, decider);
      if (loaded.commands.has(meta.commandId)) {
        return { events: await this.eventsOf(stream, meta.commandId), revision: loaded.head.revision, idempotent: true };
      }

      const events = decider.decide(command, loaded.state as S);
      if (events.length === 0) return { events: [], revision: loaded.head.revision, idempotent: false };

      const signing = options.signer ? { signer: options.signer, preconditions: [] } : await this.signing.current();
      const signer = signing.signer;
      const preconditions = options.preconditions ? [...signing.preconditions, ...options.preconditions] : signing.preconditions;
      const sealed = await seal(this.signing.origin, stream, loaded.head, events, meta, signer);
      try {
        const result = await this.store.append(stream, loaded.head.revision === -1 ? 'no_stream' : loaded.head.revision, sealed.records, {
          preconditions,
        });
        const last = sealed.envelopes.at(-1) as EventEnvelope;
        loaded.head = { revision: result.nextExpectedRevision, hash: last.hash };
        loaded.state = events.reduce(decider.evolve, loaded.state as S);
        loaded.commands.add(meta.commandId);
        return { events: sealed.envelopes, revision: result.nextExpectedRevision, idempotent: result.idempotent };
      } catch (e) {
        this.cache.delete(stream);
        const retryable = e instanceof ConcurrencyError && (e.code === 'WRONG_EXPECTED_REVISION' || e.code === 'PRECONDITION_FAILED');
        if (!retryable || attempt >= this.maxAttempts) throw e;
        if (e.code === 'PRECONDITION_FAILED') await this.signing.refresh();
      }
    }
  }

  /** Forget cached streams (after an external change, or in tests). */
  invalidate(stream?: string): void {
    if (stream === undefined) this.cache.clear();
    else this.cache.delete(stream);
  }

  private async eventsOf(stream: string, commandId: string): Promise<EventEnvelope[]> {
    return (await this.store.readStream(stream))
      .map((r) => JSON.parse(r.data) as EventEnvelope)
      .filter((e) => e.meta.commandId === commandId);
  }

  private async load<E extends DomainEvent, S>(stream: string, decider: Decider<unknown, E, S>): Promise<Loaded> {
    const hit = this.cache.get(stream);
    if (hit) {
      this.cache.delete(stream); // re-insert: most recently used last
      this.cache.set(stream, hit);
      return hit;
    }
    const recorded = await this.store.readStream(stream);
    let state = decider.initialState;
    let head: StreamHead = { revision: -1, hash: null };
    const commands = new Set<string>();
    for (const r of recorded) {
      const envelope = JSON.parse(r.data) as EventEnvelope;
      state = decider.evolve(state, { type: envelope.type, data: envelope.data } as E);
      head = { revision: r.revision, hash: envelope.hash };
      commands.add(envelope.meta.commandId);
    }
    const loaded: Loaded = { head, state, commands };
    this.cache.set(stream, loaded);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
    return loaded;
  }
}
