// A minimal, defensive reader of ustar/pax archives (as `tar` and Node writers produce), enough
// to stream the regular files of an export out of a .tar.gz in constant memory. Only regular
// files at the archive root are returned; directories and pax headers are skipped, links and
// devices are refused. Truncated or corrupt archives are InputErrors, never crashes.

import type * as FsPromises from 'node:fs/promises';
import type * as Zlib from 'node:zlib';
import { InputError } from '../verify/ledger.js';

const BLOCK = 512;
const READ_CHUNK = 256 * 1024;

function builtin<T>(id: string): T {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = proc?.getBuiltinModule?.(id) as T | undefined;
  if (!mod) throw new InputError('INPUT_UNREADABLE', `reading archives needs ${id}`);
  return mod;
}

function ioError(path: string, e: unknown): InputError {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
  const reasons: Record<string, string> = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'is a directory' };
  if (code === 'Z_BUF_ERROR') return new InputError('INPUT_TRUNCATED', `${path}: the gzip stream ends early (truncated file?)`);
  if (code.startsWith('Z_') || code === 'ERR_BUFFER_TOO_LARGE')
    return new InputError('INPUT_UNREADABLE', `${path}: not a valid gzip stream (${code})`);
  return new InputError(
    'INPUT_UNREADABLE',
    `cannot read ${path}: ${reasons[code] ?? (e instanceof Error ? e.message.split('\n')[0] : String(e))}`,
  );
}

/** Resolves on 'drain', or on 'close' when the stream is destroyed while full (a reader that stopped early). */
function drainedOrClosed(stream: Zlib.Gunzip): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}

/** The decompressed bytes of a .tar.gz file, in chunks. */
async function* gunzipFile(path: string): AsyncGenerator<Uint8Array> {
  const fs = builtin<typeof FsPromises>('node:fs/promises');
  const zlib = builtin<typeof Zlib>('node:zlib');
  let handle: FsPromises.FileHandle;
  try {
    handle = await fs.open(path, 'r');
  } catch (e) {
    throw ioError(path, e);
  }
  const gunzip = zlib.createGunzip({ chunkSize: READ_CHUNK });
  const pump = (async () => {
    try {
      const buf = new Uint8Array(READ_CHUNK);
      for (;;) {
        const { bytesRead } = await handle.read(buf, 0, READ_CHUNK, null);
        if (bytesRead === 0) break;
        const chunk = buf.slice(0, bytesRead);
        if (gunzip.destroyed) return; // the reader stopped early
        if (!gunzip.write(chunk)) await drainedOrClosed(gunzip);
      }
      if (!gunzip.destroyed) gunzip.end();
    } catch (e) {
      gunzip.destroy(e instanceof Error ? e : new Error(String(e)));
    }
  })();
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) yield new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  } catch (e) {
    throw e instanceof InputError ? e : ioError(path, e);
  } finally {
    gunzip.destroy();
    await pump.catch(() => undefined);
    await handle.close();
  }
}

/** Reads exactly n bytes (or fewer at the end) from a chunk stream, keeping the remainder. */
class ByteReader {
  private buf: Uint8Array = new Uint8Array(0);
  private off = 0;

  constructor(private readonly it: AsyncIterator<Uint8Array>) {}

  private get available(): number {
    return this.buf.length - this.off;
  }

  /** Up to `max` bytes (at least 1 unless at the end); a view valid until the next call. */
  async some(max: number): Promise<Uint8Array | undefined> {
    if (this.available === 0) {
      const next = await this.it.next();
      if (next.done) return undefined;
      this.buf = next.value;
      this.off = 0;
      if (this.buf.length === 0) return this.some(max);
    }
    const n = Math.min(max, this.available);
    const out = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return out;
  }

  async exactly(n: number): Promise<Uint8Array | undefined> {
    const out = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      const part = await this.some(n - got);
      if (!part) return got === 0 ? undefined : out.subarray(0, got);
      out.set(part, got);
      got += part.length;
    }
    return out;
  }

  async skip(n: number): Promise<boolean> {
    let left = n;
    while (left > 0) {
      const part = await this.some(Math.min(left, READ_CHUNK));
      if (!part) return false;
      left -= part.length;
    }
    return true;
  }
}

function text(block: Uint8Array, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return new TextDecoder().decode(end < 0 ? field : field.subarray(0, end));
}

function octal(block: Uint8Array, start: number, length: number, path: string): number {
  const s = text(block, start, length).trim();
  if (!/^[0-7]{1,12}$/.test(s)) throw new InputError('INPUT_UNREADABLE', `${path}: corrupt tar header (size field "${s.slice(0, 20)}")`);
  const n = parseInt(s, 8);
  if (!Number.isSafeInteger(n)) throw new InputError('INPUT_UNREADABLE', `${path}: corrupt tar header (size too large)`);
  return n;
}

