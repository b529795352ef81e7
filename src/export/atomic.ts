import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, link, mkdir, open, rename, rm, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { IllegalState } from '../domain/errors.js';

/** Fails with one clear line when the target exists: an export never overwrites anything. */
export async function refuseExisting(target: string): Promise<void> {
  if (await exists(target)) {
    throw new IllegalState(
      'EXPORT_TARGET_EXISTS',
      `${target} already exists: choose a new path or remove it first (an export never overwrites)`,
    );
  }
}

export async function exists(path: string): Promise<boolean> {
  try {
    await access(path, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}

/** A fresh temporary directory next to `target` (same file system, so the final rename is atomic). */
export async function tempDirNextTo(target: string): Promise<string> {
  const dir = join(dirname(target), `.${basename(target)}.tmp-${randomBytes(6).toString('hex')}`);
  await mkdir(dir, { mode: 0o755 });
  return dir;
}

export async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Renames a finished directory into place, refusing an existing target, and makes the rename durable. */
export async function publishDir(tmp: string, target: string): Promise<void> {
  await fsyncPath(tmp);
  await refuseExisting(target); // rename(2) would replace an empty directory silently
  await rename(tmp, target);
  await fsyncPath(dirname(target));
}

/** Moves a finished file into place without ever replacing an existing one (link(2) fails on EEXIST). */
export async function publishFile(tmp: string, target: string): Promise<void> {
  await fsyncPath(tmp);
  try {
    await link(tmp, target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') await refuseExisting(target);
    throw e;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
  await fsyncPath(dirname(target));
}

export async function removeQuietly(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true }).catch(() => undefined);
}
