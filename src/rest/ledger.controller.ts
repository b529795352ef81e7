import { Controller, Get, Inject, Query } from '@nestjs/common';
import { Roles } from '../auth/decorators.js';
import type { Principal } from '../auth/principal.js';
import { assertAllProjects, CurrentPrincipal } from '../auth/scope.js';
import { PROOFS } from '../app/tokens.js';
import type { CheckpointView, ConsistencyProofView, InclusionProofView, ProofService } from '../ledger/proofs/proof-service.js';
import { CheckpointsQueryDto, ConsistencyQueryDto, InclusionQueryDto } from './dto/ledger.dto.js';

/**
 * The Merkle log for auditors: signed checkpoints, inclusion proofs of events, consistency
 * proofs between checkpoints (RFC 9162, C2SP notes). Ledger-wide, so read roles with an
 * all-projects scope; the proofs are checked offline with ledger-verify.
 */
@Controller('ledger')
@Roles('admin', 'operator', 'auditor', 'approver', 'worker')
export class LedgerController {
  constructor(@Inject(PROOFS) private readonly proofs: ProofService) {}

  @Get('checkpoints')
  checkpoints(@CurrentPrincipal() p: Principal, @Query() q: CheckpointsQueryDto): Promise<CheckpointView[]> {
    assertAllProjects(p);
    return this.proofs.listCheckpoints({
      ...(q.from_revision !== undefined ? { fromRevision: q.from_revision } : {}),
      ...(q.limit !== undefined ? { limit: q.limit } : {}),
    });
  }

  @Get('proofs/inclusion')
  inclusion(@CurrentPrincipal() p: Principal, @Query() q: InclusionQueryDto): Promise<InclusionProofView> {
    assertAllProjects(p);
    const ref = q.event_id !== undefined ? { eventId: q.event_id } : { leafIndex: q.leaf_index as number };
    return this.proofs.inclusion(ref, q.tree_size);
  }

  @Get('proofs/consistency')
  consistency(@CurrentPrincipal() p: Principal, @Query() q: ConsistencyQueryDto): Promise<ConsistencyProofView> {
    assertAllProjects(p);
    return this.proofs.consistency(q.from, q.to);
  }
}
