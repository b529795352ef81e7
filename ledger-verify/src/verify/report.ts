import type { KeyChainErrorCode, SignerFailure } from '../keys/keychain.js';

/** Failures of one envelope on its own. */
export type EnvelopeFailureCode = 'MALFORMED_ENVELOPE' | 'ORIGIN_MISMATCH' | 'HASH_MISMATCH' | 'BAD_SIGNATURE';

/** Failures of the per-stream hash chain. */
export type StreamFailureCode =
  | 'STREAM_REVISION_GAP'
  | 'STREAM_PREV_MISMATCH'
  | 'STREAM_DUPLICATE_EVENT'
  | 'STREAM_REVISION_CONFLICT'
  | 'STREAM_REORDERED'
  | 'STREAM_REVISION_REGRESSION';

/** Failures only a full export can show (docs/ledger-format.md section 9.4). */
export type ExportFailureCode =
  | 'MISSING_SIGNATURE'
  | 'PAYLOAD_CHANGED'
  | 'HASH_CHANGED'
  | 'MALFORMED_EXPORT_LINE'
  | 'LEAF_INDEX_MISMATCH'
  | 'POSITION_GAP'
  | 'POSITION_NOT_INCREASING'
  | 'MISPLACED_EVENT'
  | 'MALFORMED_CHECKPOINT'
  | 'CHECKPOINT_BAD_SIGNATURE'
  | 'CHECKPOINT_NOTE_MISMATCH'
  | 'CHECKPOINT_SIZE_REGRESSION'
  | 'CHECKPOINT_AHEAD_OF_LOG'
  | 'CHECKPOINT_FORK'
  | 'MERKLE_ROOT_MISMATCH'
  | 'TAIL_DELETED'
  | 'MALFORMED_MANIFEST'
  | 'MANIFEST_MISMATCH'
  | 'FILE_DIGEST_MISMATCH'
  | 'INVALID_INCLUSION_PROOF'
  | 'ARTIFACT_DIGEST_MISMATCH';

export type LedgerFailureCode = EnvelopeFailureCode | SignerFailure | KeyChainErrorCode | StreamFailureCode | ExportFailureCode;

/** Which family of rules a failure comes from (one module under verify/ or export/ per family). */
export type Rule = 'envelope' | 'signer' | 'key-chain' | 'stream' | 'log' | 'checkpoint' | 'manifest' | 'bundle';

/** Where a failure is: the event's line (1-based), global position (0-based) and identity, as far as known. */
export interface Where {
  /** The export file the line is in (full exports only). */
  readonly file?: string | null;
  readonly line: number | null;
  readonly position: number | null;
  readonly stream: string | null;
  readonly revision: number | null;
  readonly eventId: string | null;
}

export interface LedgerFailure extends Where {
  readonly code: LedgerFailureCode;
  readonly rule: Rule;
  readonly message: string;
}

/** A failure whose classification may still change (a gap that turns out to be a reordering). */
export interface PendingFailure extends Where {
  code: LedgerFailureCode;
  rule: Rule;
  message: string;
}

export interface KeySummary {
  readonly kid: string;
  readonly activatedAt: number;
  readonly activatedBy: 'genesis' | 'rotation';
  readonly retiredAt: number | null;
  readonly revokedAt: number | null;
  readonly compromisedSince: string | null;
}

export interface LedgerReport {
  readonly ok: boolean;
  readonly format: 'qledger/event/v1';
  readonly origin: string | null;
  readonly trustRoot: string;
  readonly activeKid: string | null;
  /** Lines (events) read. */
  readonly events: number;
  readonly streams: number;
  readonly keys: readonly KeySummary[];
  readonly failureCount: number;
  readonly failureCounts: Readonly<Partial<Record<LedgerFailureCode, number>>>;
  /** The first `maxFailures` failures in file order. */
  readonly failures: readonly LedgerFailure[];
  readonly failuresTruncated: boolean;
}

export const NOWHERE: Where = { line: null, position: null, stream: null, revision: null, eventId: null };

/** Collects failures, keeping the first `max` of them and counts of all. */
export class FailureLog {
  private readonly kept: PendingFailure[] = [];
  private readonly byCode: Partial<Record<LedgerFailureCode, number>> = {};
  private total = 0;

  constructor(private readonly max: number) {}

  add(code: LedgerFailureCode, rule: Rule, where: Where, message: string): PendingFailure {
    const f: PendingFailure = { code, rule, message, ...where };
    this.total++;
    this.byCode[code] = (this.byCode[code] ?? 0) + 1;
    if (this.kept.length < this.max) this.kept.push(f);
    return f;
  }

  /** Changes the code of a failure already added (kept or not). */
  reclassify(f: PendingFailure, code: LedgerFailureCode, message: string): void {
    this.byCode[f.code] = (this.byCode[f.code] ?? 1) - 1;
    if (this.byCode[f.code] === 0) delete this.byCode[f.code];
    this.byCode[code] = (this.byCode[code] ?? 0) + 1;
    f.code = code;
    f.message = message;
  }

  get count(): number {
    return this.total;
  }

  counts(): Partial<Record<LedgerFailureCode, number>> {
    return { ...this.byCode };
  }

  /** Kept failures ordered by position (file-level ones first), stable otherwise. */
  sorted(): LedgerFailure[] {
    return this.kept
      .map((f, i) => ({ f, i }))
      .sort((a, b) => (a.f.position ?? -1) - (b.f.position ?? -1) || a.i - b.i)
      .map(({ f }) => ({ ...f }));
  }

  get truncated(): boolean {
    return this.total > this.kept.length;
  }
}
