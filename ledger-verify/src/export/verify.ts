// verifyExport: every rule of docs/ledger-format.md sections 6-9 over a full export, streaming.
//   pass 1  events.ndjson, key events only: builds the key chain (revocations act retroactively)
//   pass 2  checkpoints.ndjson: each checkpoint event, its signed note (one small record each kept)
//   pass 3  events.ndjson, every line: per-line rules in worker threads (parse, hash, signature),
//           sequential rules here in order (signer validity, stream chains, positions, leaf
//           indices, the Merkle tree against every checkpoint), then the manifest.

import { ed25519 as defaultEd25519, type Ed25519 } from '../crypto/ed25519.js';
import { bytesToBase64, equalBytes } from '../encoding.js';
import { isKid, isOrigin, isPlainObject } from '../envelope/fields.js';
import type { EventEnvelope } from '../envelope/types.js';
import { FormatError } from '../errors.js';
import { parseJsonStrict } from '../json-strict.js';
import { KEY_STREAM } from '../keys/data.js';
import { KeyChain, KeyChainError, type KeyChainErrorCode } from '../keys/keychain.js';
import { CompactTree } from '../merkle/tree.js';
import { InputError } from '../verify/ledger.js';
import {
  FailureLog,
  NOWHERE,
  type KeySummary,
  type LedgerFailure,
  type LedgerFailureCode,
  type Rule,
  type Where,
} from '../verify/report.js';
import { StreamChains } from '../verify/streams.js';
import { CHECKPOINT_STREAM, checkLine, type CheckContext, type CheckedLine } from './check.js';
import { indexOfBytes } from '../encoding.js';
import type { ByteDigest } from '../io/lines.js';
import { unpackBatch } from './batch.js';
import { parseManifest, EXPORT_FORMAT, type ExportManifest } from './manifest.js';
import { availableCores, CheckPool, type BatchResult } from './pool.js';
import { CHECKPOINTS_FILE, EVENTS_FILE, MANIFEST_FILE, openExport, type ExportSource } from './source.js';

export interface VerifyExportOptions {
  /** kid of the genesis key (out-of-band trust root). */
  readonly trustRoot: string;
  /** Expected origin; by default the genesis event's. */
  readonly origin?: string;
  /** Failures kept in the report (all are counted). Default 1000. */
  readonly maxFailures?: number;
  /** Worker threads checking signatures; default: one per core; 0 checks on this thread. */
  readonly workers?: number;
  /** Lines per batch sent to a worker. Default 512. */
  readonly batchSize?: number;
  /** Called after each batch of events.ndjson with the lines done and the manifest's count. */
  readonly onProgress?: (done: number, total: number | null) => void;
  /** Implementation for this thread (workers use the default one). */
  readonly ed25519?: Ed25519;
}

export interface ExportFailure extends LedgerFailure {
  readonly file: string | null;
}

export interface ExportReport {
  readonly ok: boolean;
  readonly format: typeof EXPORT_FORMAT;
  readonly source: string;
  readonly origin: string | null;
  readonly trustRoot: string;
  readonly activeKid: string | null;
  /** Lines of events.ndjson (= leaves). */
  readonly events: number;
  /** Lines of checkpoints.ndjson. */
  readonly checkpoints: number;
  readonly streams: number;
  /** Merkle root of all leaves (standard base64). */
  readonly rootHash: string;
  /** The largest checkpoint whose root matched the events, if any. */
  readonly verifiedCheckpoint: { readonly size: number; readonly rootHash: string; readonly eventId: string } | null;
  /** Leaves after the last verified checkpoint: not covered by any signed checkpoint. */
  readonly uncoveredEvents: number;
  readonly keys: readonly KeySummary[];
  readonly failureCount: number;
  readonly failureCounts: Readonly<Partial<Record<LedgerFailureCode, number>>>;
  readonly failures: readonly ExportFailure[];
  readonly failuresTruncated: boolean;
}

