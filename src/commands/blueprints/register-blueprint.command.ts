import type { CommandMetadata } from '../../domain/decider.js';
import type { BlueprintDefinition } from '../../domain/blueprint/types.js';

/** Register one version of a blueprint (already parsed and schema-checked at the edge, e.g. by src/blueprints/load.ts). */
export class RegisterBlueprintCommand {
  constructor(
    readonly definition: BlueprintDefinition,
    readonly meta: CommandMetadata,
  ) {}
}

export interface RegisterBlueprintResult {
  readonly blueprintId: string;
  readonly version: number;
  readonly digest: string;
  /** False when that version was already registered with the same content: nothing was written. */
  readonly recorded: boolean;
}
