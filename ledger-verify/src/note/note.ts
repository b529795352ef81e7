// C2SP signed notes (https://c2sp.org/signed-note), Ed25519 keys only, byte-compatible with Go's
// golang.org/x/mod/sumdb/note: key id = SHA-256(name || 0x0A || 0x01 || public key)[0..4),
// signature line "— <name> <base64(key id || signature)>", verifier key
// "<name>+<key id as 8 hex>+<base64(0x01 || public key)>".

import { ed25519, type Ed25519 } from '../crypto/ed25519.js';
import { sha256 } from '../crypto/sha.js';
import { base64ToBytes, bytesToBase64, concatBytes, equalBytes, utf8 } from '../encoding.js';
import { FormatError } from '../errors.js';

/** Algorithm byte of Ed25519 note keys. */
export const NOTE_ALG_ED25519 = 0x01;
/** Upper bound on a note we parse (a checkpoint note is a few hundred bytes). */
export const MAX_NOTE_BYTES = 1 << 16;
const MAX_SIGNATURES = 100;
const SIG_PREFIX = '\u2014 ';

export interface NoteSignature {
  readonly name: string;
  /** Key id as an unsigned 32-bit integer (big-endian of the 4 bytes). */
  readonly keyId: number;
  readonly signature: Uint8Array;
}

