import { checkPublicKey, ed25519, type Ed25519 } from '../crypto/ed25519.js';
import { base64urlToBytes, bytesToBase64url, equalBytes, utf8 } from '../encoding.js';
import { isKid, isOrigin, isPlainObject, isTimestamp } from '../envelope/fields.js';
import { kidOf } from '../envelope/sign.js';
import { FormatError } from '../errors.js';

/** The stream of the ledger's own signing keys. */
export const KEY_STREAM = 'ledger-keys';

export const KEY_EVENT_TYPES = {
  genesis: 'SigningKeyGenesis',
  rotated: 'SigningKeyRotated',
  revoked: 'SigningKeyRevoked',
} as const;

export interface SigningKeyGenesisData {
  readonly kid: string;
  /** base64url (no padding) of the raw 32-byte public key. */
  readonly publicKey: string;
}

export interface SigningKeyRotatedData {
  readonly previousKid: string;
  readonly kid: string;
  readonly publicKey: string;
  /** base64url of the new key's signature over popStatement(origin, previousKid, kid). */
  readonly proofOfPossession: string;
}

export interface SigningKeyRevokedData {
  readonly kid: string;
  readonly reason: string;
  /** Events of this key with occurredAt >= compromisedSince are invalid; null if unknown or not compromised. */
  readonly compromisedSince: string | null;
}

/** Domain separation prefix of the proof of possession. */
export const POP_PREFIX = 'qledger/key-rotation-pop/v1\n';

/** What the new key signs in a rotation: UTF-8 of the prefix, then origin, previousKid and kid, each ending in "\n". */
export function popStatement(origin: string, previousKid: string, kid: string): Uint8Array {
  if (!isOrigin(origin)) throw new FormatError('BAD_ORIGIN', 'an origin is 1-255 printable ASCII characters without spaces');
  if (!isKid(previousKid) || !isKid(kid)) throw new FormatError('BAD_KID', 'a kid is 32 lowercase hex characters');
  return utf8(`${POP_PREFIX}${origin}\n${previousKid}\n${kid}\n`);
}

function assertUsableKey(publicKey: Uint8Array): void {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32)
    throw new FormatError('BAD_KEY', 'an Ed25519 public key is 32 raw bytes');
  const check = checkPublicKey(publicKey);
  if (check !== 'OK') throw new FormatError('BAD_KEY', `unusable Ed25519 public key (${check})`);
}

/** Data of the SigningKeyGenesis event for a public key. */
export function genesisData(publicKey: Uint8Array): SigningKeyGenesisData {
  assertUsableKey(publicKey);
  return { kid: kidOf(publicKey), publicKey: bytesToBase64url(publicKey) };
}

export interface RotationInput {
  readonly origin: string;
  readonly previousKid: string;
  readonly newKey: { readonly secretKey: Uint8Array; readonly publicKey?: Uint8Array };
}

/** Data of the SigningKeyRotated event, with the new key's proof of possession. */
export function rotationData(input: RotationInput, impl: Ed25519 = ed25519): SigningKeyRotatedData {
  const derived = impl.getPublicKey(input.newKey.secretKey);
  if (input.newKey.publicKey !== undefined && !equalBytes(derived, input.newKey.publicKey)) {
    throw new FormatError('BAD_KEY', 'newKey.publicKey does not belong to newKey.secretKey');
  }
  assertUsableKey(derived);
  const kid = kidOf(derived);
  const proof = impl.sign(input.newKey.secretKey, popStatement(input.origin, input.previousKid, kid));
  return { previousKid: input.previousKid, kid, publicKey: bytesToBase64url(derived), proofOfPossession: bytesToBase64url(proof) };
}

export interface RevocationInput {
  readonly kid: string;
  readonly reason: string;
  readonly compromisedSince?: string | null;
}

/** Data of the SigningKeyRevoked event (validated). */
export function revocationData(input: RevocationInput): SigningKeyRevokedData {
  const data = { kid: input.kid, reason: input.reason, compromisedSince: input.compromisedSince ?? null };
  parseRevokedData(data);
  return data;
}

// Parsers of untrusted key event data: FormatError BAD_KEY_EVENT_DATA with a pointer into the envelope.

function badData(field: string, message: string): never {
  throw new FormatError('BAD_KEY_EVENT_DATA', message, `/data/${field}`);
}

function exact(data: unknown, fields: readonly string[], type: string): Record<string, unknown> {
  if (!isPlainObject(data)) throw new FormatError('BAD_KEY_EVENT_DATA', `${type} data must be an object`, '/data');
  for (const key of Object.keys(data)) if (!fields.includes(key)) badData(key, `${type} data has an unknown field "${key.slice(0, 40)}"`);
  for (const key of fields) if (!Object.hasOwn(data, key)) badData(key, `${type} data has no field "${key}"`);
  return data;
}

function kidField(d: Record<string, unknown>, field: string): string {
  const v = d[field];
  if (!isKid(v)) badData(field, `${field} must be 32 lowercase hex characters`);
  return v;
}

function publicKeyField(d: Record<string, unknown>, field: string): Uint8Array {
  const v = d[field];
  const bytes = typeof v === 'string' ? base64urlToBytes(v) : undefined;
  if (bytes?.length !== 32) badData(field, `${field} must be a 32-byte key in base64url without padding`);
  const check = checkPublicKey(bytes);
  if (check !== 'OK') badData(field, `${field} is not a usable Ed25519 public key (${check})`);
  return bytes;
}

export interface ParsedGenesis {
  readonly kid: string;
  readonly publicKey: Uint8Array;
}

export function parseGenesisData(data: unknown): ParsedGenesis {
  const d = exact(data, ['kid', 'publicKey'], KEY_EVENT_TYPES.genesis);
  const kid = kidField(d, 'kid');
  const publicKey = publicKeyField(d, 'publicKey');
  if (kidOf(publicKey) !== kid) badData('kid', 'kid is not the kid of publicKey');
  return { kid, publicKey };
}

export interface ParsedRotation extends ParsedGenesis {
  readonly previousKid: string;
  readonly proofOfPossession: Uint8Array;
}

export function parseRotatedData(data: unknown): ParsedRotation {
  const d = exact(data, ['previousKid', 'kid', 'publicKey', 'proofOfPossession'], KEY_EVENT_TYPES.rotated);
  const previousKid = kidField(d, 'previousKid');
  const kid = kidField(d, 'kid');
  const publicKey = publicKeyField(d, 'publicKey');
  if (kidOf(publicKey) !== kid) badData('kid', 'kid is not the kid of publicKey');
  const pop = d['proofOfPossession'];
  const proofOfPossession = typeof pop === 'string' ? base64urlToBytes(pop) : undefined;
  if (proofOfPossession?.length !== 64)
    badData('proofOfPossession', 'proofOfPossession must be a 64-byte signature in base64url without padding');
  return { previousKid, kid, publicKey, proofOfPossession };
}

export function parseRevokedData(data: unknown): SigningKeyRevokedData {
  const d = exact(data, ['kid', 'reason', 'compromisedSince'], KEY_EVENT_TYPES.revoked);
  const kid = kidField(d, 'kid');
  const reason = d['reason'];
  if (typeof reason !== 'string' || reason.trim() === '' || reason.length > 500 || !reason.isWellFormed()) {
    badData('reason', 'reason must be a non-blank string of at most 500 characters');
  }
  const since = d['compromisedSince'];
  if (since !== null && !isTimestamp(since)) badData('compromisedSince', 'compromisedSince must be null or RFC 3339 UTC with milliseconds');
  return { kid, reason, compromisedSince: since };
}
