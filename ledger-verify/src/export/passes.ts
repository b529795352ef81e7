// The passes of verify.ts that read one file for one purpose: the key chain out of
// events.ndjson (its ledger-keys lines), and checkpoints.ndjson (checked in full, or only laid
// out: positions and claimed sizes).

import { equalBytes, indexOfBytes } from '../encoding.js';
import { isPlainObject } from '../envelope/fields.js';
import { FormatError } from '../errors.js';
import type { ByteDigest, LineBatch } from '../io/lines.js';
import { parseJsonStrict } from '../json-strict.js';
import { KEY_STREAM } from '../keys/data.js';
import { KeyChainError, type KeyChainErrorCode } from '../keys/keychain.js';
import { InputError } from '../verify/ledger.js';
import type { Where } from '../verify/report.js';
import { CHECKPOINT_STREAM, checkLine, type CheckContext } from './check.js';
import { CHECKPOINTS_FILE, EVENTS_FILE, type ExportSource } from './source.js';
import { here, type CheckpointRecord, type Verification } from './verification.js';

const REPORTED_PER_EVENT: ReadonlySet<KeyChainErrorCode> = new Set(['HASH_MISMATCH', 'ORIGIN_MISMATCH']);
const KEY_STREAM_MARK = `"${KEY_STREAM}"`;
const KEY_STREAM_MARK_BYTES = new TextEncoder().encode(KEY_STREAM_MARK);
/** Lines per batch of pass 1 (the main thread only searches them for the key stream's name). */
const KEY_PASS_BATCH = 4096;
const lineDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * The lines of an undecoded batch holding the key stream's name (any field may): decoded,
 * parsed and applied to the key chain if they are key events. Returns how many were key events.
 */
export function applyKeyLines(v: Verification, b: LineBatch): number {
  const before = v.keyEventsPass1;
  let i = 0;
  for (let at = indexOfBytes(b.bytes, KEY_STREAM_MARK_BYTES, 0); at !== -1;) {
    while ((b.ends[i] as number) < at) i++;
    const start = i === 0 ? 0 : (b.ends[i - 1] as number) + 1;
    const end = b.ends[i] as number;
    keyLine(v, lineDecoder.decode(b.bytes.subarray(start, end)), b.firstLine + i);
    at = indexOfBytes(b.bytes, KEY_STREAM_MARK_BYTES, end + 1);
  }
  return v.keyEventsPass1 - before;
}

/** Pass 1: the key chain, from the ledger-keys lines of events.ndjson. Returns the number of lines. */
export async function keyPass(source: ExportSource, v: Verification, digest: (d: ByteDigest) => void): Promise<number> {
  if (source.batches) {
    // Undecoded batches: only the lines holding the key stream's name are decoded and parsed.
    let lines = 0;
    for await (const b of source.batches(EVENTS_FILE, KEY_PASS_BATCH, digest)) {
      lines = b.firstLine + b.ends.length - 1;
      applyKeyLines(v, b);
    }
    return lines;
  }
  let line = 0;
  for await (const text of source.lines(EVENTS_FILE, digest)) {
    line++;
    if (text.includes(KEY_STREAM_MARK)) keyLine(v, text, line);
  }
  return line;
}

/** One line of events.ndjson holding the key stream's name (any field may): applied to the key chain if it is a key event. */
function keyLine(v: Verification, text: string, line: number): void {
  let raw: unknown;
  try {
    raw = parseJsonStrict(text);
  } catch (e) {
    if (e instanceof FormatError) throw new InputError('MALFORMED_JSON', `${EVENTS_FILE} line ${line}: ${e.message}`, line);
    throw e;
  }
  const event = isPlainObject(raw) ? raw['event'] : undefined;
  if (!isPlainObject(event) || event['stream'] !== KEY_STREAM) return;
  v.keyEventsPass1++;
  const position = isPlainObject(raw) ? raw['position'] : undefined;
  const where: Where = {
    file: EVENTS_FILE,
    line,
    position: typeof position === 'number' ? position : null,
    stream: KEY_STREAM,
    revision: typeof event['revision'] === 'number' ? event['revision'] : null,
    eventId: typeof event['id'] === 'string' ? event['id'].slice(0, 64) : null,
  };
  if (typeof position !== 'number' || !Number.isSafeInteger(position) || position < 0) return; // MALFORMED_EXPORT_LINE in pass 3
  try {
    v.chain.apply(event, position);
  } catch (e) {
    if (!(e instanceof KeyChainError)) throw e;
    if (e.code === 'MALFORMED_KEY_EVENT' && !hasSig(event)) return; // MISSING_SIGNATURE in pass 3
    if (REPORTED_PER_EVENT.has(e.code)) v.deferred.push({ code: e.code, where, message: e.message });
    else v.fail(e.code, 'key-chain', where, e.message);
  }
}

