import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InputError, verifyLedger, type LedgerReport, type LineSource } from '../src/index.js';
import { KEY1, LedgerBuilder } from './helpers/ledger.js';

function source(lines: readonly string[]): LineSource {
  return async function* () {
    for (const l of lines) yield await Promise.resolve(l);
  };
}

async function codes(lines: readonly string[], maxFailures?: number): Promise<{ report: LedgerReport; at: string[] }> {
  const report = await verifyLedger(source(lines), { trustRoot: KEY1.kid, ...(maxFailures !== undefined ? { maxFailures } : {}) });
  return { report, at: report.failures.map((f) => `${f.position ?? '-'}:${f.code}`) };
}

/** 0 genesis | 1..6 run-a#0..#5 */
function stream(): string[] {
  const b = new LedgerBuilder(KEY1);
  for (let i = 0; i < 6; i++) b.append('run-a', 'Step', { i });
  return b.lines();
}

describe('verifyLedger (programmatic, in-memory source)', () => {
  test('given a stream whose first events are missing, when verified, then STREAM_REVISION_GAP at its first event', async () => {
    const lines = stream();
    lines.splice(1, 2);
    const { at, report } = await codes(lines);
    assert.deepEqual(at, ['1:STREAM_REVISION_GAP']);
    assert.match(report.failures[0]?.message ?? '', /starts at revision 2: revisions 0..1 are missing/);
  });

  test('given two missing revisions that arrive later in order, when verified, then all three events are STREAM_REORDERED', async () => {
    const lines = stream();
    const [r1, r2] = lines.splice(2, 2); // run-a#1, run-a#2 moved after run-a#3
    lines.splice(3, 0, r1 as string, r2 as string);
    const { at } = await codes(lines);
    assert.deepEqual(at, ['2:STREAM_REORDERED', '3:STREAM_REORDERED', '4:STREAM_REORDERED']);
  });

  test('given a late event that does not chain into the gap, when verified, then STREAM_PREV_MISMATCH as well', async () => {
    const lines = stream();
    const late = JSON.parse(lines[2] as string) as Record<string, unknown>;
    late['prev'] = 'f'.repeat(64);
    lines.splice(2, 1);
    lines.splice(3, 0, JSON.stringify(late));
    const { at } = await codes(lines);
    assert.ok(at.includes('3:STREAM_PREV_MISMATCH'), at.join(' '));
    assert.ok(at.includes('3:STREAM_REORDERED'), at.join(' '));
    assert.ok(at.includes('3:HASH_MISMATCH'), at.join(' '));
  });

  test('given more failures than maxFailures, when verified, then all are counted and the first ones kept', async () => {
    const lines = stream().map((l, i) => (i === 0 ? l : l.replace('"i":', '"i":1')));
    const { report } = await codes(lines, 2);
    assert.equal(report.failureCount, 6);
    assert.equal(report.failures.length, 2);
    assert.equal(report.failuresTruncated, true);
    assert.deepEqual(report.failureCounts, { HASH_MISMATCH: 6 });
  });

  test('given a malformed line, when verified, then InputError MALFORMED_JSON with its line', async () => {
    const lines = stream();
    lines[3] = '{';
    await assert.rejects(
      verifyLedger(source(lines), { trustRoot: KEY1.kid }),
      (e: unknown) => e instanceof InputError && e.code === 'MALFORMED_JSON' && e.line === 4,
    );
  });

  test('given a source that yields different lines on the second pass, when verified, then InputError INPUT_CHANGED', async () => {
    const lines = stream();
    let pass = 0;
    const changing: LineSource = () => source(pass++ === 0 ? lines : lines.slice(0, 3))();
    await assert.rejects(
      verifyLedger(changing, { trustRoot: KEY1.kid }),
      (e: unknown) => e instanceof InputError && e.code === 'INPUT_CHANGED',
    );
  });

  test('given a bad trust root option, when verified, then InputError BAD_OPTIONS', async () => {
    await assert.rejects(
      verifyLedger(source([]), { trustRoot: 'nope' }),
      (e: unknown) => e instanceof InputError && e.code === 'BAD_OPTIONS',
    );
  });
});
