import type { CommandMetadata } from '../../domain/decider.js';
import type { WriteResult } from '../../ledger/ledger-writer.js';

/** What a domain command handler returns: where the events went, without their payloads. */
export interface CommandResult {
  readonly stream: string;
  /** Revision of the stream's last event after the write. */
  readonly revision: number;
  /** True when this command id had already been recorded: nothing new was written. */
  readonly idempotent: boolean;
  readonly events: readonly { readonly id: string; readonly type: string; readonly revision: number }[];
}

export function toResult(stream: string, w: WriteResult): CommandResult {
  return {
    stream,
    revision: w.revision,
    idempotent: w.idempotent,
    events: w.events.map((e) => ({ id: e.id, type: e.type, revision: e.revision })),
  };
}

/** Time and actor of a domain command come from the command metadata, never from a clock. */
export function stamp(meta: CommandMetadata): { readonly at: string; readonly actor: string } {
  return { at: meta.occurredAt, actor: meta.actor.id };
}
