import {
  base64ToBytes,
  bytesToBase64,
  CompactTree,
  consistencyProof,
  consistencyProofRanges,
  formatCheckpoint,
  formatSignedNote,
  leafHash,
  nodeHash,
  noteKeyId,
  noteSigningMessage,
  verifyConsistency,
  type EventEnvelope,
} from 'ledger-verify';
import type pg from 'pg';
import { CHECKPOINT_STREAM, checkpoints } from '../../domain/checkpoints/checkpoints.js';
import type { CommandMetadata } from '../../domain/decider.js';
import { ConcurrencyError, IllegalState } from '../../domain/errors.js';
import type { EventStore, RecordedEvent, StreamPrecondition } from '../../eventstore/port.js';
import { newId } from '../ids.js';
import type { Signer } from '../keys/signer.js';
import { LedgerWriter, type SigningContext } from '../ledger-writer.js';
import type { Lease } from './lease.js';
import { MerkleStore, type StoredLeaf, type StoredNode } from './merkle-store.js';

export interface SealedCheckpoint {
  readonly size: number;
  /** Standard base64 of the root hash. */
  readonly root: string;
  readonly note: string;
  readonly eventId: string;
}

/** A checkpoint or the stored tree contradicts an earlier checkpoint: sealing must stop. */
export class SealerForkError extends IllegalState {
  constructor(message: string) {
    super('CHECKPOINT_FORK', message);
  }
}

export interface EngineDeps {
  readonly store: EventStore;
  readonly pool: pg.Pool;
  readonly merkle: MerkleStore;
  readonly lease: Lease;
  /** The key ring: who signs now, and the fence that goes with it. */
  readonly signing: SigningContext;
  /** Pseudonymous id of the sealer as the actor of its events. */
  readonly actorId?: string;
}

/**
 * The Merkle log's incremental state while holding the sealer lease: ingests leaves in global
 * order (persisting leaves and completed nodes under the lease's fence), and seals checkpoints
 * after checking them against the previous one with a consistency proof.
 */
export class CheckpointEngine {
  private frontier: Uint8Array[] = [];
  private sizeValue = 0;
  private next = 0;
  private last: { size: number; root: Uint8Array } | undefined;
  private pinned: { signer: Signer; preconditions: readonly StreamPrecondition[] } | undefined;
  private readonly writer: LedgerWriter;

  constructor(private readonly deps: EngineDeps) {
    const pinnedContext: SigningContext = {
      origin: deps.signing.origin,
      current: () => {
        if (!this.pinned) throw new Error('no pinned signer');
        return Promise.resolve(this.pinned);
      },
      refresh: () => Promise.resolve(),
    };
    // One attempt: on a conflict the engine re-signs the note itself with the then-active key.
    this.writer = new LedgerWriter(deps.store, pinnedContext, { maxAttempts: 1, cacheSize: 1 });
  }

  get size(): number {
    return this.sizeValue;
  }

  /** Global position of the next event to ingest. */
  get nextPosition(): number {
    return this.next;
  }

  get checkpointSize(): number {
    return this.last?.size ?? 0;
  }

  /** Loads the stored tree and the latest checkpoint, and checks that they agree. */
  async load(): Promise<void> {
    const { size, lastPosition } = await this.deps.merkle.extent();
    this.sizeValue = size;
    this.next = lastPosition + 1;
    this.frontier = await this.deps.merkle.frontier(size);
    this.writer.invalidate();
    await this.loadLastCheckpoint();
  }

  private async loadLastCheckpoint(): Promise<void> {
    const revision = await this.deps.store.streamRevision(CHECKPOINT_STREAM);
    if (revision < 0) {
      this.last = undefined;
      return;
    }
    const [r] = await this.deps.store.readStream(CHECKPOINT_STREAM, { fromRevision: revision, maxCount: 1 });
    const e = JSON.parse((r as RecordedEvent).data) as EventEnvelope;
    const data = e.data as { size: number; root: string };
    const root = base64ToBytes(data.root) as Uint8Array;
    this.last = { size: data.size, root };
    // The latest checkpoint beyond the stored tree happens only when the position of its
    // leaves is still to be ingested; otherwise the stored prefix must hash to its root.
    if (data.size <= this.sizeValue) {
      const stored = CompactTree.restore(data.size, await this.deps.merkle.frontier(data.size)).root();
      if (bytesToBase64(stored) !== data.root) {
        throw new SealerForkError(
          `the stored Merkle tree at size ${data.size} does not match checkpoint ${e.id}: the log or the tree was changed; sealing stopped`,
        );
      }
    }
  }

