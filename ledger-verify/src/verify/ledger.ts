import { ed25519 as defaultEd25519, type Ed25519 } from '../crypto/ed25519.js';
import { isKid, isOrigin, isPlainObject } from '../envelope/fields.js';
import { parseEnvelope } from '../envelope/parse.js';
import { FormatError } from '../errors.js';
import { parseJsonStrict } from '../json-strict.js';
import { KEY_STREAM } from '../keys/data.js';
import { KeyChain, KeyChainError, type KeyChainErrorCode } from '../keys/keychain.js';
import { checkEvent, whereOf } from './events.js';
import { FailureLog, NOWHERE, type LedgerReport, type Where } from './report.js';
import { StreamChains } from './streams.js';

export type InputErrorCode =
  | 'INPUT_UNREADABLE'
  | 'INPUT_TRUNCATED'
  | 'INPUT_CHANGED'
  | 'INVALID_UTF8'
  | 'LINE_TOO_LONG'
  | 'MALFORMED_JSON'
  | 'BAD_OPTIONS'
  | 'UNSUPPORTED_FORMAT';

/** The input cannot be read as the format at all (exit status 2), as opposed to a verification failure. */
export class InputError extends Error {
  override readonly name = 'InputError';

  constructor(
    readonly code: InputErrorCode,
    message: string,
    /** 1-based line, when the problem is on one. */
    readonly line: number | null = null,
  ) {
    super(message);
  }
}

/**
 * The events in global order, one envelope per item. Called once per pass (the verifier reads
 * the input twice), so it must return a fresh iterable over the same data each time.
 */
export type LineSource = () => AsyncIterable<string>;

export interface VerifyLedgerOptions {
  /** kid of the genesis key (out-of-band trust root). */
  readonly trustRoot: string;
  /** Expected origin; by default the genesis event's. */
  readonly origin?: string;
  /** Failures kept in the report (all are counted). Default 1000. */
  readonly maxFailures?: number;
  readonly ed25519?: Ed25519;
}

function parseLine(text: string, line: number): unknown {
  try {
    return parseJsonStrict(text);
  } catch (e) {
    if (e instanceof FormatError)
      throw new InputError('MALFORMED_JSON', `line ${line}: ${e.message}${e.path ? ` (at ${e.path})` : ''}`, line);
    throw e;
  }
}

// Key chain failures that the per-event pass reports under its own code anyway.
const REPORTED_PER_EVENT: ReadonlySet<KeyChainErrorCode> = new Set(['HASH_MISMATCH', 'ORIGIN_MISMATCH']);

interface KeyPass {
  readonly chain: KeyChain;
  /** Key chain failures that duplicate a per-event check: reported only if the events are never checked. */
  readonly deferred: { readonly code: KeyChainErrorCode; readonly where: Where; readonly message: string }[];
  readonly lines: number;
}

/** Pass 1: build the key chain from the ledger-keys events, in order. */
async function keyPass(source: LineSource, options: VerifyLedgerOptions, impl: Ed25519, log: FailureLog): Promise<KeyPass> {
  const chain = new KeyChain({
    trustRoot: options.trustRoot,
    ...(options.origin !== undefined ? { origin: options.origin } : {}),
    ed25519: impl,
  });
  const deferred: KeyPass['deferred'] = [];
  let position = 0;
  for await (const text of source()) {
    const raw = parseLine(text, position + 1);
    if (isPlainObject(raw) && raw['stream'] === KEY_STREAM) {
      let envelope: ReturnType<typeof parseEnvelope> | undefined;
      try {
        envelope = parseEnvelope(raw);
      } catch {
        envelope = undefined; // reported as MALFORMED_ENVELOPE by the event pass
      }
      if (envelope) {
        try {
          chain.apply(envelope, position);
        } catch (e) {
          if (!(e instanceof KeyChainError)) throw e;
          const where = whereOf(raw, position + 1, position);
          if (REPORTED_PER_EVENT.has(e.code)) deferred.push({ code: e.code, where, message: e.message });
          else log.add(e.code, 'key-chain', where, e.message);
        }
      }
    }
    position++;
  }
  return { chain, deferred, lines: position };
}

/**
 * Verifies a ledger given as envelopes in global order (position = 0-based index): strict
 * JSON, envelope shape, origin, hash, signer validity under the key chain rooted at the
 * trust root, signature, and each stream's hash chain. Resolves to a report (ok or the
 * failures, each with its code and event); rejects with InputError when the input cannot
 * be read as the format (bad JSON, truncated, ...).
 */
export async function verifyLedger(source: LineSource, options: VerifyLedgerOptions): Promise<LedgerReport> {
  if (!isKid(options.trustRoot)) throw new InputError('BAD_OPTIONS', 'the trust root is a kid: 32 lowercase hex characters');
  if (options.origin !== undefined && !isOrigin(options.origin))
    throw new InputError('BAD_OPTIONS', 'the origin must be 1-255 printable ASCII characters without spaces');
  const impl = options.ed25519 ?? defaultEd25519;
  const log = new FailureLog(options.maxFailures ?? 1000);
  const { chain, deferred, lines } = await keyPass(source, options, impl, log);

  const origin = options.origin ?? chain.origin;
  let streams = 0;
  if (!chain.hasGenesis || origin === undefined) {
    for (const d of deferred) log.add(d.code, 'key-chain', d.where, d.message);
    log.add(
      'MISSING_GENESIS',
      'key-chain',
      NOWHERE,
      `no valid ${KEY_STREAM} genesis for trust root ${options.trustRoot}: no event can be verified`,
    );
  } else {
    const chains = new StreamChains(log);
    const ctx = { origin, keys: chain, ed25519: impl, log };
    let position = 0;
    for await (const text of source()) {
      const raw = parseLine(text, position + 1);
      const where = whereOf(raw, position + 1, position);
      const e = checkEvent(raw, where, position, ctx);
      if (e) chains.check(e, where);
      position++;
    }
    if (position !== lines)
      throw new InputError('INPUT_CHANGED', `the input changed while it was being verified (${lines} then ${position} lines)`);
    streams = chains.count;
  }

  const keys = chain.keys().map((k) => ({
    kid: k.kid,
    activatedAt: k.activatedAt,
    activatedBy: k.activatedBy,
    retiredAt: k.retiredAt,
    revokedAt: k.revocation?.position ?? null,
    compromisedSince: k.revocation?.compromisedSince ?? null,
  }));
  return {
    ok: log.count === 0,
    format: 'qledger/event/v1',
    origin: origin ?? null,
    trustRoot: options.trustRoot,
    activeKid: chain.activeKid ?? null,
    events: lines,
    streams,
    keys,
    failureCount: log.count,
    failureCounts: log.counts(),
    failures: log.sorted(),
    failuresTruncated: log.truncated,
  };
}
