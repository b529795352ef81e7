import { CommandBus } from '@nestjs/cqrs';
import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { Roles } from '../../auth/decorators.js';
import type { Principal } from '../../auth/principal.js';
import { CurrentPrincipal } from '../../auth/scope.js';
import { ExpireWaiverCommand } from '../../commands/decisions/expire-waiver.command.js';
import { GrantApprovalCommand } from '../../commands/decisions/grant-approval.command.js';
import { GrantWaiverCommand } from '../../commands/decisions/grant-waiver.command.js';
import { RevokeWaiverCommand } from '../../commands/decisions/revoke-waiver.command.js';
import { VetoDecisionCommand } from '../../commands/decisions/veto-decision.command.js';
import { decisionStream } from '../../domain/decision/types.js';
import { invalidInput } from '../../edge/invalid-input.js';
import { ExpireWaiverInput, GrantApprovalInput, GrantWaiverInput, RevokeWaiverInput, VetoRunInput } from '../inputs/decision.inputs.js';
import { MutationResult } from '../types/mutation-result.type.js';
import { KEY_ARG, MutationKit } from './mutation-kit.js';

/**
 * Human decisions on a run (the decision stream `decision-<runId>`): approvals, vetoes and waivers.
 * Separation of duties is the domain's: the run's initiator may not approve, veto or waive it.
 */
@Resolver()
export class DecisionMutations {
  constructor(
    private readonly commands: CommandBus,
    private readonly kit: MutationKit,
  ) {}

  @Mutation(() => MutationResult, { description: 'Approve a run under a role of its plan; never its own initiator. entityId: the run id.' })
  @Roles('approver', 'admin')
  async grantApproval(
    @Args('input') input: GrantApprovalInput,
    @CurrentPrincipal() principal: Principal,
    @Args(KEY_ARG.name, KEY_ARG.options) key: string | null,
  ): Promise<MutationResult> {
    await this.kit.runs.assertCovers(principal, input.runId);
    const w = this.kit.context(principal, 'grantApproval', input.runId, key, input);
    const command = new GrantApprovalCommand(input.runId, { role: input.role, comment: input.comment ?? '' }, w.meta);
    return this.kit.write(decisionStream(input.runId), w, () => this.commands.execute(command), input.runId);
  }

  @Mutation(() => MutationResult, { description: 'Veto a run: a final rejection. entityId: the run id.' })
  @Roles('approver', 'admin')
  async vetoRun(
    @Args('input') input: VetoRunInput,
    @CurrentPrincipal() principal: Principal,
    @Args(KEY_ARG.name, KEY_ARG.options) key: string | null,
  ): Promise<MutationResult> {
    await this.kit.runs.assertCovers(principal, input.runId);
    const w = this.kit.context(principal, 'vetoRun', input.runId, key, input);
    const command = new VetoDecisionCommand(input.runId, { role: input.role, reason: input.reason }, w.meta);
    return this.kit.write(decisionStream(input.runId), w, () => this.commands.execute(command), input.runId);
  }

  @Mutation(() => MutationResult, { description: 'Waive a check, finding or condition of a run until an expiry. entityId: the waiver id.' })
  @Roles('approver', 'admin')
  async grantWaiver(
    @Args('input') input: GrantWaiverInput,
    @CurrentPrincipal() principal: Principal,
    @Args(KEY_ARG.name, KEY_ARG.options) key: string | null,
  ): Promise<MutationResult> {
    const kinds = (['check', 'finding', 'condition'] as const).filter((k) => input.target[k] != null);
    if (kinds.length !== 1) throw invalidInput([{ path: 'target', message: 'exactly one of check, finding or condition' }]);
    await this.kit.runs.assertCovers(principal, input.runId);
    const w = this.kit.context(principal, 'grantWaiver', input.runId, key, input);
    const k = kinds[0] as 'check' | 'finding' | 'condition';
    const target = { [k]: input.target[k] as string } as { check: string } | { finding: string } | { condition: string };
    const waiver = { waiverId: input.waiverId, role: input.role, target, justification: input.justification, expiresAt: input.expiresAt };
    const command = new GrantWaiverCommand(input.runId, waiver, w.meta);
    return this.kit.write(decisionStream(input.runId), w, () => this.commands.execute(command), input.waiverId);
  }

  @Mutation(() => MutationResult, { description: 'Revoke an active waiver. entityId: the waiver id.' })
  @Roles('approver', 'admin')
  async revokeWaiver(
    @Args('input') input: RevokeWaiverInput,
    @CurrentPrincipal() principal: Principal,
    @Args(KEY_ARG.name, KEY_ARG.options) key: string | null,
  ): Promise<MutationResult> {
    await this.kit.runs.assertCovers(principal, input.runId);
    const w = this.kit.context(principal, 'revokeWaiver', `${input.runId}/${input.waiverId}`, key, input);
    const command = new RevokeWaiverCommand(input.runId, { waiverId: input.waiverId, reason: input.reason }, w.meta);
    return this.kit.write(decisionStream(input.runId), w, () => this.commands.execute(command), input.waiverId);
  }

  @Mutation(() => MutationResult, {
    description:
      'Record that a waiver reached its expiry (refused before it); the policy is then evaluated again. entityId: the waiver id.',
  })
  @Roles('approver', 'operator', 'admin')
  async expireWaiver(
    @Args('input') input: ExpireWaiverInput,
    @CurrentPrincipal() principal: Principal,
    @Args(KEY_ARG.name, KEY_ARG.options) key: string | null,
  ): Promise<MutationResult> {
    await this.kit.runs.assertCovers(principal, input.runId);
    const w = this.kit.context(principal, 'expireWaiver', `${input.runId}/${input.waiverId}`, key, input);
    const command = new ExpireWaiverCommand(input.runId, { waiverId: input.waiverId }, w.meta);
    return this.kit.write(decisionStream(input.runId), w, () => this.commands.execute(command), input.waiverId);
  }
}
