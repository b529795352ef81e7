import type * as FsPromises from 'node:fs/promises';
import { bytesToHex, concatBytes } from '../encoding.js';
import { nodeCrypto } from '../crypto/platform.js';
import { InputError, type LineSource } from './ledger.js';

const CHUNK = 64 * 1024;
/** A longer line is refused rather than buffered without bound. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

function fsPromises(): typeof FsPromises {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const fs = proc?.getBuiltinModule?.('node:fs/promises') as typeof FsPromises | undefined;
  if (!fs) throw new InputError('INPUT_UNREADABLE', 'reading files needs node:fs');
  return fs;
}

function describeOpenError(path: string, e: unknown): InputError {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
  const reason: Record<string, string> = {
    ENOENT: 'no such file',
    EACCES: 'permission denied',
    EISDIR: 'is a directory',
    EPERM: 'permission denied',
  };
  return new InputError(
    'INPUT_UNREADABLE',
    `cannot read ${path}: ${reason[code] ?? (e instanceof Error ? e.message.split('\n')[0] : String(e))}`,
  );
}

/**
 * NDJSON lines of a file, streamed in constant memory (one 64 KiB buffer plus the current
 * line). Every line must end with "\n": a last line without one is a truncated write
 * (INPUT_TRUNCATED). Lines must be UTF-8 (INVALID_UTF8) and at most MAX_LINE_BYTES. The
 * file's SHA-256 is compared between passes (INPUT_CHANGED).
 */
export function ndjsonFileSource(path: string, maxLineBytes = MAX_LINE_BYTES): LineSource {
  let firstDigest: string | undefined;
  return async function* lines(): AsyncGenerator<string> {
    const fs = fsPromises();
    let handle: FsPromises.FileHandle;
    try {
      handle = await fs.open(path, 'r');
      if (!(await handle.stat()).isFile()) {
        await handle.close();
        throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
      }
    } catch (e) {
      throw describeOpenError(path, e);
    }
    const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    const hash = nodeCrypto?.createHash('sha256');
    const buffer = new Uint8Array(CHUNK);
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    let line = 0;
    const decode = (bytes: Uint8Array): string => {
      line++;
      try {
        return decoder.decode(bytes);
      } catch {
        throw new InputError('INVALID_UTF8', `line ${line}: not valid UTF-8`, line);
      }
    };
    try {
      for (;;) {
        let read: number;
        try {
          ({ bytesRead: read } = await handle.read(buffer, 0, CHUNK, null));
        } catch (e) {
          throw describeOpenError(path, e);
        }
        if (read === 0) break;
        const chunk = buffer.subarray(0, read);
        hash?.update(chunk);
        let start = 0;
        for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
          const piece = chunk.subarray(start, nl);
          let text: string;
          if (pending.length === 0) {
            text = decode(piece);
          } else {
            pending.push(piece);
            text = decode(concatBytes(...pending));
            pending = [];
            pendingBytes = 0;
          }
          yield text;
          start = nl + 1;
        }
        if (start < read) {
          pending.push(chunk.slice(start)); // copy: the buffer is reused by the next read
          pendingBytes += read - start;
          if (pendingBytes > maxLineBytes)
            throw new InputError('LINE_TOO_LONG', `line ${line + 1}: longer than ${maxLineBytes} bytes`, line + 1);
        }
      }
      if (pendingBytes > 0) {
        throw new InputError('INPUT_TRUNCATED', `line ${line + 1}: the last line has no final newline (truncated file?)`, line + 1);
      }
    } finally {
      await handle.close();
    }
    const digest = hash ? bytesToHex(hash.digest()) : undefined;
    if (firstDigest === undefined) firstDigest = digest;
    else if (digest !== firstDigest) throw new InputError('INPUT_CHANGED', `${path} changed while it was being verified`);
  };
}
