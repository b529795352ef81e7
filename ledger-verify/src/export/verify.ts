// verifyExport: every rule of docs/ledger-format.md sections 6-9 over a full export, streaming.
// Three passes, each reading one file once:
//   pass 1  events.ndjson, key events only: builds the key chain (revocations act retroactively)
//   pass 2  checkpoints.ndjson: each checkpoint event, its signed note (one small record each kept)
//   pass 3  events.ndjson, every line: per-line rules in worker threads (parse, hash, signature,
//           signer validity under the final chain), sequential rules here in order (positions,
//           leaf indices, stream chains, the Merkle tree, kept at every size a checkpoint claims),
//           then the checkpoints against the tree and the manifest.
// A file-backed export is first verified in one pass (decision 0066): events.ndjson is read once,
// the key chain is built from each batch's key lines before the batch goes to the workers, and
// checkpoints.ndjson is laid out before and checked after it. That result stands only when it is
// "ok" and the chain has no revocation: then no rule can tell it from the three passes'.
// Anything else (a failure, a revocation, a genesis not in the first lines, unreadable input) is
// verified again by the three passes, whose report is the one returned.

import type { Ed25519 } from '../crypto/ed25519.js';
import { bytesToBase64, equalBytes } from '../encoding.js';
import { isKid, isOrigin } from '../envelope/fields.js';
import type { ByteDigest } from '../io/lines.js';
import { KEY_STREAM } from '../keys/data.js';
import type { SignerWindow } from '../keys/keychain.js';
import { CompactTree } from '../merkle/tree.js';
import { InputError } from '../verify/ledger.js';
import { NOWHERE, type KeySummary, type LedgerFailure, type LedgerFailureCode, type Where } from '../verify/report.js';
import { type CheckContext } from './check.js';
import { EventsPass } from './events-pass.js';
import { parseManifest, EXPORT_FORMAT, type ExportManifest } from './manifest.js';
import { applyKeyLines, checkpointLayout, checkpointPass, keyPass, type CheckpointPass } from './passes.js';
import { availableCores, CheckPool, type BatchResult } from './pool.js';
import { CHECKPOINTS_FILE, EVENTS_FILE, MANIFEST_FILE, openExport, type ExportSource } from './source.js';
import { short, Verification, type CheckpointRecord } from './verification.js';

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
  /**
   * Try the one-pass verification first (file-backed exports; default true). false: the three
   * passes only. The report is the same either way; only the time differs.
   */
  readonly onePass?: boolean;
  /**
   * Called after each batch of events.ndjson with the lines done and the manifest's count; when
   * the one-pass verification hands over to the three passes, `done` starts again from 0.
   */
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

/** What the three-pass and the one-pass verifications share: the manifest, read once. */
interface Manifest {
  readonly manifest: ExportManifest | undefined;
  readonly problems: readonly string[];
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
  const m = await readManifest(source);
  const workers = options.workers ?? availableCores();
  if (source.batches && options.onePass !== false) {
    // The worker threads start now: they load while the checkpoints are laid out.
    const pool = new CheckPool(workers);
    let report: ExportReport | undefined;
    try {
      report = await onePass(source, options, m, pool);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      // The three passes meet the same input and report it in their own order.
    } finally {
      await pool.close();
    }
    if (report) return report;
  }
  const pool = new CheckPool(workers);
  try {
    return await threePasses(source, options, m, pool);
  } finally {
    await pool.close();
  }
}

/**
 * The one-pass verification alone (for tests and measurements): its report when it stands,
 * undefined when it hands over to the three passes.
 */
export async function verifyExportOnePass(input: string | ExportSource, options: VerifyExportOptions): Promise<ExportReport | undefined> {
  const source = typeof input === 'string' ? await openExport(input) : input;
  const m = await readManifest(source);
  const pool = new CheckPool(options.workers ?? availableCores());
  try {
    return await onePass(source, options, m, pool);
  } finally {
    await pool.close();
  }
}

