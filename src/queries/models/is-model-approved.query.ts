/** Seed 003 §4.1: is model `model` at `digest` approved for `stage`, and not revoked? */
export class IsModelApprovedQuery {
  constructor(
    readonly model: string,
    readonly digest: string,
    readonly stage: string,
  ) {}
}
