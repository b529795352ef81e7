import type { CommandMetadata } from '../../domain/decider.js';

/** Archive a project: its history stays; it accepts no more changes. */
export class ArchiveProjectCommand {
  constructor(
    readonly projectId: string,
    readonly reason: string,
    readonly meta: CommandMetadata,
  ) {}
}
