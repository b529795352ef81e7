import type { CommandMetadata } from '../../domain/decider.js';

/** Deprecate a blueprint version: projects can no longer attach it; runs already pinned to it keep it. */
export class DeprecateBlueprintCommand {
  constructor(
    readonly blueprintId: string,
    readonly version: number,
    readonly reason: string,
    readonly replacedBy: number | null,
    readonly meta: CommandMetadata,
  ) {}
}
