import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SHA256_HEX } from '../domain/evidence/evidence.js';
import { NotFound, ValidationError } from '../domain/errors.js';
import type { EvidenceBlobStore, StoredBlob } from './evidence-store.js';

export interface FsEvidenceStoreOptions {
  readonly dir: string;
  readonly maxBytes: number;
}

/**
 * Blobs under `<dir>/sha256/<first two hex>/<digest>`. An upload streams into `<dir>/tmp/`
 * while it is hashed, is fsynced, and is renamed into place only when the digest matches:
 * a reader never sees a partial or wrong blob.
 */
export class FsEvidenceStore implements EvidenceBlobStore {
  constructor(private readonly options: FsEvidenceStoreOptions) {}

  async put(sha256: string, source: AsyncIterable<Uint8Array>): Promise<StoredBlob> {
    assertDigest(sha256);
    const tmpDir = join(this.options.dir, 'tmp');
    await mkdir(tmpDir, { recursive: true, mode: 0o700 });
    const tmp = join(tmpDir, `${randomUUID()}.part`);
    const hash = createHash('sha256');
    let bytes = 0;
    const file = await open(tmp, 'wx', 0o600);
    try {
      for await (const chunk of source) {
        bytes += chunk.byteLength;
        if (bytes > this.options.maxBytes) {
          throw new ValidationError(
            'EVIDENCE_TOO_LARGE',
            `evidence is larger than the ${this.options.maxBytes}-byte limit: split it or raise QLEDGER_EVIDENCE_MAX_BYTES`,
          );
        }
        hash.update(chunk);
        await file.write(chunk);
      }
      const actual = hash.digest('hex');
      if (actual !== sha256) {
        throw new ValidationError(
          'EVIDENCE_DIGEST_MISMATCH',
          `the uploaded bytes hash to ${actual}, not ${sha256}: upload the file the digest names`,
          [{ path: 'sha256', message: `bytes hash to ${actual}` }],
        );
      }
      await file.sync();
      await file.close();
      const target = this.pathOf(sha256);
      const existing = await sizeOf(target);
      if (existing !== undefined) {
        await rm(tmp, { force: true });
        return { sha256, bytes: existing, created: false };
      }
      await mkdir(join(this.options.dir, 'sha256', sha256.slice(0, 2)), { recursive: true, mode: 0o700 });
      await rename(tmp, target);
      return { sha256, bytes, created: true };
    } catch (err) {
      await file.close().catch(() => undefined);
      await rm(tmp, { force: true });
      throw err;
    }
  }

  async stat(sha256: string): Promise<number | undefined> {
    assertDigest(sha256);
    return sizeOf(this.pathOf(sha256));
  }

  async open(sha256: string): Promise<AsyncIterable<Uint8Array>> {
    if ((await this.stat(sha256)) === undefined) throw new NotFound('EVIDENCE_NOT_FOUND', `no evidence with sha256 ${sha256}`);
    return createReadStream(this.pathOf(sha256));
  }

  private pathOf(sha256: string): string {
    return join(this.options.dir, 'sha256', sha256.slice(0, 2), sha256);
  }
}

function assertDigest(sha256: string): void {
  if (!SHA256_HEX.test(sha256)) {
    throw new ValidationError('INVALID_DIGEST', 'the evidence digest must be 64 lowercase hex characters (SHA-256)', [
      { path: 'sha256', message: 'expected 64 lowercase hex characters' },
    ]);
  }
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