function checksumOk(block: Uint8Array): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (block[i] as number);
  const stored = text(block, 148, 8).trim();
  return /^[0-7]+$/.test(stored) && parseInt(stored, 8) === sum;
}

function paxPath(data: Uint8Array): string | undefined {
  const records = new TextDecoder().decode(data);
  let i = 0;
  while (i < records.length) {
    const space = records.indexOf(' ', i);
    const len = Number(records.slice(i, space));
    if (space < 0 || !Number.isSafeInteger(len) || len <= 0) return undefined;
    const record = records.slice(space + 1, i + len - 1);
    if (record.startsWith('path=')) return record.slice(5);
    i += len;
  }
  return undefined;
}

/** Strips "./" and one leading directory level (an archive of the directory itself). */
function rootName(name: string): string {
  const clean = name.replace(/^\.\//, '');
  return clean;
}

export interface TarEntryInfo {
  readonly name: string;
  readonly size: number;
}

/**
 * Streams the bytes of the regular file `wanted` (a name at the archive root) out of a .tar.gz.
 * Calls `onEntry` for every regular file passed over (for listings). Throws InputError
 * INPUT_UNREADABLE when the archive is corrupt or truncated, or when the entry is missing.
 */
export async function* tarGzEntry(
  path: string,
  wanted: string | undefined,
  onEntry?: (e: TarEntryInfo) => void,
): AsyncGenerator<Uint8Array> {
  // The gunzip generator holds the file open: it is closed (return()) however this one ends,
  // including when the wanted entry is done or the consumer stops early (no FileHandle is left
  // for the garbage collector, DEP0137).
  const gunzipped = gunzipFile(path);
  const reader = new ByteReader(gunzipped);
  try {
    let nextName: string | undefined;
    for (;;) {
      const header = await reader.exactly(BLOCK);
      if (!header) break; // no end-of-archive blocks: accepted (some writers omit them)
      if (header.length < BLOCK) throw new InputError('INPUT_TRUNCATED', `${path}: the archive ends inside a tar header (truncated?)`);
      if (header.every((b) => b === 0)) break;
      if (!checksumOk(header)) throw new InputError('INPUT_UNREADABLE', `${path}: corrupt tar header (bad checksum)`);
      const size = octal(header, 124, 12, path);
      const type = String.fromCharCode(header[156] as number);
      const prefix = text(header, 345, 155);
      const name = nextName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
      nextName = undefined;
      const padded = Math.ceil(size / BLOCK) * BLOCK;
      if (type === 'x' || type === 'L') {
        if (size > 1 << 20) throw new InputError('INPUT_UNREADABLE', `${path}: oversized tar extended header`);
        const data = await reader.exactly(padded);
        if (!data || data.length < padded)
          throw new InputError('INPUT_TRUNCATED', `${path}: the archive ends inside an entry (truncated?)`);
        nextName = type === 'x' ? paxPath(data.subarray(0, size)) : text(data, 0, size);
        continue;
      }
      if (type === 'g' || type === '5') {
        if (!(await reader.skip(padded))) throw new InputError('INPUT_TRUNCATED', `${path}: the archive ends inside an entry (truncated?)`);
        continue;
      }
      if (type !== '0' && type !== '\0' && type !== '7') {
        throw new InputError(
          'INPUT_UNREADABLE',
          `${path}: entry "${name.slice(0, 100)}" is not a regular file (type ${JSON.stringify(type)})`,
        );
      }
      const entry = rootName(name);
      onEntry?.({ name: entry, size });
      if (entry === wanted) {
        let left = size;
        while (left > 0) {
          const part = await reader.some(Math.min(left, READ_CHUNK));
          if (!part) throw new InputError('INPUT_TRUNCATED', `${path}: the archive ends inside ${entry} (truncated?)`);
          left -= part.length;
          yield part;
        }
        return;
      }
      if (!(await reader.skip(padded))) throw new InputError('INPUT_TRUNCATED', `${path}: the archive ends inside an entry (truncated?)`);
    }
    if (wanted !== undefined) throw new InputError('INPUT_UNREADABLE', `${path}: the archive has no ${wanted}`);
  } finally {
    await gunzipped.return(undefined);
  }
}

/** Names and sizes of the regular files in a .tar.gz. */
export async function listTarGz(path: string): Promise<TarEntryInfo[]> {
  const out: TarEntryInfo[] = [];
  for await (const _ of tarGzEntry(path, undefined, (e) => out.push(e))) {
    // nothing is yielded when no entry is wanted
  }
  return out;
}
