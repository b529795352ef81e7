import { CommandBus } from '@nestjs/cqrs';
import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { forbidden } from '../../auth/auth-errors.js';
import { Roles } from '../../auth/decorators.js';
import { coversProject, type Principal } from '../../auth/principal.js';
import { assertAllProjects, assertProjectScope, CurrentPrincipal } from '../../auth/scope.js';
import { RevokeSigningKeyCommand } from '../../commands/keys/revoke-signing-key.command.js';
import { RotateSigningKeyCommand } from '../../commands/keys/rotate-signing-key.command.js';
import { RegisterManagedKeyCommand } from '../../commands/mkeys/register-managed-key.command.js';
import { ReportKeyCompromiseCommand } from '../../commands/mkeys/report-key-compromise.command.js';
import { RetireManagedKeyCommand } from '../../commands/mkeys/retire-managed-key.command.js';
import { RotateManagedKeyCommand } from '../../commands/mkeys/rotate-managed-key.command.js';
import { NotFound } from '../../domain/errors.js';
import { KEYRING_STREAM } from '../../domain/keyring/keyring.js';
import type { KeyPurpose } from '../../domain/mkey/crypto-policy.js';
import { mkeyStream } from '../../domain/mkey/mkey.js';
import {
  RegisterManagedKeyInput,
  ReportKeyCompromiseInput,
  RetireManagedKeyInput,
  RotateManagedKeyInput,
} from '../inputs/managed-key.inputs.js';
import { RevokeSigningKeyInput } from '../inputs/signing-key.inputs.js';
import { MutationResult } from '../types/mutation-result.type.js';
import { KEY_ARG, MutationKit, type Written } from './mutation-kit.js';

const keyNotFound = (keyId: string) => () => new NotFound('KEY_NOT_FOUND', `managed key ${keyId} does not exist: register it first`);
const spec = (i: { algorithm: string; sizeBits: number; curve?: string | null }) => ({
  algorithm: i.algorithm,
  sizeBits: i.sizeBits,
  ...(i.curve != null ? { curve: i.curve } : {}),
});

/**
 * Keys. Managed keys (stream `mkey-<id>`, KMS references of a project's governed keys): operators
 * and admins of the key's project. The ledger's own signing keys (`ledger-keys`): admins with the
 * scope of every project, as `qledger keys rotate|revoke`.
 */
@Resolver()
export class KeyMutations {
  constructor(
    private readonly commands: CommandBus,
    private readonly kit: MutationKit,
  ) {}

  @Mutation(() => MutationResult, {
    description: "Register a project's governed key by KMS reference (never key material). entityId: the key id.",
  })
  @Roles('operator', 'admin')
  async registerManagedKey(
    @Args('input') i: RegisterManagedKeyInput,
    @CurrentPrincipal() principal: Principal,
    @Args(KEY_ARG.name, KEY_ARG.options) key: string | null,
  ): Promise<MutationResult> {
    assertProjectScope(principal, i.projectId);
    const owner = await this.kit.projectOfStream(mkeyStream(i.keyId));
    if (owner !== undefined && !coversProject(principal, owner)) {
      throw forbidden('FORBIDDEN_PROJECT', 'forbidden: your credentials do not cover this project');
    }
    const w = this.kit.context(principal, 'registerManagedKey', i.keyId, key, i);
    const input = {
      keyId: i.keyId,
      projectId: i.projectId,
      kmsRef: i.kmsRef,
      purpose: i.purpose as KeyPurpose,
      cryptoperiodDays: i.cryptoperiodDays,
      ...spec(i),
    };
    return this.kit.write(mkeyStream(i.keyId), w, () => this.commands.execute(new RegisterManagedKeyCommand(input, w.meta)), i.keyId);
  }