interface CheckpointRecord {
  readonly where: Where;
  readonly position: number;
  readonly size: number;
  readonly rootHash: Uint8Array;
  readonly eventId: string;
  /** Root matched the events at its size: true / false, undefined until checked. */
  matched?: boolean;
}

const REPORTED_PER_EVENT: ReadonlySet<KeyChainErrorCode> = new Set(['HASH_MISMATCH', 'ORIGIN_MISMATCH']);
const KEY_STREAM_MARK = `"${KEY_STREAM}"`;
const KEY_STREAM_MARK_BYTES = new TextEncoder().encode(KEY_STREAM_MARK);
/** Lines per batch of pass 1 (the main thread only searches them for the key stream's name). */
const KEY_PASS_BATCH = 4096;
const lineDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

function here(file: string, line: number, r: Pick<CheckedLine, 'position' | 'stream' | 'revision' | 'eventId'> | null): Where {
  return {
    file,
    line,
    position: r?.position ?? null,
    stream: r?.stream ?? null,
    revision: r?.revision ?? null,
    eventId: r?.eventId ?? null,
  };
}

function short(h: string): string {
  return `${h.slice(0, 12)}…`;
}

class Verification {
  readonly log: FailureLog;
  readonly chain: KeyChain;
  readonly chains: StreamChains;
  readonly impl: Ed25519;
  /** Key-chain failures that the per-event rules report too (kept only if events cannot be checked). */
  readonly deferred: { code: KeyChainErrorCode; where: Where; message: string }[] = [];
  keyEventsPass1 = 0;
  keyEventsPass3 = 0;

  constructor(readonly options: VerifyExportOptions) {
    this.impl = options.ed25519 ?? defaultEd25519;
    this.log = new FailureLog(options.maxFailures ?? 1000);
    this.chain = new KeyChain({
      trustRoot: options.trustRoot,
      ...(options.origin !== undefined ? { origin: options.origin } : {}),
      ed25519: this.impl,
    });
    this.chains = new StreamChains(this.log);
  }

  fail(code: LedgerFailureCode, rule: Rule, where: Where, message: string): void {
    this.log.add(code, rule, where, message);
  }

  /** Signer validity and the hash/signature verdict of one well-formed event. */
  judge(r: CheckedLine, where: Where, position: number): void {
    const e = r.event;
    if (!e) return;
    const signer = this.chain.checkSigner({ sig: { kid: e.kid, alg: 'Ed25519', val: '' }, occurredAt: e.occurredAt }, position);
    if (!signer.ok) this.fail(signer.code, 'signer', where, signer.message);
    if (!r.hashOk) {
      if (r.sigOverStated === true) {
        this.fail(
          'PAYLOAD_CHANGED',
          'envelope',
          where,
          `the content was changed after signing: the signature verifies over the recorded hash ${short(e.hash)}, the content no longer hashes to it`,
        );
      } else if (r.sigOverRecomputed === true) {
        this.fail(
          'HASH_CHANGED',
          'envelope',
          where,
          `the recorded hash ${short(e.hash)} was changed: the signature verifies over the content's real hash, not over it`,
        );
      } else {
        this.fail(
          'HASH_MISMATCH',
          'envelope',
          where,
          `the content does not hash to the recorded hash ${short(e.hash)}, and the signature verifies over neither`,
        );
      }
    } else if (signer.ok && r.sigOverStated === false) {
      this.fail('BAD_SIGNATURE', 'envelope', where, `signature by key ${e.kid} does not verify over hash ${short(e.hash)}`);
    }
  }

  /** The line-level failures found by the worker. */
  record(r: CheckedLine, where: Where, file: string): void {
    if (r.notJson !== undefined) throw new InputError('MALFORMED_JSON', `${file} line ${where.line ?? '?'}: ${r.notJson}`, where.line);
    for (const [code, message] of r.failures) {
      const rule: Rule =
        code.startsWith('CHECKPOINT') || code === 'MALFORMED_CHECKPOINT'
          ? 'checkpoint'
          : code === 'MALFORMED_EXPORT_LINE'
            ? 'log'
            : 'envelope';
      this.fail(code, rule, where, message);
    }
  }

