import type { CommandMetadata } from '../../domain/decider.js';

/** Create a project; its owner is a pseudonymous id (team:..., usr:...), never a name or an e-mail address. */
export class CreateProjectCommand {
  constructor(
    readonly projectId: string,
    readonly name: string,
    readonly projectType: string,
    readonly repository: string | null,
    readonly ownerId: string,
    readonly meta: CommandMetadata,
  ) {}
}
