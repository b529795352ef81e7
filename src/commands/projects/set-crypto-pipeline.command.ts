import type { CommandMetadata } from '../../domain/decider.js';

/** Choose the blueprint a rotation of one of the project's managed keys triggers (seed 000 RF03); it must declare key_rotation. */
export class SetCryptoPipelineCommand {
  constructor(
    readonly projectId: string,
    readonly blueprintId: string,
    readonly blueprintVersion: number,
    readonly meta: CommandMetadata,
  ) {}
}
