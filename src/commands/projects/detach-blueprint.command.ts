import type { CommandMetadata } from '../../domain/decider.js';

/** Detach the blueprint of one environment of a project. */
export class DetachBlueprintCommand {
  constructor(
    readonly projectId: string,
    readonly environment: string,
    readonly meta: CommandMetadata,
  ) {}
}
