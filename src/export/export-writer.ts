import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { EXPORT_FORMAT, formatManifest, type ExportManifest } from 'ledger-verify';
import { CHECKPOINT_STREAM } from '../domain/checkpoints/checkpoints.js';
import type { EventStore } from '../eventstore/port.js';
import { publishDir, publishFile, refuseExisting, removeQuietly, tempDirNextTo } from './atomic.js';
import { checkpointLine, eventLine } from './live-source.js';
import { writeTarGz } from './tar.js';

export interface ExportOptions {
  readonly store: EventStore;
  readonly origin: string;
  readonly trustRoot: string;
  /** Target directory; with `tar`, the archive is `<out>.tar.gz` (or `out` itself when it ends in .tar.gz). */
  readonly out: string;
  readonly tar?: boolean;
  readonly now?: () => Date;
  readonly pageSize?: number;
  /** Called after every page: events written so far and the number to write. */
  readonly onProgress?: (done: number, total: number) => void;
}

export type { ExportManifest };

export interface ExportResult {
  /** The directory or archive written. */
  readonly path: string;
  readonly manifest: ExportManifest;
}

/** Buffered append-only NDJSON file that hashes what it writes. */
class NdjsonOut {
  private chunks: string[] = [];
  private pending = 0;
  private readonly hash: Hash = createHash('sha256');
  bytes = 0;
  lines = 0;

  private constructor(private readonly fh: FileHandle) {}

  static async create(path: string): Promise<NdjsonOut> {
    return new NdjsonOut(await open(path, 'wx', 0o644));
  }

  async line(text: string): Promise<void> {
    this.chunks.push(text, '\n');
    this.pending += text.length + 1;
    this.lines++;
    if (this.pending >= 1 << 20) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.chunks.length === 0) return;
    const buf = Buffer.from(this.chunks.join(''), 'utf8');
    this.chunks = [];
    this.pending = 0;
    this.hash.update(buf);
    this.bytes += buf.length;
    await this.fh.write(buf);
  }

  async close(): Promise<{ sha256: string; bytes: number }> {
    await this.flush();
    await this.fh.sync();
    await this.fh.close();
    return { sha256: this.hash.digest('hex'), bytes: this.bytes };
  }

  async abort(): Promise<void> {
    await this.fh.close().catch(() => undefined);
  }
}

/** The path an export writes: DIR, or with `tar` DIR.tar.gz (DIR itself when it already ends in .tar.gz). */
export function exportTarget(out: string, tar: boolean): string {
  const dir = resolve(out);
  return tar && !dir.endsWith('.tar.gz') ? `${dir}.tar.gz` : dir;
}

/**
 * Writes the full export (docs/ledger-format.md, section "Full export"): the global log up to
 * the head at the start, read page by page (constant memory), into a temporary directory next
 * to the target, fsynced, then renamed into place. An existing target is refused.
 */
export async function writeExport(options: ExportOptions): Promise<ExportResult> {
  const tar = options.tar ?? false;
  const target = exportTarget(options.out, tar);
  await refuseExisting(target);
  const head = await options.store.headPosition();
  const pageSize = options.pageSize ?? 500;
  const tmp = await tempDirNextTo(target);
  try {
    const events = await NdjsonOut.create(join(tmp, 'events.ndjson'));
    const checkpoints = await NdjsonOut.create(join(tmp, 'checkpoints.ndjson'));
    let lastCheckpoint: ExportManifest['lastCheckpoint'] = null;
    try {
      let leaf = 0;
      for (let from = 0; from < head;) {
        const page = await options.store.readAll({ fromPosition: from, maxCount: Math.min(pageSize, head - from) });
        if (page.length === 0) throw new Error(`the global log ends at position ${from}, below its head ${head}`);
        for (const r of page) {
          if (r.stream === CHECKPOINT_STREAM) {
            await checkpoints.line(checkpointLine(r.data, r.position));
            const e = JSON.parse(r.data) as { id: string; data: { size: number; root: string } };
            lastCheckpoint = { size: e.data.size, rootHash: e.data.root, eventId: e.id };
          } else {
            await events.line(eventLine(r.data, leaf, r.position));
            leaf++;
          }
        }
        from = (page.at(-1)?.position ?? from) + 1;
        options.onProgress?.(from, head);
      }
    } catch (e) {
      await events.abort();
      await checkpoints.abort();
      throw e;
    }
    const eventsFile = await events.close();
    const checkpointsFile = await checkpoints.close();
    const manifest: ExportManifest = {
      format: EXPORT_FORMAT,
      origin: options.origin,
      trustRoot: options.trustRoot,
      exportedAt: (options.now?.() ?? new Date()).toISOString(),
      counts: { events: events.lines, checkpoints: checkpoints.lines },
      head: { position: head },
      lastCheckpoint,
      files: { 'events.ndjson': eventsFile, 'checkpoints.ndjson': checkpointsFile },
    };
    const mfh = await open(join(tmp, 'manifest.json'), 'wx', 0o644);
    try {
      await mfh.writeFile(formatManifest(manifest), 'utf8');
      await mfh.sync();
    } finally {
      await mfh.close();
    }
    if (!tar) {
      await publishDir(tmp, target);
      return { path: target, manifest };
    }
    const archive = `${tmp}.tar.gz`;
    try {
      const entries = ['manifest.json', 'events.ndjson', 'checkpoints.ndjson'].map((name) => ({ name, path: join(tmp, name) }));
      await writeTarGz(archive, entries, Math.floor(Date.parse(manifest.exportedAt) / 1000));
      await publishFile(archive, target);
    } finally {
      await removeQuietly(archive);
      await removeQuietly(tmp);
    }
    return { path: target, manifest };
  } catch (e) {
    await removeQuietly(tmp);
    throw e;
  }
}
