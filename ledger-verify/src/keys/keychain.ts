import { ed25519, type Ed25519 } from '../crypto/ed25519.js';
import { isKid, isOrigin } from '../envelope/fields.js';
import { hashEvent } from '../envelope/hash.js';
import { parseEnvelope } from '../envelope/parse.js';
import { verifyEventSignature } from '../envelope/sign.js';
import type { EventEnvelope } from '../envelope/types.js';
import { FormatError } from '../errors.js';
import { KEY_EVENT_TYPES, KEY_STREAM, parseGenesisData, parseRevokedData, parseRotatedData, popStatement } from './data.js';

export type KeyChainErrorCode =
  | 'MALFORMED_KEY_EVENT'
  | 'NOT_A_KEY_EVENT'
  | 'UNKNOWN_KEY_EVENT_TYPE'
  | 'ORIGIN_MISMATCH'
  | 'POSITION_NOT_INCREASING'
  | 'HASH_MISMATCH'
  | 'MISSING_GENESIS'
  | 'DUPLICATE_GENESIS'
  | 'GENESIS_NOT_TRUST_ROOT'
  | 'GENESIS_BAD_SELF_SIGNATURE'
  | 'ROTATION_PREVIOUS_NOT_ACTIVE'
  | 'ROTATION_NOT_SIGNED_BY_PREVIOUS'
  | 'ROTATION_BAD_PROOF_OF_POSSESSION'
  | 'DUPLICATE_KID'
  | 'REVOCATION_BAD_SIGNER'
  | 'REVOCATION_OF_ACTIVE_KEY'
  | 'ALREADY_REVOKED'
  | 'UNKNOWN_KID';

/** A ledger-keys event that cannot be applied. The chain is left unchanged. */
export class KeyChainError extends Error {
  override readonly name = 'KeyChainError';

