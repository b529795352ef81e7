import { keyLines } from '../verify/text.js';
import type { ExportFailure, ExportReport } from './verify.js';

function locate(f: ExportFailure): string {
  const parts: string[] = [];
  if (f.file !== null) parts.push(f.line !== null ? `${f.file}:${f.line}` : f.file);
  if (f.position !== null) parts.push(`position ${f.position}`);
  if (f.stream !== null) parts.push(`stream ${f.stream}`);
  if (f.revision !== null) parts.push(`rev ${f.revision}`);
  if (f.eventId !== null) parts.push(`event ${f.eventId}`);
  return parts.length > 0 ? parts.join(', ') : 'export';
}

/** The human-readable summary of a full-export verification. */
export function formatExportReport(r: ExportReport): string {
  const out: string[] = [];
  out.push(`ledger-verify ${r.source}`);
  out.push(`  format      ${r.format}`);
  out.push(`  origin      ${r.origin ?? '(unknown)'}`);
  out.push(`  trust root  ${r.trustRoot}`);
  out.push(`  events      ${r.events} in ${r.streams} streams, ${r.checkpoints} checkpoints`);
  out.push(`  tree        size ${r.events}, root ${r.rootHash}`);
  out.push(
    r.verifiedCheckpoint
      ? `  checkpoint  size ${r.verifiedCheckpoint.size} verified (event ${r.verifiedCheckpoint.eventId}); ${r.uncoveredEvents} later events not yet checkpointed`
      : `  checkpoint  none verified: no signed checkpoint covers these ${r.events} events`,
  );
  out.push(...keyLines(r));
  if (r.ok) {
    out.push(`OK: all ${r.events} events and ${r.checkpoints} checkpoints verify`);
    return `${out.join('\n')}\n`;
  }
  const counts = Object.entries(r.failureCounts)
    .map(([code, n]) => `${code} ${n}`)
    .join(', ');
  out.push(`FAILED: ${r.failureCount} failure${r.failureCount === 1 ? '' : 's'} (${counts})`);
  for (const f of r.failures) out.push(`  ${f.code}  ${locate(f)}: ${f.message}`);
  if (r.failuresTruncated) out.push(`  ... ${r.failureCount - r.failures.length} more (use --max-failures)`);
  return `${out.join('\n')}\n`;
}