  summary(e: NonNullable<CheckedLine['event']>): EventEnvelope {
    return { stream: e.stream, revision: e.revision, prev: e.prev, hash: e.hash, id: e.id } as unknown as EventEnvelope;
  }
}

/** Pass 1: the key chain, from the ledger-keys lines of events.ndjson. */
async function keyPass(source: ExportSource, v: Verification, digest: (d: ByteDigest) => void): Promise<number> {
  if (source.batches) {
    // Undecoded batches: only the lines holding the key stream's name are decoded and parsed.
    let lines = 0;
    for await (const b of source.batches(EVENTS_FILE, KEY_PASS_BATCH, digest)) {
      lines = b.firstLine + b.ends.length - 1;
      let i = 0;
      for (let at = indexOfBytes(b.bytes, KEY_STREAM_MARK_BYTES, 0); at !== -1;) {
        while ((b.ends[i] as number) < at) i++;
        const start = i === 0 ? 0 : (b.ends[i - 1] as number) + 1;
        const end = b.ends[i] as number;
        keyLine(v, lineDecoder.decode(b.bytes.subarray(start, end)), b.firstLine + i);
        at = indexOfBytes(b.bytes, KEY_STREAM_MARK_BYTES, end + 1);
      }
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

/** Pass 2: checkpoints.ndjson, checked on this thread (few lines). */
async function checkpointPass(
  source: ExportSource,
  v: Verification,
  ctx: CheckContext,
  digest: (d: ByteDigest) => void,
): Promise<{ records: CheckpointRecord[]; lines: number; positions: number[]; last: CheckpointRecord | 'invalid' | null }> {
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
    v.chains.check(v.summary(e), where);
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
 * Verifies a full export: a directory, a .tar.gz of one (by path), or an {@link ExportSource}
 * (e.g. `iterableSource` over the service's live store). Resolves to a report listing every
 * failure with its stable code; rejects with InputError when the input cannot be read as an
 * export at all (missing or unreadable file, not JSON, invalid UTF-8, truncated line).
 */
export async function verifyExport(input: string | ExportSource, options: VerifyExportOptions): Promise<ExportReport> {
  if (!isKid(options.trustRoot)) throw new InputError('BAD_OPTIONS', 'the trust root is a kid: 32 lowercase hex characters');
  if (options.origin !== undefined && !isOrigin(options.origin))
    throw new InputError('BAD_OPTIONS', 'the origin must be 1-255 printable ASCII characters without spaces');
  const source = typeof input === 'string' ? await openExport(input) : input;
  // The worker threads start now: they load while passes 1 and 2 read, and get the keys after.
  const pool = new CheckPool(options.workers ?? availableCores());
  try {
    return await verifySource(source, options, pool);
  } finally {
    await pool.close();
  }
}

async function verifySource(source: ExportSource, options: VerifyExportOptions, pool: CheckPool): Promise<ExportReport> {
  const v = new Verification(options);

  const manifestText = await source.manifest();
  const parsed = manifestText === undefined ? undefined : parseManifest(manifestText);
  const manifest = parsed?.manifest;
  const MANIFEST_WHERE: Where = { ...NOWHERE, file: MANIFEST_FILE };
  for (const p of parsed?.problems ?? []) v.fail('MALFORMED_MANIFEST', 'manifest', MANIFEST_WHERE, p);

  // Pass 1
  const digests: Partial<Record<string, ByteDigest>> = {};
  const lines1 = await keyPass(source, v, (d) => (digests['events1'] = d));
  const origin = options.origin ?? v.chain.origin;
  if (!v.chain.hasGenesis || origin === undefined) {
    for (const d of v.deferred) v.fail(d.code, 'key-chain', d.where, d.message);
    v.fail(
      'MISSING_GENESIS',
      'key-chain',
      NOWHERE,
      `no valid ${KEY_STREAM} genesis for trust root ${options.trustRoot}: no event can be verified`,
    );
    return report(v, source, origin, lines1, 0, new CompactTree(), null);
  }
  const keys = new Map<string, Uint8Array>(v.chain.keys().map((k) => [k.kid, k.publicKey]));
  const ctx: CheckContext = { origin, keys, ed25519: v.impl };

  // Pass 2
  const cps = await checkpointPass(source, v, ctx, (d) => (digests[CHECKPOINTS_FILE] = d));
  const bySize = [...cps.records].sort((a, b) => a.size - b.size);

  // Pass 3
  pool.start(ctx);
  const tree = new CompactTree();
  const batchSize = Math.max(1, options.batchSize ?? 512);
  // Four batches per worker in flight: a worker still has work queued while this thread is descheduled.
  const maxInFlight = Math.max(2, 4 * pool.size);
  const total = manifest?.counts.events ?? null;
  let line = 0;
  let expectedPosition = 0;
  let cpPosAt = 0;
  let sizeAt = 0;
  let lastLeafPosition = -1;

  const matchCheckpoints = (): void => {
    while (sizeAt < bySize.length && (bySize[sizeAt] as CheckpointRecord).size <= tree.size) {
      const cp = bySize[sizeAt++] as CheckpointRecord;
      if (cp.size < tree.size) continue; // only when sizes regress; reported already
      cp.matched = equalBytes(tree.root(), cp.rootHash);
      if (cp.position <= lastLeafPosition) {
        v.fail(
          'CHECKPOINT_AHEAD_OF_LOG',
          'checkpoint',
          cp.where,
          `the checkpoint at position ${cp.position} covers ${cp.size} leaves, but leaf ${cp.size - 1} is at position ${lastLeafPosition}, after it`,
        );
      }
    }
  };
  const skipCheckpointPositions = (): void => {
    while (cpPosAt < cps.positions.length && (cps.positions[cpPosAt] as number) <= expectedPosition) {
      if (cps.positions[cpPosAt] === expectedPosition) expectedPosition++;
      cpPosAt++;
    }
  };

  const consume = (batch: BatchResult): void => {
    unpackBatch(batch, (r, leaf) => {
      line++;
      const where = here(EVENTS_FILE, line, r);
      v.record(r, where, EVENTS_FILE);
      const leafIndex = tree.size;
      if (r.leaf !== null && r.leaf !== leafIndex)
        v.fail('LEAF_INDEX_MISMATCH', 'log', where, `the line says leaf ${r.leaf}; it is leaf ${leafIndex} (line ${line})`);
      skipCheckpointPositions();
      const p = r.position;
      if (p !== null) {
        if (p === expectedPosition) expectedPosition++;
        else if (p > expectedPosition) {
          v.fail('POSITION_GAP', 'log', where, `positions ${expectedPosition}..${p - 1} are missing before this event: deleted events`);
          expectedPosition = p + 1;
          while (cpPosAt < cps.positions.length && (cps.positions[cpPosAt] as number) < p) cpPosAt++;
        } else {
          v.fail('POSITION_NOT_INCREASING', 'log', where, `position ${p} again or out of order (expected ${expectedPosition})`);
        }
      }
      const e = r.event;
      if (e) {
        if (e.stream === CHECKPOINT_STREAM) {
          v.fail('MISPLACED_EVENT', 'log', where, `a ${CHECKPOINT_STREAM} event in ${EVENTS_FILE}: checkpoints are not leaves`);
        } else {
          v.judge(r, where, p ?? expectedPosition - 1);
          v.chains.check(v.summary(e), where);
          if (e.stream === KEY_STREAM) v.keyEventsPass3++;
        }
      }
      tree.append(leaf);
      if (p !== null) lastLeafPosition = Math.max(lastLeafPosition, p);
      matchCheckpoints();
    });
    options.onProgress?.(line, total);
  };

  matchCheckpoints(); // size-0 checkpoints
  try {
    const inFlight: Promise<BatchResult>[] = [];
    const eventsDigest = (d: ByteDigest): void => void (digests[EVENTS_FILE] = d);
    if (source.batches) {
      // Raw bytes go to the workers (transferred, decoded there).
      for await (const b of source.batches(EVENTS_FILE, batchSize, eventsDigest)) {
        inFlight.push(pool.submit('event', b.bytes));
        if (inFlight.length >= maxInFlight) consume(await (inFlight.shift() as Promise<BatchResult>));
      }
    } else {
      let batch: string[] = [];
      for await (const text of source.lines(EVENTS_FILE, eventsDigest)) {
        batch.push(text);
        if (batch.length < batchSize) continue;
        inFlight.push(pool.submit('event', batch));
        batch = [];
        if (inFlight.length >= maxInFlight) consume(await (inFlight.shift() as Promise<BatchResult>));
      }
      if (batch.length > 0) inFlight.push(pool.submit('event', batch));
    }
    while (inFlight.length > 0) consume(await (inFlight.shift() as Promise<BatchResult>));
  } finally {
    await pool.close();
  }
  if (line !== lines1)
    throw new InputError('INPUT_CHANGED', `${EVENTS_FILE} changed while it was being verified (${lines1} then ${line} lines)`);
  const d1 = digests['events1'];
  const d3 = digests[EVENTS_FILE];
  if (d1 && d3 && d1.sha256 !== d3.sha256) throw new InputError('INPUT_CHANGED', `${EVENTS_FILE} changed while it was being verified`);
  if (v.keyEventsPass3 !== v.keyEventsPass1) {
    v.fail(
      'MALFORMED_EXPORT_LINE',
      'log',
      { ...NOWHERE, file: EVENTS_FILE },
      `${v.keyEventsPass3} ${KEY_STREAM} events, of which ${v.keyEventsPass1} are written as canonical JSON: the key chain cannot be read reliably`,
    );
  }
  skipCheckpointPositions();
  while (cpPosAt < cps.positions.length) {
    const p = cps.positions[cpPosAt++] as number;
    if (p > expectedPosition)
      v.fail(
        'POSITION_GAP',
        'log',
        { ...NOWHERE, file: CHECKPOINTS_FILE, position: p },
        `positions ${expectedPosition}..${p - 1} are missing`,
      );
    expectedPosition = Math.max(expectedPosition, p + 1);
  }

  // Checkpoints against the tree.
  let verified: CheckpointRecord | null = null;
  for (const cp of cps.records) {
    if (cp.size > tree.size) {
      v.fail(
        'TAIL_DELETED',
        'checkpoint',
        cp.where,
        `the checkpoint commits to ${cp.size} events; the export holds ${tree.size}: events at the end were deleted`,
      );
    }
  }
  for (let i = 0; i < bySize.length; i++) {
    const cp = bySize[i] as CheckpointRecord;
    if (cp.matched === true) {
      if (!verified || cp.size >= verified.size) verified = cp;
      continue;
    }
    if (cp.matched !== false) continue;
    const later = bySize.slice(i + 1).find((c) => c.matched === true && c.size > cp.size);
    if (later) {
      v.fail(
        'CHECKPOINT_FORK',
        'checkpoint',
        cp.where,
        `root of size ${cp.size} is inconsistent with the later checkpoint of size ${later.size} (event ${later.eventId}), which matches the events: two histories were signed`,
      );
    } else {
      v.fail(
        'MERKLE_ROOT_MISMATCH',
        'checkpoint',
        cp.where,
        `the signed root of size ${cp.size} is not the Merkle root of the first ${cp.size} events: events were changed, deleted, inserted or reordered`,
      );
    }
  }

  if (manifest)
    checkManifest(v, manifest, {
      origin,
      lines: line,
      cpLines: cps.lines,
      head: expectedPosition,
      last: cps.last,
      digests,
      trustRoot: options.trustRoot,
    });
  return report(v, source, origin, line, cps.lines, tree, verified);
}

function checkManifest(
  v: Verification,
  m: ExportManifest,
  got: {
    origin: string;
    lines: number;
    cpLines: number;
    head: number;
    last: CheckpointRecord | 'invalid' | null;
    digests: Partial<Record<string, ByteDigest>>;
    trustRoot: string;
  },
): void {
  const where: Where = { ...NOWHERE, file: MANIFEST_FILE };
  const mismatch = (what: string): void => v.fail('MANIFEST_MISMATCH', 'manifest', where, what);
  if (m.origin !== got.origin) mismatch(`origin is "${m.origin}", the ledger's is "${got.origin}"`);
  if (m.trustRoot !== got.trustRoot) mismatch(`trustRoot is ${m.trustRoot}, the trust root given is ${got.trustRoot}`);
  if (m.counts.events !== got.lines) mismatch(`counts.events is ${m.counts.events}, ${EVENTS_FILE} has ${got.lines} lines`);
  if (m.counts.checkpoints !== got.cpLines)
    mismatch(`counts.checkpoints is ${m.counts.checkpoints}, ${CHECKPOINTS_FILE} has ${got.cpLines} lines`);
  if (m.head.position !== got.head)
    mismatch(
      `head.position is ${m.head.position}, the export ends at position ${got.head}${m.head.position > got.head ? ': events at the end are missing' : ''}`,
    );
  const last = got.last;
  if (m.lastCheckpoint === null) {
    if (last !== null) mismatch(`lastCheckpoint is null, ${CHECKPOINTS_FILE} has checkpoints`);
  } else if (last !== 'invalid') {
    const lc = m.lastCheckpoint;
    if (last === null) mismatch(`lastCheckpoint names event ${lc.eventId}, ${CHECKPOINTS_FILE} is empty: checkpoints were deleted`);
    else if (lc.eventId !== last.eventId || lc.size !== last.size || lc.rootHash !== bytesToBase64(last.rootHash)) {
      mismatch(
        `lastCheckpoint is size ${lc.size}, event ${lc.eventId}; the last checkpoint in ${CHECKPOINTS_FILE} is size ${last.size}, event ${last.eventId}`,
      );
    }
  }
  for (const file of [EVENTS_FILE, CHECKPOINTS_FILE] as const) {
    const d = got.digests[file];
    if (!d) continue;
    const want = m.files[file];
    if (d.sha256 !== want.sha256 || d.bytes !== want.bytes) {
      v.fail(
        'FILE_DIGEST_MISMATCH',
        'manifest',
        { ...NOWHERE, file },
        `${file} has SHA-256 ${short(d.sha256)} (${d.bytes} bytes); the manifest says ${short(want.sha256)} (${want.bytes} bytes)`,
      );
    }
  }
}

function report(
  v: Verification,
  source: ExportSource,
  origin: string | undefined,
  events: number,
  checkpoints: number,
  tree: CompactTree,
  verified: CheckpointRecord | null,
): ExportReport {
  const keys = v.chain.keys().map((k) => ({
    kid: k.kid,
    activatedAt: k.activatedAt,
    activatedBy: k.activatedBy,
    retiredAt: k.retiredAt,
    revokedAt: k.revocation?.position ?? null,
    compromisedSince: k.revocation?.compromisedSince ?? null,
  }));
  return {
    ok: v.log.count === 0,
    format: EXPORT_FORMAT,
    source: source.name,
    origin: origin ?? null,
    trustRoot: v.options.trustRoot,
    activeKid: v.chain.activeKid ?? null,
    events,
    checkpoints,
    streams: v.chains.count,
    rootHash: bytesToBase64(tree.root()),
    verifiedCheckpoint: verified ? { size: verified.size, rootHash: bytesToBase64(verified.rootHash), eventId: verified.eventId } : null,
    uncoveredEvents: tree.size - (verified?.size ?? 0),
    keys,
    failureCount: v.log.count,
    failureCounts: v.log.counts(),
    failures: v.log.sorted().map((f) => ({ ...f, file: f.file ?? null })),
    failuresTruncated: v.log.truncated,
  };
}