export interface OpenedNote {
  /** The signed text, ending with a line feed. */
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

export interface NoteVerifierKey {
  readonly name: string;
  readonly keyId: number;
  /** Raw 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
}

/** A local note signer: the key name and the 32-byte Ed25519 seed. */
export interface NoteSigner {
  readonly name: string;
  readonly secretKey: Uint8Array;
  readonly publicKey?: Uint8Array;
}

/** Key names: non-empty, no whitespace, no '+' (Go's isValidName). */
export function isValidKeyName(name: unknown): name is string {
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    !/[\s+\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u.test(name) &&
    name.isWellFormed()
  );
}

function checkName(name: string): void {
  if (!isValidKeyName(name)) throw new FormatError('MALFORMED_NOTE', 'a note key name is non-empty, without spaces or "+"');
}

function checkPublicKey(publicKey: Uint8Array): void {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32)
    throw new FormatError('BAD_KEY', 'an Ed25519 public key is 32 raw bytes');
}

/** Key id of an Ed25519 note key: the first 4 bytes of SHA-256(name || "\n" || 0x01 || key), big-endian. */
export function noteKeyId(name: string, publicKey: Uint8Array): number {
  checkName(name);
  checkPublicKey(publicKey);
  const h = sha256(concatBytes(utf8(name), Uint8Array.of(0x0a, NOTE_ALG_ED25519), publicKey));
  return (((h[0] as number) << 24) | ((h[1] as number) << 16) | ((h[2] as number) << 8) | (h[3] as number)) >>> 0;
}

function keyIdHex(id: number): string {
  return id.toString(16).padStart(8, '0');
}

/** The verifier key string that Go's note.NewVerifier accepts. */
export function noteVerifierKey(name: string, publicKey: Uint8Array): string {
  return `${name}+${keyIdHex(noteKeyId(name, publicKey))}+${bytesToBase64(concatBytes(Uint8Array.of(NOTE_ALG_ED25519), publicKey))}`;
}

/** Parses a verifier key string; checks that its key id matches its name and key. */
export function parseNoteVerifierKey(vkey: string): NoteVerifierKey {
  if (typeof vkey !== 'string') throw new FormatError('MALFORMED_NOTE', 'a verifier key is a string');
  // The base64 key itself may contain '+': split at the first two only (as Go does).
  const a = vkey.indexOf('+');
  const b = a < 0 ? -1 : vkey.indexOf('+', a + 1);
  if (b < 0) throw new FormatError('MALFORMED_NOTE', 'a verifier key is "<name>+<8 hex>+<base64 key>"');
  const [name, hash, key] = [vkey.slice(0, a), vkey.slice(a + 1, b), vkey.slice(b + 1)];
  if (!isValidKeyName(name) || !/^[0-9a-f]{8}$/.test(hash))
    throw new FormatError('MALFORMED_NOTE', 'a verifier key is "<name>+<8 hex>+<base64 key>"');
  const raw = base64ToBytes(key);
  if (!raw || raw.length !== 33 || raw[0] !== NOTE_ALG_ED25519)
    throw new FormatError('BAD_KEY', 'the verifier key is not an Ed25519 note key (0x01 || 32 bytes)');
  const publicKey = raw.subarray(1);
  const keyId = noteKeyId(name, publicKey);
  if (keyIdHex(keyId) !== hash) throw new FormatError('BAD_KEY', 'the verifier key hash does not match its name and key');
  return { name, keyId, publicKey };
}

/** Note texts: well-formed UTF-8 text ending in "\n", without control characters other than "\n". */
function checkText(text: string): void {
  // eslint-disable-next-line no-control-regex
  if (typeof text !== 'string' || !text.endsWith('\n') || /[\u0000-\u0009\u000b-\u001f]/.test(text) || !text.isWellFormed()) {
    throw new FormatError('MALFORMED_NOTE', 'a note text is UTF-8 ending in a line feed, without other control characters');
  }
}

/** The signature line for one signature (C2SP signed-note). */
export function noteSignatureLine(name: string, keyId: number, signature: Uint8Array): string {
  checkName(name);
  const id = Uint8Array.of(keyId >>> 24, (keyId >>> 16) & 255, (keyId >>> 8) & 255, keyId & 255);
  return `${SIG_PREFIX}${name} ${bytesToBase64(concatBytes(id, signature))}\n`;
}

/** A signed note from its text and signatures made elsewhere (a KMS, an async Signer port). */
export function formatSignedNote(text: string, signatures: readonly NoteSignature[]): string {
  checkText(text);
  if (signatures.length === 0) throw new FormatError('MALFORMED_NOTE', 'a signed note has at least one signature');
  return `${text}\n${signatures.map((s) => noteSignatureLine(s.name, s.keyId, s.signature)).join('')}`;
}

/** The bytes an Ed25519 note signature covers: the text itself. */
export function noteSigningMessage(text: string): Uint8Array {
  checkText(text);
  return utf8(text);
}

/** Signs a note text with one or more local Ed25519 keys. */
export function signNote(text: string, signers: NoteSigner | readonly NoteSigner[], impl: Ed25519 = ed25519): string {
  const list = Array.isArray(signers) ? (signers as readonly NoteSigner[]) : [signers as NoteSigner];
  const msg = noteSigningMessage(text);
  const sigs = list.map((s) => {
    const publicKey = s.publicKey ?? impl.getPublicKey(s.secretKey);
    return { name: s.name, keyId: noteKeyId(s.name, publicKey), signature: impl.sign(s.secretKey, msg) };
  });
  return formatSignedNote(text, sigs);
}

/** Splits a signed note into text and signature lines (does not verify). Throws FormatError MALFORMED_NOTE. */
export function openNote(note: string): OpenedNote {
  const bad = (why: string): FormatError => new FormatError('MALFORMED_NOTE', `malformed signed note: ${why}`);
  if (typeof note !== 'string') throw bad('not a string');
  if (note.length > MAX_NOTE_BYTES) throw bad(`longer than ${MAX_NOTE_BYTES} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0009\u000b-\u001f]/.test(note) || !note.isWellFormed()) throw bad('control characters or invalid Unicode');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw bad('no blank line before the signatures');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block.length === 0 || !block.endsWith('\n')) throw bad('the signature block does not end with a line feed');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw bad('too many signatures');
  const signatures: NoteSignature[] = [];
  for (const line of lines) {
    if (!line.startsWith(SIG_PREFIX)) throw bad('a signature line does not start with "\u2014 "');
    const rest = line.slice(SIG_PREFIX.length);
    const space = rest.indexOf(' ');
    const name = rest.slice(0, space);
    const b64 = rest.slice(space + 1);
    if (space <= 0 || !isValidKeyName(name)) throw bad('bad key name in a signature line');
    const raw = base64ToBytes(b64);
    if (!raw || raw.length < 5) throw bad('bad base64 in a signature line');
    const keyId = (((raw[0] as number) << 24) | ((raw[1] as number) << 16) | ((raw[2] as number) << 8) | (raw[3] as number)) >>> 0;
    signatures.push({ name, keyId, signature: raw.slice(4) });
  }
  return { text, signatures };
}

export type NoteVerifyFailure = 'MALFORMED_NOTE' | 'NOTE_NOT_SIGNED_BY_KEY' | 'BAD_NOTE_SIGNATURE';

export type NoteVerifyResult =
  { readonly ok: true; readonly text: string } | { readonly ok: false; readonly code: NoteVerifyFailure; readonly message: string };

/** Accepts a verifier key string or a name and raw public key. */
export function toNoteVerifierKey(key: string | { readonly name: string; readonly publicKey: Uint8Array }): NoteVerifierKey {
  if (typeof key === 'string') return parseNoteVerifierKey(key);
  return { name: key.name, keyId: noteKeyId(key.name, key.publicKey), publicKey: key.publicKey };
}

/**
 * Verifies that `note` carries a valid signature by `key` (as Go's note.Open with one known
 * verifier: signatures by other keys are ignored, a signature with this key's name and id
 * that does not verify is a failure). Never throws for a malformed note.
 */
export function verifyNote(note: string, key: NoteVerifierKey, impl: Ed25519 = ed25519): NoteVerifyResult {
  let opened: OpenedNote;
  try {
    opened = openNote(note);
  } catch (e) {
    if (e instanceof FormatError) return { ok: false, code: 'MALFORMED_NOTE', message: e.message };
    throw e;
  }
  const mine = opened.signatures.filter((s) => s.name === key.name && s.keyId === key.keyId);
  if (mine.length === 0) {
    return { ok: false, code: 'NOTE_NOT_SIGNED_BY_KEY', message: `the note has no signature by ${key.name}+${keyIdHex(key.keyId)}` };
  }
  const msg = utf8(opened.text);
  for (const s of mine) {
    if (!impl.verify(s.signature, msg, key.publicKey)) {
      return { ok: false, code: 'BAD_NOTE_SIGNATURE', message: `the note signature by ${key.name}+${keyIdHex(key.keyId)} does not verify` };
    }
  }
  return { ok: true, text: opened.text };
}

/** True if two verifier keys name the same key. */
export function sameNoteKey(a: NoteVerifierKey, b: NoteVerifierKey): boolean {
  return a.name === b.name && a.keyId === b.keyId && equalBytes(a.publicKey, b.publicKey);
}