  /**
   * Adds the leaves of `records` (global order; events of ledger-checkpoints are not leaves)
   * and persists them with their completed nodes, fenced by the lease. Records before the next
   * position are ignored (already ingested); a gap is an error.
   */
  async ingest(records: readonly RecordedEvent[]): Promise<void> {
    const leaves: StoredLeaf[] = [];
    const nodes: StoredNode[] = [];
    const frontier = [...this.frontier];
    let size = this.sizeValue;
    let next = this.next;
    for (const r of records) {
      if (r.position < next) continue;
      if (r.position !== next) throw new IllegalState('SEALER_GAP', `the sealer expected global position ${next} and got ${r.position}`);
      next++;
      if (r.stream === CHECKPOINT_STREAM) continue;
      const envelope = JSON.parse(r.data) as { hash: string };
      const leaf = leafHash(envelope.hash);
      leaves.push({ index: size, position: r.position, eventId: r.id, hash: leaf });
      let h = leaf;
      let level = 0;
      for (let s = size; s % 2 === 1; s = (s - 1) / 2) {
        h = nodeHash(frontier.pop() as Uint8Array, h);
        level++;
        nodes.push({ level, index: Math.floor(size / 2 ** level), hash: h });
      }
      frontier.push(h);
      size++;
    }
    if (next === this.next) return;
    if (leaves.length > 0) {
      const client = await this.deps.pool.connect();
      try {
        await client.query('BEGIN');
        if (!(await this.deps.lease.assertHeld(client))) {
          throw new ConcurrencyError('SEALER_LEASE_LOST', 'the sealer lost its lease: another sealer took over');
        }
        await MerkleStore.append(client, leaves, nodes);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    }
    this.frontier = frontier;
    this.sizeValue = size;
    this.next = next;
  }

  /** Reads the global log from the next position up to the head and ingests it. */
  async catchUp(pageSize = 1000): Promise<void> {
    const head = await this.deps.store.headPosition();
    while (this.next < head) {
      const page = await this.deps.store.readAll({ fromPosition: this.next, maxCount: Math.min(pageSize, head - this.next) });
      if (page.length === 0) break;
      await this.ingest(page);
    }
  }

  /**
   * Seals a checkpoint of the current tree unless the latest checkpoint already covers it. The
   * new root must be consistent with the previous checkpoint's (RFC 9162 consistency proof,
   * generated from the stored tree and verified); otherwise SealerForkError.
   */
  async seal(now: () => Date = () => new Date()): Promise<SealedCheckpoint | undefined> {
    for (let attempt = 1; ; attempt++) {
      const size = this.sizeValue;
      if (size === 0 || (this.last !== undefined && this.last.size >= size)) return undefined;
      const root = CompactTree.restore(size, this.frontier).root();
      if (this.last) {
        const m = this.last.size;
        const nodes = consistencyProofRanges(m, size).flatMap((r) => r.nodes);
        const proof = consistencyProof(m, size, await this.deps.merkle.hashesAt(nodes));
        if (!verifyConsistency(m, size, this.last.root, root, proof)) {
          throw new SealerForkError(
            `the tree of size ${size} is not consistent with the checkpoint of size ${m}: the log was forked or changed; sealing stopped`,
          );
        }
      }
      try {
        const sealed = await this.emit(size, root, now());
        this.last = { size, root };
        return sealed;
      } catch (e) {
        this.writer.invalidate();
        const retry = e instanceof ConcurrencyError && (e.code === 'PRECONDITION_FAILED' || e.code === 'WRONG_EXPECTED_REVISION');
        if (!retry || attempt >= 5) throw e;
        if (e.code === 'PRECONDITION_FAILED')
          await this.deps.signing.refresh(); // a key rotation: sign with the new key
        else await this.loadLastCheckpoint(); // another sealer wrote: start from its checkpoint
      }
    }
  }

  private async emit(size: number, root: Uint8Array, at: Date): Promise<SealedCheckpoint> {
    const origin = this.deps.signing.origin;
    this.pinned = await this.deps.signing.current();
    const { signer } = this.pinned;
    const text = formatCheckpoint({ origin, size, rootHash: root });
    const signature = await signer.sign(noteSigningMessage(text));
    const note = formatSignedNote(text, [{ name: origin, keyId: noteKeyId(origin, signer.publicKey), signature }]);
    const rootText = bytesToBase64(root);
    const result = await this.writer.execute(
      CHECKPOINT_STREAM,
      checkpoints,
      { type: 'SealCheckpoint', size, root: rootText, note },
      this.meta(at),
    );
    const event = result.events[0];
    if (!event) throw new IllegalState('CHECKPOINT_NOT_WRITTEN', `the checkpoint of size ${size} was not written`);
    return { size, root: rootText, note, eventId: event.id };
  }

  private meta(at: Date): CommandMetadata {
    const commandId = newId(at.getTime());
    return {
      commandId,
      occurredAt: at.toISOString(),
      actor: { id: this.deps.actorId ?? 'svc:merkle-sealer', kind: 'service' },
      correlationId: commandId,
      causationId: commandId,
    };
  }
}
