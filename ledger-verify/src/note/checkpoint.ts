// C2SP tlog-checkpoint bodies (https://c2sp.org/tlog-checkpoint):
//   <origin>\n<tree size, decimal>\n<base64 root hash>\n[<extension line>\n]*
// and their verification as signed notes.

import { ed25519, type Ed25519 } from '../crypto/ed25519.js';
import { base64ToBytes, bytesToBase64 } from '../encoding.js';
import { FormatError } from '../errors.js';
import { HASH_SIZE } from '../merkle/hash.js';
import { toNoteVerifierKey, verifyNote, type NoteVerifyFailure } from './note.js';

export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  /** 32-byte SHA-256 Merkle root. */
  readonly rootHash: Uint8Array;
  /** Extension lines (without their line feed); the ledger writes none. */
  readonly extensions: readonly string[];
}

export interface CheckpointInput {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
  readonly extensions?: readonly string[];
}

function bad(why: string): FormatError {
  return new FormatError('MALFORMED_CHECKPOINT', `malformed checkpoint: ${why}`);
}

// eslint-disable-next-line no-control-regex
const LINE_OK = /^[^\u0000-\u001f\u007f]+$/u;

/** The checkpoint body text (the part a signed note signs). */
export function formatCheckpoint(cp: CheckpointInput): string {
  if (typeof cp.origin !== 'string' || !LINE_OK.test(cp.origin)) throw bad('the origin is one non-empty line');
  if (!Number.isSafeInteger(cp.size) || cp.size < 0) throw bad('the tree size is a non-negative safe integer');
  if (!(cp.rootHash instanceof Uint8Array) || cp.rootHash.length !== HASH_SIZE) throw bad('the root hash is 32 bytes');
  const ext = cp.extensions ?? [];
  for (const e of ext) if (typeof e !== 'string' || !LINE_OK.test(e)) throw bad('an extension is one non-empty line');
  return `${cp.origin}\n${cp.size}\n${bytesToBase64(cp.rootHash)}\n${ext.map((e) => `${e}\n`).join('')}`;
}

/** Parses a checkpoint body. Throws FormatError MALFORMED_CHECKPOINT. */
export function parseCheckpoint(text: string): Checkpoint {
  if (typeof text !== 'string' || !text.endsWith('\n')) throw bad('it does not end with a line feed');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw bad('fewer than three lines');
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  if (!LINE_OK.test(origin)) throw bad('empty or invalid origin line');
  if (!/^(?:0|[1-9][0-9]{0,15})$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText)))
    throw bad('the tree size is not a decimal integer');
  const rootHash = base64ToBytes(rootText);
  if (!rootHash || rootHash.length !== HASH_SIZE) throw bad('the root hash is not base64 of 32 bytes');
  for (const e of extensions) if (!LINE_OK.test(e)) throw bad('an empty or invalid extension line');
  return { origin, size: Number(sizeText), rootHash, extensions };
}

export type CheckpointVerifyFailure = NoteVerifyFailure | 'MALFORMED_CHECKPOINT' | 'CHECKPOINT_ORIGIN_MISMATCH';

export type CheckpointVerifyResult =
  | { readonly ok: true; readonly checkpoint: Checkpoint; readonly text: string }
  | { readonly ok: false; readonly code: CheckpointVerifyFailure; readonly message: string };

export interface VerifyCheckpointOptions {
  /** Expected origin (defaults to the key name: the ledger signs its checkpoints under its origin). */
  readonly origin?: string;
  readonly impl?: Ed25519;
}

/**
 * Verifies a signed checkpoint note with one key (a verifier key string such as
 * `ledger.example.org/quality+1a2b3c4d+AT...`, or `{ name, publicKey }`) and parses its body.
 * The checkpoint's origin line must be `options.origin`, by default the key name. Never throws
 * for malformed notes; throws FormatError for a malformed key.
 */
export function verifyCheckpointNote(
  note: string,
  key: string | { readonly name: string; readonly publicKey: Uint8Array },
  options: VerifyCheckpointOptions = {},
): CheckpointVerifyResult {
  const vkey = toNoteVerifierKey(key);
  const v = verifyNote(note, vkey, options.impl ?? ed25519);
  if (!v.ok) return v;
  let checkpoint: Checkpoint;
  try {
    checkpoint = parseCheckpoint(v.text);
  } catch (e) {
    if (e instanceof FormatError) return { ok: false, code: 'MALFORMED_CHECKPOINT', message: e.message };
    throw e;
  }
  const origin = options.origin ?? vkey.name;
  if (checkpoint.origin !== origin) {
    return { ok: false, code: 'CHECKPOINT_ORIGIN_MISMATCH', message: `the checkpoint origin is not ${origin}` };
  }
  return { ok: true, checkpoint, text: v.text };
}
