import type { CommandResult } from '../commands/runs/command-result.js';
import type { WriteResult } from '../ledger/ledger-writer.js';

/** What a write route answers (the shape of the domain command handlers' CommandResult). */
export function writeSummary(stream: string, r: WriteResult): CommandResult {
  return {
    stream,
    revision: r.revision,
    idempotent: r.idempotent,
    events: r.events.map((e) => ({ id: e.id, type: e.type, revision: e.revision })),
  };
}