async function readManifest(source: ExportSource): Promise<Manifest> {
  const text = await source.manifest();
  const parsed = text === undefined ? undefined : parseManifest(text);
  return { manifest: parsed?.manifest, problems: parsed?.problems ?? [] };
}

function keysOf(v: Verification): Map<string, SignerWindow> {
  return new Map<string, SignerWindow>(v.chain.keys().map((k) => [k.kid, k]));
}

/** Submits batches, at most `maxInFlight` unconsumed, consuming results in order. */
class Pipeline {
  private readonly inFlight: Promise<BatchResult>[] = [];

  constructor(
    private readonly pool: CheckPool,
    private readonly pass: EventsPass,
  ) {}

  private get max(): number {
    // Four batches per worker in flight: a worker still has work queued while this thread is descheduled.
    return Math.max(2, 4 * this.pool.size);
  }

  async submit(lines: readonly string[] | Uint8Array): Promise<void> {
    this.inFlight.push(this.pool.submit('event', lines));
    if (this.inFlight.length >= this.max) this.pass.consume(await (this.inFlight.shift() as Promise<BatchResult>));
  }

  async drain(): Promise<void> {
    while (this.inFlight.length > 0) this.pass.consume(await (this.inFlight.shift() as Promise<BatchResult>));
  }
}

/** The one-pass verification (see the file comment): its report when it stands, undefined to hand over. */
async function onePass(
  source: ExportSource,
  options: VerifyExportOptions,
  m: Manifest,
  pool: CheckPool,
): Promise<ExportReport | undefined> {
  const batches = source.batches;
  if (!batches) return undefined;
  if (m.problems.length > 0) return undefined; // a bad manifest fails anyway
  const v = new Verification(options);
  const digests: Partial<Record<string, ByteDigest>> = {};
  const batchSize = Math.max(1, options.batchSize ?? 512);
  let pass: EventsPass | undefined;
  let pipeline: Pipeline | undefined;
  let ctx: CheckContext | undefined;
  let layoutDigest: ByteDigest | undefined;
  for await (const b of batches.call(source, EVENTS_FILE, batchSize, (d) => (digests[EVENTS_FILE] = d))) {
    // The batch's key lines go into the chain before its bytes go to a worker (transferred).
    const keyEvents = applyKeyLines(v, b);
    if (!ctx) {
      const origin = options.origin ?? v.chain.origin;
      if (!v.chain.hasGenesis || origin === undefined) return undefined;
      ctx = { origin, keys: keysOf(v), ed25519: v.impl };
      const layout = await checkpointLayout(source, origin, ctx, (d) => (layoutDigest = d));
      if (!layout) return undefined;
      pool.start(ctx);
      pass = new EventsPass(v, layout.positions, layout.sizes, options.onProgress, m.manifest?.counts.events ?? null);
      pipeline = new Pipeline(pool, pass);
    } else if (keyEvents > 0) {
      pool.updateKeys(keysOf(v));
    }
    if (keyEvents > 0 && v.chain.keys().some((k) => k.revocation !== null)) return undefined;
    await (pipeline as Pipeline).submit(b.bytes);
    if (v.log.count > 0 || v.unverifiedSignatures > 0) return undefined;
  }
  if (!pass || !pipeline || !ctx) return undefined; // no events
  await pipeline.drain();
  if (v.log.count > 0 || v.deferred.length > 0 || v.unverifiedSignatures > 0) return undefined;
  // Pass 2 under the final chain, on the bytes laid out before.
  const cps = await checkpointPass(source, v, { ...ctx, keys: keysOf(v) }, (d) => (digests[CHECKPOINTS_FILE] = d));
  const d2 = digests[CHECKPOINTS_FILE];
  if (!layoutDigest || !d2 || layoutDigest.sha256 !== d2.sha256) return undefined;
  const report = finish(v, source, options, m, ctx.origin, pass, cps, digests);
  return report.ok ? report : undefined;
}

