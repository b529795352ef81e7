export { HASH_SIZE, leafHash, nodeHash, emptyRoot } from './hash.js';
export { merkleRoot, CompactTree } from './tree.js';
export {
  inclusionProof,
  consistencyProof,
  inclusionProofAsync,
  consistencyProofAsync,
  inclusionProofRanges,
  consistencyProofRanges,
  leafArrayHashAt,
  type HashAt,
  type HashAtAsync,
  type NodeId,
  type ProofRange,
} from './proof.js';
export { verifyInclusion, verifyConsistency, rootFromInclusionProof } from './verify.js';
