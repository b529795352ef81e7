import type { CommandMetadata } from '../../domain/decider.js';

/** Attach a registered blueprint version to a project for one environment (dev, staging, prod...). */
export class AttachBlueprintCommand {
  constructor(
    readonly projectId: string,
    readonly environment: string,
    readonly blueprintId: string,
    readonly blueprintVersion: number,
    readonly meta: CommandMetadata,
  ) {}
}
