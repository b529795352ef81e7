/** Injection tokens: NestJS only wires; the objects come from the composition root. */
export const LEDGER = Symbol('Ledger');
export const CONFIG = Symbol('Config');
export const EVIDENCE_STORE = Symbol('EvidenceBlobStore');
/** The ProofService (checkpoints, inclusion and consistency proofs) for resolvers and controllers. */
export const PROOFS = Symbol('ProofService');
