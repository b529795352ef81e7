// The sequential rules of pass 3 over events.ndjson, in line order, on the main thread: leaf
// indices, positions (checkpoints take positions too), signer validity of the lines the
// workers did not pass as clean, stream chains, and the Merkle tree, whose root is kept at
// every size a checkpoint claims (checked against the checkpoints afterwards).

import { KEY_STREAM } from '../keys/data.js';
import { CompactTree } from '../merkle/tree.js';
import { NOWHERE, type Where } from '../verify/report.js';
import { readBatch, type CleanLine, type PackedBatch } from './batch.js';
import { CHECKPOINT_STREAM, type CheckedLine } from './check.js';
import { EVENTS_FILE } from './source.js';
import { here, type Verification } from './verification.js';

/** The tree at one size: its root and the position of its last leaf (-1 when empty). */
export interface RootAtSize {
  readonly root: Uint8Array;
  readonly lastLeafPosition: number;
}

export class EventsPass {
  /** Lines consumed. */
  line = 0;
  /** The next position expected (one past the highest seen in order). */
  expectedPosition = 0;
  readonly tree = new CompactTree();
  /** The tree at each of the sizes given, once reached. */
  readonly roots = new Map<number, RootAtSize>();
  private readonly sizes: number[];
  private sizeAt = 0;
  private cpPosAt = 0;
  private lastLeafPosition = -1;
  private current: CleanLine | undefined;
  private readonly cleanWhere = (): Where => {
    const c = this.current;
    return here(EVENTS_FILE, this.line, c ? { position: c.position, stream: c.stream, revision: c.revision, eventId: c.id } : null);
  };

  /**
   * @param checkpointPositions increasing positions of the checkpoints (they are not leaves)
   * @param sizes the tree sizes whose root is kept (those checkpoints claim)
   */
  constructor(
    private readonly v: Verification,
    private readonly checkpointPositions: readonly number[],
    sizes: Iterable<number>,
    private readonly onProgress?: (done: number, total: number | null) => void,
    private readonly total: number | null = null,
  ) {
    this.sizes = [...new Set(sizes)].sort((a, b) => a - b);
    this.keepRoots(); // size 0
  }

  /** Every line of a batch checked by a worker, in order. */
  consume(batch: PackedBatch): void {
    readBatch(batch, this.onClean, this.onOther);
    this.onProgress?.(this.line, this.total);
  }

  /** After the last line: the checkpoints' positions past the last event. */
  end(checkpointsFile: string): void {
    const v = this.v;
    this.skipCheckpointPositions();
    const positions = this.checkpointPositions;
    while (this.cpPosAt < positions.length) {
      const p = positions[this.cpPosAt++] as number;
      if (p > this.expectedPosition)
        v.fail(
          'POSITION_GAP',
          'log',
          { ...NOWHERE, file: checkpointsFile, position: p },
          `positions ${this.expectedPosition}..${p - 1} are missing`,
        );
      this.expectedPosition = Math.max(this.expectedPosition, p + 1);
    }
  }

  // A clean line (hash, signature and signer already verified by a worker): only the sequential
  // rules, and the place of the line is built only if one of them fails.
  private readonly onClean = (c: CleanLine, leaf: Uint8Array): void => {
    this.line++;
    this.current = c;
    this.sequence(c.leaf, c.position, this.cleanWhere);
    this.v.chains.check(c, this.cleanWhere);
    if (c.stream === KEY_STREAM) this.v.keyEventsPass3++;
    this.leafDone(leaf, c.position);
  };

  private readonly onOther = (r: CheckedLine, leaf: Uint8Array): void => {
    const v = this.v;
    this.line++;
    const where = here(EVENTS_FILE, this.line, r);
    v.record(r, where, EVENTS_FILE);
    const p = r.position;
    this.sequence(r.leaf, p, () => where);
    const e = r.event;
    if (e) {
      if (e.stream === CHECKPOINT_STREAM) {
        v.fail('MISPLACED_EVENT', 'log', where, `a ${CHECKPOINT_STREAM} event in ${EVENTS_FILE}: checkpoints are not leaves`);
      } else {
        v.judge(r, where, p ?? this.expectedPosition - 1);
        v.chains.check(e, where);
        if (e.stream === KEY_STREAM) v.keyEventsPass3++;
      }
    }
    this.leafDone(leaf, p);
  };

  /** The rules on the order of lines: leaf index and position (`where` is called only on a failure). */
  private sequence(leafNo: number | null, p: number | null, where: () => Where): void {
    const v = this.v;
    const leafIndex = this.tree.size;
    if (leafNo !== null && leafNo !== leafIndex)
      v.fail('LEAF_INDEX_MISMATCH', 'log', where(), `the line says leaf ${leafNo}; it is leaf ${leafIndex} (line ${this.line})`);
    this.skipCheckpointPositions();
    if (p === null) return;
    if (p === this.expectedPosition) this.expectedPosition++;
    else if (p > this.expectedPosition) {
      v.fail('POSITION_GAP', 'log', where(), `positions ${this.expectedPosition}..${p - 1} are missing before this event: deleted events`);
      this.expectedPosition = p + 1;
      const positions = this.checkpointPositions;
      while (this.cpPosAt < positions.length && (positions[this.cpPosAt] as number) < p) this.cpPosAt++;
    } else {
      v.fail('POSITION_NOT_INCREASING', 'log', where(), `position ${p} again or out of order (expected ${this.expectedPosition})`);
    }
  }

  private skipCheckpointPositions(): void {
    const positions = this.checkpointPositions;
    while (this.cpPosAt < positions.length && (positions[this.cpPosAt] as number) <= this.expectedPosition) {
      if (positions[this.cpPosAt] === this.expectedPosition) this.expectedPosition++;
      this.cpPosAt++;
    }
  }

  private leafDone(leaf: Uint8Array, p: number | null): void {
    this.tree.append(leaf);
    if (p !== null) this.lastLeafPosition = Math.max(this.lastLeafPosition, p);
    this.keepRoots();
  }

  private keepRoots(): void {
    const size = this.tree.size;
    while (this.sizeAt < this.sizes.length && (this.sizes[this.sizeAt] as number) <= size) {
      if (this.sizes[this.sizeAt++] === size) this.roots.set(size, { root: this.tree.root(), lastLeafPosition: this.lastLeafPosition });
    }
  }
}
