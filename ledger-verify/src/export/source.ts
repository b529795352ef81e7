// Where an export comes from: a directory, a .tar.gz of it, or (for the service verifying its
// live store) async iterables of the lines the export files would hold.

import { concatBytes } from '../encoding.js';
import { fileChunks, fsPromises, unreadable } from '../io/files.js';
import { lineBatches, splitLines, type ByteDigest, type LineBatch } from '../io/lines.js';
import { InputError } from '../verify/ledger.js';
import { tarGzEntry } from './tar.js';

export const MANIFEST_FILE = 'manifest.json';
export const EVENTS_FILE = 'events.ndjson';
export const CHECKPOINTS_FILE = 'checkpoints.ndjson';
export type ExportFile = typeof EVENTS_FILE | typeof CHECKPOINTS_FILE;

const MAX_MANIFEST_BYTES = 1 << 20;

/**
 * An export to verify. `lines(file)` is called once per pass and must return a fresh iterable
 * over the same lines each time; `digest` receives the SHA-256 and size of the bytes read
 * (file-backed sources only; an iterable source leaves it uncalled).
 */
export interface ExportSource {
  /** Where it comes from, for messages. */
  readonly name: string;
  /** The manifest text, or undefined when the source has none (a live store). */
  manifest(): Promise<string | undefined>;
  lines(file: ExportFile, digest?: (d: ByteDigest) => void): AsyncIterable<string>;
  /**
   * The same lines as undecoded UTF-8 batches of at most `maxLines` (file-backed sources: the
   * verifier then never decodes most lines on its own thread). Optional: `lines` is used without it.
   */
  batches?(file: ExportFile, maxLines: number, digest?: (d: ByteDigest) => void): AsyncIterable<LineBatch>;
}

async function readSmall(chunks: AsyncIterable<Uint8Array>, name: string): Promise<string> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const c of chunks) {
    total += c.length;
    if (total > MAX_MANIFEST_BYTES) throw new InputError('INPUT_UNREADABLE', `${name} is larger than ${MAX_MANIFEST_BYTES} bytes`);
    parts.push(c.slice());
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(concatBytes(...parts));
  } catch {
    throw new InputError('INVALID_UTF8', `${name}: not valid UTF-8`);
  }
}

/** An export directory. */
export function directorySource(dir: string): ExportSource {
  const join = (f: string): string => (dir.endsWith('/') ? dir + f : `${dir}/${f}`);
  return {
    name: dir,
    manifest: () => readSmall(fileChunks(join(MANIFEST_FILE)), join(MANIFEST_FILE)),
    lines: (file, digest) => splitLines(fileChunks(join(file)), file, digest),
    batches: (file, maxLines, digest) => lineBatches(fileChunks(join(file)), file, maxLines, digest),
  };
}

/** A .tar.gz of an export directory (entries at the archive root); every pass decompresses again. */
export function tarGzSource(path: string): ExportSource {
  return {
    name: path,
    manifest: () => readSmall(tarGzEntry(path, MANIFEST_FILE), `${path}:${MANIFEST_FILE}`),
    lines: (file, digest) => splitLines(tarGzEntry(path, file), file, digest),
    batches: (file, maxLines, digest) => lineBatches(tarGzEntry(path, file), file, maxLines, digest),
  };
}

/**
 * Lines supplied by the caller (e.g. the service reading its own store): `events()` and
 * `checkpoints()` return fresh iterables of the lines of events.ndjson and checkpoints.ndjson
 * (without "\n"). The manifest is optional; file digests are not checked.
 */
export function iterableSource(input: {
  readonly name?: string;
  readonly manifest?: string;
  readonly events: () => AsyncIterable<string>;
  readonly checkpoints: () => AsyncIterable<string>;
}): ExportSource {
  return {
    name: input.name ?? 'live store',
    manifest: () => Promise.resolve(input.manifest),
    lines: (file) => (file === EVENTS_FILE ? input.events() : input.checkpoints()),
  };
}

/** A directory, a .tar.gz or .tgz file. */
export async function openExport(path: string): Promise<ExportSource> {
  let stat;
  try {
    stat = await fsPromises().stat(path);
  } catch (e) {
    throw unreadable(path, e);
  }
  if (stat.isDirectory()) return directorySource(path);
  return tarGzSource(path);
}
