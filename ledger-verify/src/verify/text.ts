import type { LedgerFailure, LedgerReport } from './report.js';

function locate(f: LedgerFailure): string {
  const parts: string[] = [];
  if (f.line !== null) parts.push(`line ${f.line}`);
  if (f.stream !== null) parts.push(`stream ${f.stream}`);
  if (f.revision !== null) parts.push(`rev ${f.revision}`);
  if (f.eventId !== null) parts.push(`event ${f.eventId}`);
  return parts.length > 0 ? parts.join(', ') : 'ledger';
}

/** The human-readable summary printed by the bin. */
export function formatReport(file: string, r: LedgerReport): string {
  const out: string[] = [];
  out.push(`ledger-verify ${file}`);
  out.push(`  origin      ${r.origin ?? '(unknown)'}`);
  out.push(`  trust root  ${r.trustRoot}`);
  out.push(`  events      ${r.events} in ${r.streams} streams`);
  out.push(...keyLines(r));
  if (r.ok) {
    out.push(`OK: all ${r.events} events verify`);
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

/** The key chain's lines of a summary: how many keys, the active one, and each key's life. */
export function keyLines(r: Pick<LedgerReport, 'keys' | 'activeKid'>): string[] {
  const out = [`  keys        ${r.keys.length}${r.activeKid ? ` (active ${r.activeKid})` : ''}`];
  for (const k of r.keys) {
    const status = [
      `from position ${k.activatedAt} (${k.activatedBy})`,
      k.retiredAt !== null ? `retired at ${k.retiredAt}` : '',
      k.revokedAt !== null ? `revoked at ${k.revokedAt}` : '',
      k.compromisedSince !== null ? `compromised since ${k.compromisedSince}` : '',
    ].filter((s) => s !== '');
    out.push(`    ${k.kid}  ${status.join(', ')}`);
  }
  return out;
}
