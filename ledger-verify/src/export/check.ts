// The per-line rules of a full export that need no state: strict JSON, line shape, envelope
// shape, origin, event hash and Ed25519 signature (under the key its kid names; whether that
// key may sign at this position is decided by the caller, which holds the key chain). Runs in
// the worker threads; pure and synchronous.

import type { Ed25519 } from '../crypto/ed25519.js';
import { base64ToBytes, decodeChecked, hexToBytes } from '../encoding.js';
import { isPlainObject } from '../envelope/fields.js';
import { canonicalLine } from './canonical-scan.js';
import { EVENT_HASH_PREFIX, hashEvent, signingPayload, signingPayloadOf } from '../envelope/hash.js';
import { sha256HexOfText } from '../crypto/sha.js';
import { parseEnvelopeForHashing } from '../envelope/parse.js';
import type { EventEnvelope } from '../envelope/types.js';
import type { SignerWindow } from '../keys/keychain.js';
import { FormatError } from '../errors.js';
import { parseJsonStrict } from '../json-strict.js';
import { leafHash } from '../merkle/hash.js';
import { parseCheckpoint } from '../note/checkpoint.js';
import { toNoteVerifierKey, verifyNote } from '../note/note.js';
import type { ExportFailureCode, EnvelopeFailureCode } from '../verify/report.js';

export const CHECKPOINT_STREAM = 'ledger-checkpoints';
export const CHECKPOINT_EVENT_TYPE = 'CheckpointSealed';

export type LineCode = ExportFailureCode | EnvelopeFailureCode;

/** What the sequential rules need of an event. */
export interface EventSummary {
  readonly id: string;
  readonly stream: string;
  readonly revision: number;
  readonly prev: string | null;
  readonly hash: string;
  readonly kid: string;
  readonly occurredAt: string;
  readonly type: string;
}

export interface CheckpointData {
  readonly size: number;
  readonly root: string;
  readonly rootHash: Uint8Array;
}

export interface CheckedLine {
  /** Set when the line is not JSON at all: malformed input, not a verification failure. */
  readonly notJson?: string;
  readonly leaf: number | null;
  readonly position: number | null;
  readonly stream: string | null;
  readonly revision: number | null;
  readonly eventId: string | null;
  readonly failures: [LineCode, string][];
  /** The envelope's fields when it is well formed. */
  readonly event: EventSummary | null;
  /** The stated hash is the content's hash. */
  readonly hashOk: boolean;
  /** Signature over the stated hash, under the key named by sig.kid (null: no such key). */
  readonly sigOverStated: boolean | null;
  /** When the hash does not match: signature over the recomputed hash (null: not computed). */
  readonly sigOverRecomputed: boolean | null;
  /** Checkpoint lines: the CheckpointSealed data when well formed and its note verifies. */
  readonly checkpoint?: CheckpointData;
}

export interface CheckContext {
  readonly origin: string;
  /**
   * Every key of the chain by kid, with the positions bounding its validity: checkLine uses the
   * public keys only (validity at a position is the caller's business); checkBatch also applies
   * the validity rule (signerCheck) to tell clean lines, so the chain must be final.
   */
  readonly keys: ReadonlyMap<string, SignerWindow>;
  readonly ed25519: Ed25519;
}

const EVENT_LINE_FIELDS = ['event', 'leaf', 'position'];
const CHECKPOINT_LINE_FIELDS = ['event', 'position'];
const CHECKPOINT_DATA_FIELDS = ['note', 'root', 'size'];

