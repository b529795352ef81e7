// One batch of export lines checked by checkLine, packed for the trip back to the main thread:
// the common case (a clean line: well formed, hash, signature and signer verified, no failure)
// as three numbers and four strings, everything else as whole CheckedLine records. Workers and the inline
// path (workers: 0) both go through checkBatch, so their results are identical.

import { signerCheck } from '../keys/keychain.js';
import {
  CHECKPOINT_STREAM,
  checkLine,
  runDeferred,
  type CheckContext,
  type CheckedLine,
  type DeferredSignature,
  type EventSummary,
} from './check.js';

export interface PackedBatch {
  readonly count: number;
  /** 32-byte leaf hash per line. */
  readonly leaves: Uint8Array;
  /** Per line: 1 when the line is clean (packed in numbers/strings), 0 when it is in `others`. */
  readonly clean: Uint8Array;
  /** Per clean line: leaf, position, revision. */
  readonly numbers: Float64Array;
  /** Per clean line: id, stream, prev ('' for null), hash. */
  readonly strings: string[];
  /** The lines that are not clean, in order. */
  readonly others: CheckedLine[];
}

/**
 * A clean line: well formed, origin right, hash and signature verified, its signer valid at its
 * position under the final key chain, and (in events.ndjson) not a checkpoint. Only the
 * sequential rules (positions, leaf indices, stream chains, the tree) are left to check.
 */
export interface CleanLine {
  leaf: number;
  position: number;
  revision: number;
  id: string;
  stream: string;
  prev: string | null;
  hash: string;
}

const NUMBERS = 3;
const STRINGS = 4;
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** The lines of a batch: given as strings, or as UTF-8 bytes (already validated), each line ending with "\n". */
export function batchLines(input: readonly string[] | Uint8Array): readonly string[] {
  if (!(input instanceof Uint8Array)) return input;
  const lines = decoder.decode(input).split('\n');
  lines.pop(); // after the last "\n"
  return lines;
}

/** Whether a checked line is clean (see {@link CleanLine}) under the final key chain in `ctx`. */
function isClean(r: CheckedLine, kind: 'event' | 'checkpoint', ctx: CheckContext): boolean {
  const e = r.event;
  if (
    e === null ||
    r.notJson !== undefined ||
    r.failures.length !== 0 ||
    !r.hashOk ||
    r.sigOverStated !== true ||
    r.checkpoint !== undefined ||
    r.leaf === null ||
    r.position === null ||
    (kind === 'event' && e.stream === CHECKPOINT_STREAM)
  )
    return false;
  return signerCheck(ctx.keys.get(e.kid), e.kid, e.occurredAt, r.position).ok;
}

export function checkBatch(input: readonly string[] | Uint8Array, kind: 'event' | 'checkpoint', ctx: CheckContext): PackedBatch {
  const lines = batchLines(input);
  const count = lines.length;
  const leaves = new Uint8Array(32 * count);
  const clean = new Uint8Array(count);
  const numbers: number[] = [];
  const strings: string[] = [];
  const others: CheckedLine[] = [];
  // Every line parsed and hashed first, then every signature: the Ed25519 checks run back to
  // back, which measurably beats interleaving them with JSON work (CPU caches).
  const deferred: DeferredSignature[] = [];
  const results: CheckedLine[] = [];
  for (let i = 0; i < count; i++) results.push(checkLine(lines[i] as string, kind, ctx, leaves.subarray(32 * i, 32 * i + 32), deferred));
  runDeferred(deferred, ctx);
  for (let i = 0; i < count; i++) {
    const r = results[i] as CheckedLine;
    if (isClean(r, kind, ctx)) {
      const e = r.event as EventSummary;
      clean[i] = 1;
      numbers.push(r.leaf as number, r.position as number, e.revision);
      strings.push(e.id, e.stream, e.prev ?? '', e.hash);
    } else {
      others.push(r);
    }
  }
  return { count, leaves, clean, numbers: Float64Array.from(numbers), strings, others };
}

/** The transferable buffers of a packed batch. */
export function transferables(b: PackedBatch): ArrayBuffer[] {
  return [b.leaves.buffer as ArrayBuffer, b.clean.buffer as ArrayBuffer, b.numbers.buffer as ArrayBuffer];
}

/**
 * Reads a packed batch in line order: each clean line into one reused record (valid during the
 * call only: nothing is allocated per clean line but the leaf's view), every other line as its
 * CheckedLine; both with the line's leaf hash.
 */
export function readBatch(
  b: PackedBatch,
  onClean: (c: CleanLine, leaf: Uint8Array) => void,
  onOther: (r: CheckedLine, leaf: Uint8Array) => void,
): void {
  const c: CleanLine = { leaf: 0, position: 0, revision: 0, id: '', stream: '', prev: null, hash: '' };
  let k = 0;
  let o = 0;
  for (let i = 0; i < b.count; i++) {
    const leaf = b.leaves.subarray(32 * i, 32 * i + 32);
    if (b.clean[i] !== 1) {
      onOther(b.others[o++] as CheckedLine, leaf);
      continue;
    }
    const n = NUMBERS * k;
    const s = STRINGS * k;
    k++;
    c.leaf = b.numbers[n] as number;
    c.position = b.numbers[n + 1] as number;
    c.revision = b.numbers[n + 2] as number;
    c.id = b.strings[s] as string;
    c.stream = b.strings[s + 1] as string;
    const prev = b.strings[s + 2] as string;
    c.prev = prev === '' ? null : prev;
    c.hash = b.strings[s + 3] as string;
    onClean(c, leaf);
  }
}
