import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { LEDGER } from '../../app/tokens.js';
import { gate, modelRegistry, modelStream, type GateAnswer } from '../../domain/model/model.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { readState } from '../../ledger/read-state.js';
import { IsModelApprovedQuery } from './is-model-approved.query.js';

/** Answers from the model's stream itself, not a read model: a gate must not trust a lagging copy. */
@QueryHandler(IsModelApprovedQuery)
export class IsModelApprovedHandler implements IQueryHandler<IsModelApprovedQuery, GateAnswer> {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  async execute({ model, digest, stage }: IsModelApprovedQuery): Promise<GateAnswer> {
    const { state } = await readState(this.ledger.store, modelStream(model), modelRegistry);
    return gate(state, model, digest, stage);
  }
}