  constructor(
    readonly code: KeyChainErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface KeyRevocation {
  readonly position: number;
  readonly eventId: string;
  readonly reason: string;
  readonly compromisedSince: string | null;
}

/** One key of the chain, with the global positions that bound its validity. */
export interface KeyInfo {
  readonly kid: string;
  readonly publicKey: Uint8Array;
  /** Position of the genesis or of the rotation that introduced the key. */
  readonly activatedAt: number;
  readonly activatedBy: 'genesis' | 'rotation';
  /** Position of the rotation that retired the key (that rotation is the last event it signs), or null. */
  readonly retiredAt: number | null;
  readonly revocation: KeyRevocation | null;
}

export type SignerFailure = 'UNKNOWN_KID' | 'KEY_NOT_YET_ACTIVE' | 'KEY_RETIRED' | 'KEY_REVOKED';

export type SignerCheck =
  { readonly ok: true; readonly publicKey: Uint8Array } | { readonly ok: false; readonly code: SignerFailure; readonly message: string };

export interface KeyChainOptions {
  /** Expected origin; when omitted, the genesis event's origin is adopted. */
  readonly origin?: string;
  /** The kid of the genesis key, handed to auditors out of band. */
  readonly trustRoot: string;
  readonly ed25519?: Ed25519;
}

interface MutableKey {
  kid: string;
  publicKey: Uint8Array;
  activatedAt: number;
  activatedBy: 'genesis' | 'rotation';
  retiredAt: number | null;
  revocation: KeyRevocation | null;
}

function snapshot(k: MutableKey): KeyInfo {
  return { ...k, publicKey: Uint8Array.from(k.publicKey), revocation: k.revocation ? { ...k.revocation } : null };
}

/**
 * The ledger's signing keys, built from the `ledger-keys` events in global order, and the
 * validity rule (no grace window): exactly one key is active at any position. Key K may
 * sign the event at global position p iff
 *   - K's genesis is at a position <= p, or the rotation introducing K is at a position < p;
 *   - p <= the position of the rotation retiring K (K signs that rotation itself);
 *   - K's revocation, if any, is at a position >= p;
 *   - if K was revoked with compromisedSince, the event's occurredAt < compromisedSince.
 * Revocations act retroactively through compromisedSince, so a verifier applies the whole
 * chain before checking signers (see checkSigner).
 */
export class KeyChain {
  private readonly trustRoot: string;
  private originValue: string | undefined;
  private readonly impl: Ed25519;
  private readonly byKid = new Map<string, MutableKey>();
  private active: MutableKey | undefined;
  private lastPosition = -1;

  constructor(options: KeyChainOptions) {
    if (!isKid(options.trustRoot)) throw new FormatError('BAD_KID', 'the trust root is a kid: 32 lowercase hex characters');
    if (options.origin !== undefined && !isOrigin(options.origin)) throw new FormatError('BAD_ORIGIN', 'invalid origin');
    this.trustRoot = options.trustRoot;
    this.originValue = options.origin;
    this.impl = options.ed25519 ?? ed25519;
  }

  /** The origin given or adopted from the genesis; undefined before the genesis when none was given. */
  get origin(): string | undefined {
    return this.originValue;
  }

  get activeKid(): string | undefined {
    return this.active?.kid;
  }

  get hasGenesis(): boolean {
    return this.active !== undefined;
  }

  publicKeyOf(kid: string): Uint8Array | undefined {
    const k = this.byKid.get(kid);
    return k ? Uint8Array.from(k.publicKey) : undefined;
  }

  keys(): KeyInfo[] {
    return [...this.byKid.values()].map(snapshot);
  }

  /** Validates a ledger-keys event found at global position `position` and applies it; throws KeyChainError. */
  apply(envelope: unknown, position: number): void {
    const e = this.parse(envelope);
    if (!Number.isSafeInteger(position) || position <= this.lastPosition) {
      throw new KeyChainError('POSITION_NOT_INCREASING', `position ${position} does not follow ${this.lastPosition}`);
    }
    if (e.stream !== KEY_STREAM)
      throw new KeyChainError('NOT_A_KEY_EVENT', `event ${e.id} is in stream "${e.stream}", not "${KEY_STREAM}"`);
    const origin = this.originValue;
    if (origin !== undefined && e.origin !== origin) {
      throw new KeyChainError('ORIGIN_MISMATCH', `event ${e.id} has origin "${e.origin}", the ledger's is "${origin}"`);
    }
    if (hashEvent(e) !== e.hash) throw new KeyChainError('HASH_MISMATCH', `key event ${e.id} does not hash to its stated hash`);
    switch (e.type) {
      case KEY_EVENT_TYPES.genesis:
        this.applyGenesis(e, position);
        break;
      case KEY_EVENT_TYPES.rotated:
        this.applyRotation(e, position);
        break;
      case KEY_EVENT_TYPES.revoked:
        this.applyRevocation(e, position);
        break;
      default:
        throw new KeyChainError('UNKNOWN_KEY_EVENT_TYPE', `unknown ${KEY_STREAM} event type "${e.type}"`);
    }
    this.lastPosition = position;
  }

  /** Whether the key named by envelope.sig.kid may sign an event at `position` (see the class comment). */
  checkSigner(envelope: Pick<EventEnvelope, 'sig' | 'occurredAt'>, position: number): SignerCheck {
    return signerCheck(this.byKid.get(envelope.sig.kid), envelope.sig.kid, envelope.occurredAt, position);
  }

  private parse(envelope: unknown): EventEnvelope {
    try {
      return parseEnvelope(envelope);
    } catch (err) {
      if (err instanceof FormatError)
        throw new KeyChainError('MALFORMED_KEY_EVENT', `${err.message}${err.path ? ` (at ${err.path})` : ''}`);
      throw err;
    }
  }

  private data<T>(e: EventEnvelope, parse: (d: unknown) => T): T {
    try {
      return parse(e.data);
    } catch (err) {
      if (err instanceof FormatError) throw new KeyChainError('MALFORMED_KEY_EVENT', `${e.type} ${e.id}: ${err.message} (at ${err.path})`);
      throw err;
    }
  }

  private applyGenesis(e: EventEnvelope, position: number): void {
    if (this.active) throw new KeyChainError('DUPLICATE_GENESIS', `the key chain already has its genesis (key ${this.trustRoot})`);
    const d = this.data(e, parseGenesisData);
    if (d.kid !== this.trustRoot) {
      throw new KeyChainError('GENESIS_NOT_TRUST_ROOT', `genesis key ${d.kid} is not the trust root ${this.trustRoot}`);
    }
    if (e.sig.kid !== d.kid || !verifyEventSignature(e, d.publicKey, this.impl)) {
      throw new KeyChainError('GENESIS_BAD_SELF_SIGNATURE', `genesis ${e.id} is not signed by its own key ${d.kid}`);
    }
    this.activate(d.kid, d.publicKey, position, 'genesis');
    this.originValue ??= e.origin;
  }

  private requireGenesis(e: EventEnvelope): MutableKey {
    if (!this.active) throw new KeyChainError('MISSING_GENESIS', `${e.type} ${e.id} comes before any valid genesis`);
    return this.active;
  }

  private applyRotation(e: EventEnvelope, position: number): void {
    const active = this.requireGenesis(e);
    const d = this.data(e, parseRotatedData);
    if (d.previousKid !== active.kid) {
      throw new KeyChainError('ROTATION_PREVIOUS_NOT_ACTIVE', `rotation from ${d.previousKid}, but the active key is ${active.kid}`);
    }
    if (e.sig.kid !== d.previousKid || !verifyEventSignature(e, active.publicKey, this.impl)) {
      throw new KeyChainError('ROTATION_NOT_SIGNED_BY_PREVIOUS', `rotation ${e.id} is not signed by the previous key ${d.previousKid}`);
    }
    if (this.byKid.has(d.kid)) throw new KeyChainError('DUPLICATE_KID', `key ${d.kid} is already in the key chain`);
    if (!this.impl.verify(d.proofOfPossession, popStatement(e.origin, d.previousKid, d.kid), d.publicKey)) {
      throw new KeyChainError('ROTATION_BAD_PROOF_OF_POSSESSION', `the proof of possession of key ${d.kid} does not verify`);
    }
    active.retiredAt = position;
    this.activate(d.kid, d.publicKey, position, 'rotation');
  }

  private activate(kid: string, publicKey: Uint8Array, position: number, by: MutableKey['activatedBy']): void {
    const key: MutableKey = { kid, publicKey, activatedAt: position, activatedBy: by, retiredAt: null, revocation: null };
    this.byKid.set(kid, key);
    this.active = key;
  }

  private applyRevocation(e: EventEnvelope, position: number): void {
    const active = this.requireGenesis(e);
    const d = this.data(e, parseRevokedData);
    // Under the one-active-key rule the only key valid at this position is the active one.
    if (e.sig.kid !== active.kid || !verifyEventSignature(e, active.publicKey, this.impl)) {
      throw new KeyChainError('REVOCATION_BAD_SIGNER', `revocation ${e.id} is not signed by the active key ${active.kid}`);
    }
    const target = this.byKid.get(d.kid);
    if (!target) throw new KeyChainError('UNKNOWN_KID', `revocation of key ${d.kid}, which is not in the key chain`);
    if (target === active) {
      throw new KeyChainError('REVOCATION_OF_ACTIVE_KEY', `key ${d.kid} is the active key: rotate to a new key first, then revoke it`);
    }
    if (target.revocation)
      throw new KeyChainError('ALREADY_REVOKED', `key ${d.kid} was already revoked at position ${target.revocation.position}`);
    if (d.compromisedSince !== null && d.compromisedSince > e.occurredAt) {
      throw new KeyChainError(
        'MALFORMED_KEY_EVENT',
        `compromisedSince ${d.compromisedSince} is after the revocation itself (${e.occurredAt})`,
      );
    }
    target.revocation = { position, eventId: e.id, reason: d.reason, compromisedSince: d.compromisedSince };
  }
}

/** What the validity rule needs of a key (KeyInfo has it; a copy can be sent to a worker thread). */
export type SignerWindow = Pick<KeyInfo, 'publicKey' | 'activatedAt' | 'activatedBy' | 'retiredAt' | 'revocation'>;

/**
 * The validity rule of {@link KeyChain} (see its comment) for key `kid`, known as `k` (undefined:
 * not in the chain), signing an event that occurred at `occurredAt` at global position
 * `position`. Pure: the chain and the export verifier's worker threads decide with this one
 * function, over the chain's final state.
 */
export function signerCheck(k: SignerWindow | undefined, kid: string, occurredAt: string, position: number): SignerCheck {
  if (!k) return { ok: false, code: 'UNKNOWN_KID', message: `key ${kid} is not in the key chain` };
  const active = k.activatedBy === 'genesis' ? position >= k.activatedAt : position > k.activatedAt;
  if (!active) {
    return { ok: false, code: 'KEY_NOT_YET_ACTIVE', message: `key ${kid} is activated at position ${k.activatedAt}, after this event` };
  }
  const r = k.revocation;
  if (r && position > r.position) {
    return { ok: false, code: 'KEY_REVOKED', message: `key ${kid} was revoked at position ${r.position} (${r.reason})` };
  }
  if (r?.compromisedSince != null && occurredAt >= r.compromisedSince) {
    return {
      ok: false,
      code: 'KEY_REVOKED',
      message: `key ${kid} is compromised since ${r.compromisedSince}; this event occurred at ${occurredAt}`,
    };
  }
  if (k.retiredAt !== null && position > k.retiredAt) {
    return { ok: false, code: 'KEY_RETIRED', message: `key ${kid} was retired by the rotation at position ${k.retiredAt}` };
  }
  return { ok: true, publicKey: k.publicKey };
}