function hasSig(event: Record<string, unknown>): boolean {
  return Object.hasOwn(event, 'sig') && event['sig'] !== null;
}

export interface CheckpointPass {
  /** The checkpoints that passed every per-line rule. */
  readonly records: CheckpointRecord[];
  readonly lines: number;
  /** Checkpoint positions, increasing (the others are reported), for the positions rule. */
  readonly positions: number[];
  /** The last line's checkpoint, 'invalid' when that line failed a rule, null when there is none. */
  readonly last: CheckpointRecord | 'invalid' | null;
}

/** Pass 2: checkpoints.ndjson, checked on this thread (few lines) under the final key chain. */
export async function checkpointPass(
  source: ExportSource,
  v: Verification,
  ctx: CheckContext,
  digest: (d: ByteDigest) => void,
): Promise<CheckpointPass> {
  const records: CheckpointRecord[] = [];
  const positions: number[] = [];
  let line = 0;
  let lastPosition = -1;
  let last: CheckpointRecord | 'invalid' | null = null;
  let bySize: CheckpointRecord | undefined;
  for await (const text of source.lines(CHECKPOINTS_FILE, digest)) {
    line++;
    const r = checkLine(text, 'checkpoint', ctx);
    const where = here(CHECKPOINTS_FILE, line, r);
    v.record(r, where, CHECKPOINTS_FILE);
    const position = r.position;
    if (position !== null) {
      if (position <= lastPosition)
        v.fail(
          'POSITION_NOT_INCREASING',
          'log',
          where,
          `position ${position} does not follow position ${lastPosition} of the previous checkpoint`,
        );
      else positions.push(position);
      lastPosition = Math.max(lastPosition, position);
    }
    last = 'invalid';
    const e = r.event;
    if (!e) continue;
    if (e.stream !== CHECKPOINT_STREAM) {
      v.fail('MISPLACED_EVENT', 'log', where, `an event of stream ${e.stream} in ${CHECKPOINTS_FILE}: it belongs in ${EVENTS_FILE}`);
      continue;
    }
    v.judge(r, where, position ?? lastPosition);
    v.chains.check(e, where);
    const cp = r.checkpoint;
    const trusted = cp !== undefined && r.hashOk && r.sigOverStated === true && r.failures.length === 0;
    if (!cp || !trusted || position === null) continue;
    const rec: CheckpointRecord = { where, position, size: cp.size, rootHash: cp.rootHash, eventId: e.id };
    last = rec;
    if (bySize && cp.size < bySize.size) {
      v.fail(
        'CHECKPOINT_SIZE_REGRESSION',
        'checkpoint',
        where,
        `tree size ${cp.size} is smaller than the ${bySize.size} of the checkpoint before it (event ${bySize.eventId})`,
      );
    }
    if (bySize && cp.size === bySize.size && !equalBytes(cp.rootHash, bySize.rootHash)) {
      v.fail(
        'CHECKPOINT_FORK',
        'checkpoint',
        where,
        `a second root for tree size ${cp.size} (event ${bySize.eventId} signed another): the log forked`,
      );
    }
    if (!bySize || cp.size >= bySize.size) bySize = rec;
    records.push(rec);
  }
  return { records, lines: line, positions, last };
}

/**
 * checkpoints.ndjson laid out without any key: the positions pass 2 will keep (they do not
 * depend on keys) and every tree size a checkpoint line claims (a superset of the sizes of the
 * checkpoints pass 2 will trust). Records no failure; null when a line is not JSON.
 */
export async function checkpointLayout(
  source: ExportSource,
  origin: string,
  ctx: Pick<CheckContext, 'ed25519'>,
  digest: (d: ByteDigest) => void,
): Promise<{ positions: number[]; sizes: number[] } | null> {
  const noKeys: CheckContext = { origin, keys: new Map(), ed25519: ctx.ed25519 };
  const positions: number[] = [];
  const sizes: number[] = [];
  let lastPosition = -1;
  for await (const text of source.lines(CHECKPOINTS_FILE, digest)) {
    const r = checkLine(text, 'checkpoint', noKeys);
    if (r.notJson !== undefined) return null;
    if (r.position !== null) {
      if (r.position > lastPosition) positions.push(r.position);
      lastPosition = Math.max(lastPosition, r.position);
    }
    if (r.checkpoint) sizes.push(r.checkpoint.size);
  }
  return { positions, sizes };
}
