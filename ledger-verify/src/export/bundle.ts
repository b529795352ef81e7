// Checks for evidence bundles (docs/ledger-format.md section 9.6): an event's inclusion proof
// against a checkpoint, and an artifact's bytes against its digest. Each answers with the
// stable failure code a bundle verifier reports, or null when the check passes.

import { sha256 } from '../crypto/sha.js';
import { bytesToHex, isLowerHex } from '../encoding.js';
import { leafHash } from '../merkle/hash.js';
import { verifyInclusion } from '../merkle/verify.js';
import type { Checkpoint } from '../note/checkpoint.js';

export interface BundleCheckFailure {
  readonly code: 'INVALID_INCLUSION_PROOF' | 'ARTIFACT_DIGEST_MISMATCH';
  readonly message: string;
}

/** Event with hash `eventHash` is leaf `leafIndex` of the tree of a (verified) checkpoint. */
export function checkEventInclusion(
  eventHash: string,
  leafIndex: number,
  proof: readonly Uint8Array[],
  checkpoint: Pick<Checkpoint, 'size' | 'rootHash'>,
): BundleCheckFailure | null {
  let leaf: Uint8Array;
  try {
    leaf = leafHash(eventHash);
  } catch {
    return { code: 'INVALID_INCLUSION_PROOF', message: 'the event hash is not 64 lowercase hex characters' };
  }
  if (verifyInclusion(leafIndex, checkpoint.size, leaf, proof, checkpoint.rootHash)) return null;
  return {
    code: 'INVALID_INCLUSION_PROOF',
    message: `the proof does not place event ${eventHash.slice(0, 12)}… at leaf ${leafIndex} of the tree of size ${checkpoint.size}`,
  };
}

/** The artifact's bytes hash (SHA-256) to `sha256Hex`, the digest the event names. */
export function checkArtifactDigest(bytes: Uint8Array, sha256Hex: string): BundleCheckFailure | null {
  if (!isLowerHex(sha256Hex, 64))
    return { code: 'ARTIFACT_DIGEST_MISMATCH', message: 'the expected digest is not 64 lowercase hex characters' };
  const got = bytesToHex(sha256(bytes));
  if (got === sha256Hex) return null;
  return {
    code: 'ARTIFACT_DIGEST_MISMATCH',
    message: `the artifact's bytes hash to ${got.slice(0, 12)}…, the event names ${sha256Hex.slice(0, 12)}…`,
  };
}
