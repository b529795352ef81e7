/** Injection tokens: NestJS only wires; the objects come from the composition root. */
export const LEDGER = Symbol('Ledger');
export const CONFIG = Symbol('Config');
/** The ProofService (checkpoints, inclusion and consistency proofs) for resolvers and controllers. */
export const PROOFS = Symbol('ProofService');
