// Reading local files without a static import of node:fs, so the package still loads where
// there is none (files are then refused as INPUT_UNREADABLE).

import type * as FsPromises from 'node:fs/promises';
import { InputError } from '../verify/ledger.js';

const CHUNK = 256 * 1024;

export function fsPromises(): typeof FsPromises {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const fs = proc?.getBuiltinModule?.('node:fs/promises') as typeof FsPromises | undefined;
  if (!fs) throw new InputError('INPUT_UNREADABLE', 'reading files needs node:fs');
  return fs;
}

/** INPUT_UNREADABLE naming the file and, for the usual errno codes, the reason in words. */
export function unreadable(path: string, e: unknown): InputError {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
  const reasons: Record<string, string> = {
    ENOENT: 'no such file',
    EACCES: 'permission denied',
    EISDIR: 'is a directory',
    EPERM: 'permission denied',
  };
  return new InputError(
    'INPUT_UNREADABLE',
    `cannot read ${path}: ${reasons[code] ?? (e instanceof Error ? e.message.split('\n')[0] : String(e))}`,
  );
}

/** The bytes of a regular file, in fresh chunks (a consumer may keep them); the file is closed however the iteration ends. */
export async function* fileChunks(path: string): AsyncGenerator<Uint8Array> {
  const fs = fsPromises();
  let handle: FsPromises.FileHandle;
  try {
    handle = await fs.open(path, 'r');
    if (!(await handle.stat()).isFile()) {
      await handle.close();
      throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
    }
  } catch (e) {
    throw unreadable(path, e);
  }
  try {
    for (;;) {
      const buf = new Uint8Array(CHUNK);
      let read: number;
      try {
        ({ bytesRead: read } = await handle.read(buf, 0, CHUNK, null));
      } catch (e) {
        throw unreadable(path, e);
      }
      if (read === 0) break;
      yield buf.subarray(0, read);
    }
  } finally {
    await handle.close();
  }
}