  @Mutation(() => MutationResult, { description: "Rotate a governed key; the rotation triggers the project's crypto pipeline." })
  @Roles('operator', 'admin')
  async rotateManagedKey(
    @Args('input') i: RotateManagedKeyInput,
    @CurrentPrincipal() principal: Principal,
    @Args(KEY_ARG.name, KEY_ARG.options) key: string | null,
  ): Promise<MutationResult> {
    await this.kit.assertStreamScope(principal, mkeyStream(i.keyId), keyNotFound(i.keyId));
    const w = this.kit.context(principal, 'rotateManagedKey', i.keyId, key, i);
    const command = new RotateManagedKeyCommand(i.keyId, { kmsRef: i.kmsRef, reason: i.reason, ...spec(i) }, w.meta);
    return this.kit.write(mkeyStream(i.keyId), w, () => this.commands.execute(command), i.keyId);
  }

  @Mutation(() => MutationResult, { description: 'Retire a governed key.' })
  @Roles('operator', 'admin')
  async retireManagedKey(
    @Args('input') i: RetireManagedKeyInput,
    @CurrentPrincipal() principal: Principal,
    @Args(KEY_ARG.name, KEY_ARG.options) key: string | null,
  ): Promise<MutationResult> {
    await this.kit.assertStreamScope(principal, mkeyStream(i.keyId), keyNotFound(i.keyId));
    const w = this.kit.context(principal, 'retireManagedKey', i.keyId, key, i);
    const command = new RetireManagedKeyCommand(i.keyId, { reason: i.reason }, w.meta);
    return this.kit.write(mkeyStream(i.keyId), w, () => this.commands.execute(command), i.keyId);
  }

  @Mutation(() => MutationResult, { description: 'Report the current version of a governed key as compromised since a given time.' })
  @Roles('operator', 'admin')
  async reportKeyCompromise(
    @Args('input') i: ReportKeyCompromiseInput,
    @CurrentPrincipal() principal: Principal,
    @Args(KEY_ARG.name, KEY_ARG.options) key: string | null,
  ): Promise<MutationResult> {
    await this.kit.assertStreamScope(principal, mkeyStream(i.keyId), keyNotFound(i.keyId));
    const w = this.kit.context(principal, 'reportKeyCompromise', i.keyId, key, i);
    const command = new ReportKeyCompromiseCommand(i.keyId, { reason: i.reason, compromisedSince: i.compromisedSince }, w.meta);
    return this.kit.write(mkeyStream(i.keyId), w, () => this.commands.execute(command), i.keyId);
  }

  @Mutation(() => MutationResult, {
    description:
      "Rotate the ledger's signing key: the active key signs the rotation, the new key proves possession. entityId: the new kid.",
  })
  @Roles('admin')
  rotateSigningKey(
    @CurrentPrincipal() principal: Principal,
    @Args(KEY_ARG.name, KEY_ARG.options) key: string | null,
  ): Promise<MutationResult> {
    assertAllProjects(principal);
    const w = this.kit.context(principal, 'rotateSigningKey', KEYRING_STREAM, key, null);
    const kid = (written: Written): string => String((written.events[0]?.data as { kid?: unknown } | undefined)?.kid ?? '');
    return this.kit.write(KEYRING_STREAM, w, () => this.commands.execute(new RotateSigningKeyCommand(w.meta)), kid);
  }

  @Mutation(() => MutationResult, {
    description: 'Revoke a retired signing key; with compromisedSince, its events from then on fail verification. entityId: the kid.',
  })
  @Roles('admin')
  revokeSigningKey(
    @Args('input') i: RevokeSigningKeyInput,
    @CurrentPrincipal() principal: Principal,
    @Args(KEY_ARG.name, KEY_ARG.options) key: string | null,
  ): Promise<MutationResult> {
    assertAllProjects(principal);
    const w = this.kit.context(principal, 'revokeSigningKey', i.kid, key, i);
    const command = new RevokeSigningKeyCommand(i.kid, i.reason, i.compromisedSince ?? null, w.meta);
    return this.kit.write(KEYRING_STREAM, w, () => this.commands.execute(command), i.kid);
  }
}
