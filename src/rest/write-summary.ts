import type { WriteResult } from '../ledger/ledger-writer.js';

/** What a write route answers: the events the command recorded (or had recorded, on a replay). */
export interface WriteSummary {
  readonly revision: number;
  readonly events: readonly { readonly id: string; readonly type: string }[];
  /** True when the command had already been recorded: nothing new was written. */
  readonly replayed: boolean;
}

export function writeSummary(r: WriteResult): WriteSummary {
  return { revision: r.revision, events: r.events.map((e) => ({ id: e.id, type: e.type })), replayed: r.idempotent };
}
