import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

export interface TarEntry {
  /** Name inside the archive (at most 100 bytes of ASCII, no directories needed here). */
  readonly name: string;
  /** File to copy into the archive. */
  readonly path: string;
}

const BLOCK = 512;

/**
 * Writes a deterministic `.tar.gz` of `entries`, in the given order: POSIX ustar headers with
 * mode 0644, uid/gid 0, empty user and group names, the given mtime; gzip with the header's
 * mtime 0 and OS byte 255 (unknown), so the same files and mtime give the same bytes on every
 * platform. Streams each file: constant memory.
 */
export async function writeTarGz(out: string, entries: readonly TarEntry[], mtimeSeconds: number): Promise<void> {
  const sizes = await Promise.all(entries.map(async (e) => (await stat(e.path)).size));
  async function* blocks(): AsyncGenerator<Buffer> {
    for (const [i, e] of entries.entries()) {
      const size = sizes[i] as number;
      yield header(e.name, size, mtimeSeconds);
      let copied = 0;
      for await (const chunk of createReadStream(e.path)) {
        copied += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
      if (copied !== size) throw new Error(`${e.path} changed while it was archived`);
      const pad = (BLOCK - (size % BLOCK)) % BLOCK;
      if (pad > 0) yield Buffer.alloc(pad);
    }
    yield Buffer.alloc(2 * BLOCK); // end of archive
  }
  await pipeline(Readable.from(blocks()), createGzip({ level: 9 }), new FixGzipOs(), createWriteStream(out, { flags: 'wx', mode: 0o644 }));
}

/** One ustar header block. */
export function header(name: string, size: number, mtimeSeconds: number): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  if (nameBytes.length > 100 || !/^[\x21-\x7e]+$/.test(name))
    throw new Error(`tar entry name "${name}" must be 1-100 printable ASCII characters`);
  const h = Buffer.alloc(BLOCK);
  nameBytes.copy(h, 0);
  h.write('0000644\0', 100, 'ascii'); // mode
  h.write('0000000\0', 108, 'ascii'); // uid
  h.write('0000000\0', 116, 'ascii'); // gid
  writeNumber(h, 124, 12, size);
  writeNumber(h, 136, 12, mtimeSeconds);
  h.write('        ', 148, 'ascii'); // checksum placeholder
  h.write('0', 156, 'ascii'); // regular file
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write('0000000\0', 329, 'ascii'); // devmajor
  h.write('0000000\0', 337, 'ascii'); // devminor
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

/** Octal with a trailing NUL when it fits; the GNU/POSIX base-256 form for larger values (files over 8 GiB). */
function writeNumber(h: Buffer, offset: number, width: number, value: number): void {
  const octal = value.toString(8);
  if (octal.length < width) {
    h.write(`${octal.padStart(width - 1, '0')}\0`, offset, 'ascii');
    return;
  }
  h[offset] = 0x80;
  let v = BigInt(value);
  for (let i = offset + width - 1; i > offset; i--) {
    h[i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

/** zlib writes the build platform's OS code into the gzip header; pin it to 255 (unknown). */
class FixGzipOs extends Transform {
  private seen = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.seen <= 9 && this.seen + chunk.length > 9) {
      chunk = Buffer.from(chunk);
      chunk[9 - this.seen] = 0xff;
    }
    this.seen += chunk.length;
    done(null, chunk);
  }
}
