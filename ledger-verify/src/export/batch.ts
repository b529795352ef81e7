// One batch of export lines checked by checkLine, packed for the trip back to the main thread:
// the common case (a well-formed event whose hash and signature verify, no failure) as a few
// numbers and strings, everything else as whole CheckedLine records. Workers and the inline
// path (workers: 0) both go through checkBatch, so their results are identical.

import { checkLine, runDeferred, type CheckContext, type CheckedLine, type DeferredSignature, type EventSummary } from './check.js';

export interface PackedBatch {
  readonly count: number;
  /** 32-byte leaf hash per line. */
  readonly leaves: Uint8Array;
  /** Per line: 1 when the line is clean (packed in numbers/strings), 0 when it is in `others`. */
  readonly clean: Uint8Array;
  /** Per clean line: leaf, position, revision. */
  readonly numbers: Float64Array;
  /** Per clean line: id, stream, prev ('' for null), hash, kid, occurredAt, type. */
  readonly strings: string[];
  /** The lines that are not clean, in order. */
  readonly others: CheckedLine[];
}

const NUMBERS = 3;
const STRINGS = 7;
const NO_FAILURES: CheckedLine['failures'] = [];
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** The lines of a batch: given as strings, or as UTF-8 bytes (already validated), each line ending with "\n". */
export function batchLines(input: readonly string[] | Uint8Array): readonly string[] {
  if (!(input instanceof Uint8Array)) return input;
  const lines = decoder.decode(input).split('\n');
  lines.pop(); // after the last "\n"
  return lines;
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
    const e = r.event;
    if (
      e !== null &&
      r.notJson === undefined &&
      r.failures.length === 0 &&
      r.hashOk &&
      r.sigOverStated === true &&
      r.checkpoint === undefined &&
      r.leaf !== null &&
      r.position !== null
    ) {
      clean[i] = 1;
      numbers.push(r.leaf, r.position, e.revision);
      strings.push(e.id, e.stream, e.prev ?? '', e.hash, e.kid, e.occurredAt, e.type);
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

/** Calls `each` with every line's CheckedLine (clean lines rebuilt from the packed form) and its leaf hash. */
export function unpackBatch(b: PackedBatch, each: (r: CheckedLine, leaf: Uint8Array) => void): void {
  let c = 0;
  let o = 0;
  for (let i = 0; i < b.count; i++) {
    const leaf = b.leaves.subarray(32 * i, 32 * i + 32);
    if (b.clean[i] !== 1) {
      each(b.others[o++] as CheckedLine, leaf);
      continue;
    }
    const n = NUMBERS * c;
    const s = STRINGS * c;
    c++;
    const prev = b.strings[s + 2] as string;
    const event: EventSummary = {
      id: b.strings[s] as string,
      stream: b.strings[s + 1] as string,
      revision: b.numbers[n + 2] as number,
      prev: prev === '' ? null : prev,
      hash: b.strings[s + 3] as string,
      kid: b.strings[s + 4] as string,
      occurredAt: b.strings[s + 5] as string,
      type: b.strings[s + 6] as string,
    };
    each(
      {
        leaf: b.numbers[n] as number,
        position: b.numbers[n + 1] as number,
        stream: event.stream,
        revision: event.revision,
        eventId: event.id,
        failures: NO_FAILURES,
        event,
        hashOk: true,
        sigOverStated: true,
        sigOverRecomputed: null,
      },
      leaf,
    );
  }
}
