import {
  base64ToBytes,
  bytesToBase64,
  consistencyProof,
  consistencyProofRanges,
  inclusionProof,
  inclusionProofRanges,
  type EventEnvelope,
} from 'ledger-verify';
import { CHECKPOINT_STREAM } from '../../domain/checkpoints/checkpoints.js';
import { NotFound, ValidationError } from '../../domain/errors.js';
import type { EventStore, RecordedEvent } from '../../eventstore/port.js';
import type { MerkleStore } from '../sealer/merkle-store.js';

/** A signed checkpoint as recorded in stream `ledger-checkpoints`. */
export interface CheckpointView {
  readonly size: number;
  /** Standard base64 of the root hash. */
  readonly root: string;
  readonly note: string;
  readonly eventId: string;
  readonly position: number;
  readonly revision: number;
  readonly sealedAt: string;
}

export interface InclusionProofView {
  readonly leafIndex: number;
  readonly position: number;
  readonly eventId: string;
  /** Hex of the event hash, and standard base64 of its RFC 9162 leaf hash. */
  readonly eventHash: string;
  readonly leafHash: string;
  readonly treeSize: number;
  /** Standard base64 hashes, leaf side first (RFC 9162 2.1.3). */
  readonly proof: readonly string[];
  readonly checkpoint: CheckpointView;
}

export interface ConsistencyProofView {
  readonly from: CheckpointView;
  readonly to: CheckpointView;
  /** Standard base64 hashes (RFC 9162 2.1.4). */
  readonly proof: readonly string[];
}

export type LeafRef = { readonly eventId: string } | { readonly leafIndex: number };

/**
 * Read side of the Merkle log for auditors: checkpoints, inclusion proofs of events and
 * consistency proofs between checkpoints, all against signed checkpoints. Transport-free: a
 * GraphQL resolver, a REST handler or the CLI calls it and renders the views.
 */
export class ProofService {
  constructor(
    private readonly store: EventStore,
    private readonly merkle: MerkleStore,
  ) {}

  /** Checkpoints in order, from the `after`-th (0-based revision) on, at most `limit`. */
  async listCheckpoints(options: { readonly fromRevision?: number; readonly limit?: number } = {}): Promise<CheckpointView[]> {
    const limit = options.limit ?? 100;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) {
      throw new ValidationError('INVALID_LIMIT', 'limit must be an integer from 1 to 1000', [
        { path: 'limit', message: 'expected 1..1000' },
      ]);
    }
    const records = await this.store.readStream(CHECKPOINT_STREAM, { fromRevision: options.fromRevision ?? 0, maxCount: limit });
    return records.map(toView);
  }

  /** The latest checkpoint, or the one of tree size `size`. */
  async checkpoint(size?: number): Promise<CheckpointView> {
    const revision = await this.store.streamRevision(CHECKPOINT_STREAM);
    if (revision < 0)
      throw new NotFound('NO_CHECKPOINT', 'no checkpoint has been sealed yet: run qledger checkpoint, or wait for the sealer');
    if (size === undefined) {
      const [last] = await this.store.readStream(CHECKPOINT_STREAM, { fromRevision: revision, maxCount: 1 });
      return toView(last as RecordedEvent);
    }
    // Checkpoint sizes grow strictly with the revision: binary search, O(log n) reads.
    let lo = 0;
    let hi = revision;
    while (lo <= hi) {
      const mid = Math.floor((lo + hi) / 2);
      const [r] = await this.store.readStream(CHECKPOINT_STREAM, { fromRevision: mid, maxCount: 1 });
      const view = toView(r as RecordedEvent);
      if (view.size === size) return view;
      if (view.size < size) lo = mid + 1;
      else hi = mid - 1;
    }
    throw new NotFound('CHECKPOINT_NOT_FOUND', `no checkpoint has tree size ${size}: list them with qledger proof checkpoints`);
  }

  /** Inclusion proof of an event (by id or leaf index) in a checkpoint (the latest by default). */
  async inclusion(ref: LeafRef, checkpointSize?: number): Promise<InclusionProofView> {
    const leaf =
      'eventId' in ref
        ? await this.merkle.leafByEventId(ref.eventId)
        : Number.isSafeInteger(ref.leafIndex) && ref.leafIndex >= 0
          ? await this.merkle.leafByIndex(ref.leafIndex)
          : undefined;
    const what = 'eventId' in ref ? `event ${ref.eventId}` : `leaf ${ref.leafIndex}`;
    if (!leaf) {
      throw new NotFound('LEAF_NOT_FOUND', `${what} is not in the Merkle log (unknown, a checkpoint event, or not sealed yet)`);
    }
    const checkpoint = await this.checkpoint(checkpointSize);
    if (leaf.index >= checkpoint.size) {
      throw new NotFound(
        'LEAF_NOT_COVERED',
        `${what} (leaf ${leaf.index}) is not covered by the checkpoint of size ${checkpoint.size}: wait for the next checkpoint`,
      );
    }
    const nodes = inclusionProofRanges(leaf.index, checkpoint.size).flatMap((r) => r.nodes);
    const proof = inclusionProof(leaf.index, checkpoint.size, await this.merkle.hashesAt(nodes));
    const [event] = await this.store.readAll({ fromPosition: leaf.position, maxCount: 1 });
    return {
      leafIndex: leaf.index,
      position: leaf.position,
      eventId: leaf.eventId,
      eventHash: (JSON.parse((event as RecordedEvent).data) as EventEnvelope).hash,
      leafHash: bytesToBase64(leaf.hash),
      treeSize: checkpoint.size,
      proof: proof.map(bytesToBase64),
      checkpoint,
    };
  }

  /** Consistency proof between two checkpoints (the latest as `toSize` by default). */
  async consistency(fromSize: number, toSize?: number): Promise<ConsistencyProofView> {
    const from = await this.checkpoint(fromSize);
    const to = await this.checkpoint(toSize);
    if (from.size > to.size) {
      throw new ValidationError(
        'INVALID_RANGE',
        `the first checkpoint (size ${from.size}) must not be larger than the second (${to.size})`,
        [{ path: 'fromSize', message: 'expected <= toSize' }],
      );
    }
    const nodes = consistencyProofRanges(from.size, to.size).flatMap((r) => r.nodes);
    const proof = consistencyProof(from.size, to.size, await this.merkle.hashesAt(nodes));
    return { from, to, proof: proof.map(bytesToBase64) };
  }
}

function toView(r: RecordedEvent): CheckpointView {
  const e = JSON.parse(r.data) as EventEnvelope;
  const d = e.data as { size: number; root: string; note: string };
  return { size: d.size, root: d.root, note: d.note, eventId: e.id, position: r.position, revision: r.revision, sealedAt: e.occurredAt };
}

/** Decodes a view's base64 hashes (for callers that verify). */
export function decodeHashes(hashes: readonly string[]): Uint8Array[] {
  return hashes.map((h) => base64ToBytes(h) as Uint8Array);
}
