import { CommandBus } from '@nestjs/cqrs';
import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { Roles } from '../../auth/decorators.js';
import type { Principal } from '../../auth/principal.js';
import { CurrentPrincipal } from '../../auth/scope.js';
import { StoreEvidenceCommand } from '../../commands/evidence/store-evidence.command.js';
import { evidenceStream } from '../../domain/evidence/evidence.js';
import { invalidInput } from '../../edge/invalid-input.js';
import { MAX_INLINE_EVIDENCE_BYTES, StoreEvidenceInput } from '../inputs/registry.inputs.js';
import { MutationResult } from '../types/mutation-result.type.js';
import { KEY_ARG, MutationKit } from './mutation-kit.js';

/**
 * Small evidence blobs inline (base64), through the same command as PUT /evidence/{sha256}: the
 * store checks the digest while it writes and applies the service's size limit. Same roles, no
 * project scope (evidence belongs to no project). entityId: the sha256; digest: sha256:<hex>.
 */
@Resolver()
export class EvidenceMutations {
  constructor(
    private readonly commands: CommandBus,
    private readonly kit: MutationKit,
  ) {}

  @Mutation(() => MutationResult, {
    description:
      `Store a small evidence blob sent as base64 (at most ${MAX_INLINE_EVIDENCE_BYTES / 1024} KiB; larger: PUT /evidence/{sha256}). ` +
      'The bytes must hash to sha256 (EVIDENCE_DIGEST_MISMATCH otherwise) and the service evidence size limit applies, as over REST.',
  })
  @Roles('worker', 'operator', 'admin')
  storeEvidence(
    @Args('input') i: StoreEvidenceInput,
    @CurrentPrincipal() principal: Principal,
    @Args(KEY_ARG.name, KEY_ARG.options) key: string | null,
  ): Promise<MutationResult> {
    const bytes = Buffer.from(i.contentBase64, 'base64');
    if (bytes.length === 0 || bytes.length > MAX_INLINE_EVIDENCE_BYTES) {
      throw invalidInput([
        { path: 'contentBase64', message: `1 byte to ${MAX_INLINE_EVIDENCE_BYTES / 1024} KiB (larger blobs: PUT /evidence/{sha256})` },
      ]);
    }
    const w = this.kit.context(principal, 'storeEvidence', i.sha256, key, i);
    const body = (async function* () {
      yield new Uint8Array(bytes);
    })();
    const command = new StoreEvidenceCommand(i.sha256, i.mediaType, body, w.meta);
    return this.kit.write(evidenceStream(i.sha256), w, () => this.commands.execute(command), i.sha256, `sha256:${i.sha256}`);
  }
}
