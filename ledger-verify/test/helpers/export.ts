// Builds full exports (docs/ledger-format.md section 9.3) with the package's own functions, and
// damages them for the tamper tests.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  canonicalize,
  checkpointEventData,
  CHECKPOINT_EVENT_TYPE,
  CHECKPOINT_STREAM,
  formatCheckpoint,
  formatCheckpointLine,
  formatEventLine,
  formatManifest,
  leafHash,
  merkleRoot,
  signNote,
  bytesToBase64,
  type EventEnvelope,
  type ExportManifest,
} from '../../src/index.js';
import { LedgerBuilder, type TestKey } from './ledger.js';

export interface ExportFiles {
  events: string[];
  checkpoints: string[];
  manifest: ExportManifest;
}

export interface SealOptions {
  /** Tree size to commit to (default: every leaf so far). */
  readonly size?: number;
  /** Root to sign instead of the real one (a forked history). */
  readonly root?: Uint8Array;
  /** Key signing the note (default: the active key). */
  readonly noteKey?: TestKey;
  /** Size written in the event data, when it should differ from the note's. */
  readonly dataSize?: number;
}

export function leavesOf(b: LedgerBuilder): EventEnvelope[] {
  return b.events.filter((e) => e.stream !== CHECKPOINT_STREAM);
}

/** Appends a CheckpointSealed event for the leaves so far. */
export function seal(b: LedgerBuilder, options: SealOptions = {}): EventEnvelope {
  const leaves = leavesOf(b).map((e) => leafHash(e.hash));
  const size = options.size ?? leaves.length;
  const root = options.root ?? merkleRoot(leaves.slice(0, size));
  const note = signNote(formatCheckpoint({ origin: b.origin, size, rootHash: root }), {
    name: b.origin,
    secretKey: (options.noteKey ?? b.active).secretKey,
  });
  return b.append(CHECKPOINT_STREAM, CHECKPOINT_EVENT_TYPE, checkpointEventData(options.dataSize ?? size, root, note));
}

/** A ledger of several streams, a rotation and a checkpoint every `every` leaves. */
export function sampleLedger(leafCount = 40, every = 10, next?: TestKey): LedgerBuilder {
  const b = new LedgerBuilder();
  let n = 1;
  while (n < leafCount) {
    if (next && n === Math.floor(leafCount / 2)) b.rotate(next);
    else b.append(`run-${String.fromCharCode(97 + (n % 3))}`, 'CheckRecorded', { n, value: n / 7, ok: n % 2 === 0 });
    n++;
    if (n % every === 0) seal(b);
  }
  return b;
}

function digest(lines: readonly string[]): { sha256: string; bytes: number } {
  const text = lines.map((l) => `${l}\n`).join('');
  return { sha256: createHash('sha256').update(text).digest('hex'), bytes: Buffer.byteLength(text) };
}

export function toExport(b: LedgerBuilder): ExportFiles {
  const events: string[] = [];
  const checkpoints: string[] = [];
  let leaf = 0;
  let last: ExportManifest['lastCheckpoint'] = null;
  b.events.forEach((e, position) => {
    if (e.stream === CHECKPOINT_STREAM) {
      checkpoints.push(formatCheckpointLine(position, e));
      const d = e.data as { size: number; root: string };
      last = { size: d.size, rootHash: d.root, eventId: e.id };
    } else {
      events.push(formatEventLine(leaf++, position, e));
    }
  });
  const manifest: ExportManifest = {
    format: 'qledger-export/1',
    origin: b.origin,
    trustRoot: b.events[0]?.sig.kid ?? '',
    exportedAt: '2026-02-01T00:00:00.000Z',
    counts: { events: events.length, checkpoints: checkpoints.length },
    head: { position: b.events.length },
    lastCheckpoint: last,
    files: { 'events.ndjson': digest(events), 'checkpoints.ndjson': digest(checkpoints) },
  };
  return { events, checkpoints, manifest };
}

/** Counts and digests recomputed, as an attacker rewriting the (unsigned) manifest would. */
export function refreshManifest(f: ExportFiles): ExportFiles {
  return {
    ...f,
    manifest: {
      ...f.manifest,
      counts: { events: f.events.length, checkpoints: f.checkpoints.length },
      files: { 'events.ndjson': digest(f.events), 'checkpoints.ndjson': digest(f.checkpoints) },
    },
  };
}

export interface LineObject {
  leaf?: number;
  position: number;
  event: Record<string, unknown> & { data: Record<string, unknown>; sig?: Record<string, unknown> };
}

export function parseLine(line: string): LineObject {
  return JSON.parse(line) as LineObject;
}

export function writeLine(o: unknown): string {
  return canonicalize(o);
}

/** Rewrites line i of a file through `edit`. */
export function editLine(lines: string[], i: number, edit: (o: LineObject) => void): void {
  const o = parseLine(lines[i] as string);
  edit(o);
  lines[i] = writeLine(o);
}

/** Leaf indices renumbered in line order, event positions reassigned in increasing order: a careful attacker. */
export function renumber(f: ExportFiles): void {
  const objects = f.events.map(parseLine);
  const positions = objects.map((o) => o.position).sort((a, b) => a - b);
  objects.forEach((o, i) => {
    o.leaf = i;
    o.position = positions[i] as number;
    f.events[i] = writeLine(o);
  });
}

export function writeExport(dir: string, f: ExportFiles, manifestText?: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'manifest.json'), manifestText ?? formatManifest(f.manifest));
  writeFileSync(join(dir, 'events.ndjson'), f.events.map((l) => `${l}\n`).join(''));
  writeFileSync(join(dir, 'checkpoints.ndjson'), f.checkpoints.map((l) => `${l}\n`).join(''));
  return dir;
}

export { bytesToBase64 };