function isIndex(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function sameKeys(o: Record<string, unknown>, fields: readonly string[]): boolean {
  const keys = Object.keys(o);
  return keys.length === fields.length && fields.every((f) => Object.hasOwn(o, f));
}

/**
 * Checks one line of events.ndjson (`kind` 'event') or checkpoints.ndjson ('checkpoint').
 * `leafOut`, when given, receives the leaf hash of the stated event hash (zeros if unreadable).
 */
/**
 * A signature check left for later by {@link checkLine} (see `deferred`): run it with
 * {@link runDeferred}, which fills in `result`.
 */
export interface DeferredSignature {
  readonly result: { sigOverStated: boolean | null; sigOverRecomputed: boolean | null };
  readonly sig: Uint8Array;
  readonly key: Uint8Array;
  /** The signed message for the stated hash (signingPayload of it). */
  readonly payload: Uint8Array;
  readonly recomputed: string;
  readonly hashOk: boolean;
}

/** The signature checks deferred by checkLine, in a tight loop (the verifier's tables stay in the CPU caches). */
export function runDeferred(deferred: readonly DeferredSignature[], ctx: CheckContext): void {
  for (const d of deferred) {
    const over = ctx.ed25519.verify(d.sig, d.payload, d.key);
    d.result.sigOverStated = over;
    if (!d.hashOk && !over) d.result.sigOverRecomputed = ctx.ed25519.verify(d.sig, signingPayload(d.recomputed), d.key);
  }
}

/**
 * Checks one line of events.ndjson (`kind` 'event') or checkpoints.ndjson ('checkpoint').
 * `leafOut`, when given, receives the leaf hash of the stated event hash (zeros if unreadable).
 * With `deferred` (event lines only), the signature checks are appended there instead of run:
 * the result's sigOverStated and sigOverRecomputed are final after {@link runDeferred}.
 */
export function checkLine(
  text: string,
  kind: 'event' | 'checkpoint',
  ctx: CheckContext,
  leafOut?: Uint8Array,
  deferred?: DeferredSignature[],
): CheckedLine {
  const failures: [LineCode, string][] = [];
  let raw: unknown;
  const fast = canonicalLine(text);
  try {
    raw = fast ? fast.raw : parseJsonStrict(text);
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    return {
      notJson: `${e.message}${e.path ? ` (at ${e.path})` : ''}`,
      leaf: null,
      position: null,
      stream: null,
      revision: null,
      eventId: null,
      failures,
      event: null,
      hashOk: false,
      sigOverStated: null,
      sigOverRecomputed: null,
    };
  }
  const line = isPlainObject(raw) ? raw : {};
  const fields = kind === 'event' ? EVENT_LINE_FIELDS : CHECKPOINT_LINE_FIELDS;
  if (!isPlainObject(raw) || !sameKeys(line, fields) || !isIndex(line['position']) || (kind === 'event' && !isIndex(line['leaf']))) {
    failures.push([
      'MALFORMED_EXPORT_LINE',
      `a line of ${kind === 'event' ? 'events.ndjson is {"leaf","position","event"}' : 'checkpoints.ndjson is {"position","event"}'} with non-negative integers`,
    ]);
  }
  const leaf = isIndex(line['leaf']) ? line['leaf'] : null;
  const position = isIndex(line['position']) ? line['position'] : null;
  const ev = isPlainObject(line['event']) ? line['event'] : {};
  const str = (v: unknown): string | null => (typeof v === 'string' ? v.slice(0, 256) : null);
  const rev = ev['revision'];
  // Results are built as literals with every field (no object spread: it is slow per line).
  const stream = str(ev['stream']);
  const revision = typeof rev === 'number' && Number.isSafeInteger(rev) ? rev : null;
  const eventId = str(ev['id']);
  const result = (
    event: EventSummary | null,
    hashOk: boolean,
    sigOverStated: boolean | null,
    sigOverRecomputed: boolean | null,
  ): CheckedLine => ({ leaf, position, stream, revision, eventId, failures, event, hashOk, sigOverStated, sigOverRecomputed });
  const statedHash = typeof ev['hash'] === 'string' ? ev['hash'] : '';
  // The stated hash is decoded once, for the leaf hash and the signed message: checked here
  // when the envelope is refused, as parseEnvelope checked it when it is accepted.
  const unchecked = (): Uint8Array | undefined => (statedHash.length === 64 ? hexToBytes(statedHash) : undefined);
  if (isPlainObject(line['event']) && (!Object.hasOwn(ev, 'sig') || ev['sig'] === null)) {
    setLeaf(leafOut, unchecked());
    failures.push(['MISSING_SIGNATURE', 'the event has no signature ("sig" is missing or null)']);
    return result(null, false, null, null);
  }
  let e: EventEnvelope;
  let recomputed: string;
  try {
    e = parseEnvelopeForHashing(line['event']);
    recomputed = fast ? sha256HexOfText(EVENT_HASH_PREFIX + fast.hashed) : hashEvent(e);
  } catch (err) {
    if (!(err instanceof FormatError)) throw err;
    const where = err.code === 'NOT_I_JSON' || err.code === 'NESTING_TOO_DEEP' ? `/data${err.path}` : err.path;
    setLeaf(leafOut, unchecked());
    failures.push(['MALFORMED_ENVELOPE', `${err.message}${where ? ` (at ${where})` : ''}`]);
    return result(null, false, null, null);
  }
  // parseEnvelope accepted the hash (64 lowercase hex) and sig.val (strict base64url of 64 bytes).
  const statedBytes = decodeChecked(e.hash, 'hex');
  setLeaf(leafOut, statedBytes);
  if (e.origin !== ctx.origin) failures.push(['ORIGIN_MISMATCH', `origin "${e.origin}" is not the ledger's origin "${ctx.origin}"`]);
  const hashOk = recomputed === e.hash;
  const key = ctx.keys.get(e.sig.kid)?.publicKey;
  let sigOverStated: boolean | null = null;
  let sigOverRecomputed: boolean | null = null;
  const later = key !== undefined && deferred !== undefined && kind === 'event';
  if (key && !later) {
    const sig = decodeChecked(e.sig.val, 'base64url');
    sigOverStated = ctx.ed25519.verify(sig, signingPayloadOf(statedBytes), key);
    if (!hashOk && !sigOverStated) sigOverRecomputed = ctx.ed25519.verify(sig, signingPayload(recomputed), key);
  }
  const event: EventSummary = {
    id: e.id,
    stream: e.stream,
    revision: e.revision,
    prev: e.prev,
    hash: e.hash,
    kid: e.sig.kid,
    occurredAt: e.occurredAt,
    type: e.type,
  };
  const out = result(event, hashOk, sigOverStated, sigOverRecomputed);
  if (later) {
    const sig = decodeChecked(e.sig.val, 'base64url');
    const payload = signingPayloadOf(statedBytes);
    deferred.push({ result: out as DeferredSignature['result'], sig, key, payload, recomputed, hashOk });
  }
  if (kind === 'checkpoint' && e.stream === CHECKPOINT_STREAM) {
    const cp = checkpointData(e.type, e.data, ctx, key);
    if (typeof cp === 'string') return out;
    return { ...out, checkpoint: cp };
  }
  return out;

  function checkpointData(type: string, data: unknown, c: CheckContext, publicKey: Uint8Array | undefined): CheckpointData | 'bad' {
    const d = isPlainObject(data) ? data : {};
    const rootHash = typeof d['root'] === 'string' ? base64ToBytes(d['root']) : undefined;
    if (
      type !== CHECKPOINT_EVENT_TYPE ||
      !sameKeys(d, CHECKPOINT_DATA_FIELDS) ||
      !isIndex(d['size']) ||
      typeof d['note'] !== 'string' ||
      !rootHash ||
      rootHash.length !== 32
    ) {
      failures.push([
        'MALFORMED_CHECKPOINT',
        `a ${CHECKPOINT_STREAM} event is ${CHECKPOINT_EVENT_TYPE} with data {"size": integer, "root": base64 of 32 bytes, "note": signed note}`,
      ]);
      return 'bad';
    }
    const size = d['size'];
    const root = d['root'] as string;
    const note = d['note'];
    if (publicKey) {
      let v;
      try {
        v = verifyNote(note, toNoteVerifierKey({ name: c.origin, publicKey }), c.ed25519);
      } catch (err) {
        if (!(err instanceof FormatError)) throw err;
        v = { ok: false as const, code: 'MALFORMED_NOTE' as const, message: err.message };
      }
      if (!v.ok) {
        failures.push([
          v.code === 'MALFORMED_NOTE' ? 'MALFORMED_CHECKPOINT' : 'CHECKPOINT_BAD_SIGNATURE',
          `checkpoint note: ${v.message} (key ${e.sig.kid}, name ${c.origin})`,
        ]);
        return 'bad';
      }
      let body;
      try {
        body = parseCheckpoint(v.text);
      } catch (err) {
        if (!(err instanceof FormatError)) throw err;
        failures.push(['MALFORMED_CHECKPOINT', err.message]);
        return 'bad';
      }
      if (body.origin !== c.origin || body.size !== size || base64ToBytes(root) === undefined || !sameBytes(body.rootHash, rootHash)) {
        failures.push([
          'CHECKPOINT_NOTE_MISMATCH',
          `the signed note says origin ${body.origin}, size ${body.size}; the event says origin ${c.origin}, size ${size}${sameBytes(body.rootHash, rootHash) ? '' : ', and a different root'}`,
        ]);
        return 'bad';
      }
    }
    return { size, root, rootHash };
  }
}

/** The leaf hash of a decoded event hash into `out` (zeros when the hash is unreadable). */
function setLeaf(out: Uint8Array | undefined, hash: Uint8Array | undefined): void {
  if (!out) return;
  if (hash) out.set(leafHash(hash));
  else out.fill(0);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