async function threePasses(source: ExportSource, options: VerifyExportOptions, m: Manifest, pool: CheckPool): Promise<ExportReport> {
  const v = new Verification(options);
  for (const p of m.problems) v.fail('MALFORMED_MANIFEST', 'manifest', { ...NOWHERE, file: MANIFEST_FILE }, p);

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
  // The chain is final here (revocations act retroactively): the workers judge signers with it.
  const ctx: CheckContext = { origin, keys: keysOf(v), ed25519: v.impl };

  // Pass 2
  const cps = await checkpointPass(source, v, ctx, (d) => (digests[CHECKPOINTS_FILE] = d));

  // Pass 3
  pool.start(ctx);
  const pass = new EventsPass(
    v,
    cps.positions,
    cps.records.map((r) => r.size),
    options.onProgress,
    m.manifest?.counts.events ?? null,
  );
  const pipeline = new Pipeline(pool, pass);
  const batchSize = Math.max(1, options.batchSize ?? 512);
  const eventsDigest = (d: ByteDigest): void => void (digests[EVENTS_FILE] = d);
  if (source.batches) {
    // Raw bytes go to the workers (transferred, decoded there).
    for await (const b of source.batches(EVENTS_FILE, batchSize, eventsDigest)) await pipeline.submit(b.bytes);
  } else {
    let batch: string[] = [];
    for await (const text of source.lines(EVENTS_FILE, eventsDigest)) {
      batch.push(text);
      if (batch.length < batchSize) continue;
      await pipeline.submit(batch);
      batch = [];
    }
    if (batch.length > 0) await pipeline.submit(batch);
  }
  await pipeline.drain();
  if (pass.line !== lines1)
    throw new InputError('INPUT_CHANGED', `${EVENTS_FILE} changed while it was being verified (${lines1} then ${pass.line} lines)`);
  const d1 = digests['events1'];
  const d3 = digests[EVENTS_FILE];
  if (d1 && d3 && d1.sha256 !== d3.sha256) throw new InputError('INPUT_CHANGED', `${EVENTS_FILE} changed while it was being verified`);
  return finish(v, source, options, m, origin, pass, cps, digests);
}

/** The rules after the last event: key events read both ways, positions, checkpoints against the tree, the manifest. */
function finish(
  v: Verification,
  source: ExportSource,
  options: VerifyExportOptions,
  m: Manifest,
  origin: string,
  pass: EventsPass,
  cps: CheckpointPass,
  digests: Partial<Record<string, ByteDigest>>,
): ExportReport {
  if (v.keyEventsPass3 !== v.keyEventsPass1) {
    v.fail(
      'MALFORMED_EXPORT_LINE',
      'log',
      { ...NOWHERE, file: EVENTS_FILE },
      `${v.keyEventsPass3} ${KEY_STREAM} events, of which ${v.keyEventsPass1} are written as canonical JSON: the key chain cannot be read reliably`,
    );
  }
  pass.end(CHECKPOINTS_FILE);

  // Checkpoints against the tree.
  const tree = pass.tree;
  const bySize = [...cps.records].sort((a, b) => a.size - b.size);
  for (const cp of bySize) {
    const at = pass.roots.get(cp.size);
    if (!at) continue;
    cp.matched = equalBytes(at.root, cp.rootHash);
    if (cp.position <= at.lastLeafPosition) {
      v.fail(
        'CHECKPOINT_AHEAD_OF_LOG',
        'checkpoint',
        cp.where,
        `the checkpoint at position ${cp.position} covers ${cp.size} leaves, but leaf ${cp.size - 1} is at position ${at.lastLeafPosition}, after it`,
      );
    }
  }
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

  if (m.manifest)
    checkManifest(v, m.manifest, {
      origin,
      lines: pass.line,
      cpLines: cps.lines,
      head: pass.expectedPosition,
      last: cps.last,
      digests,
      trustRoot: options.trustRoot,
    });
  return report(v, source, origin, pass.line, cps.lines, pass.tree, verified);
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
