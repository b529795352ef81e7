import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { StoreEvidenceCommand } from '../../src/commands/evidence/store-evidence.command.js';
import { StoreEvidenceHandler } from '../../src/commands/evidence/store-evidence.handler.js';
import { LedgerError } from '../../src/domain/errors.js';
import { FsEvidenceStore } from '../../src/evidence/fs-evidence-store.js';
import type { Ledger } from '../../src/ledger/open-ledger.js';
import { meta, useLedgerFixture } from '../support/ledger-fixture.js';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
async function* chunks(...parts: string[]): AsyncIterable<Uint8Array> {
  for (const p of parts) yield Buffer.from(p);
}
async function readAll(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of it) out.push(Buffer.from(c));
  return Buffer.concat(out);
}
async function files(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { recursive: true })).sort();
  } catch {
    return [];
  }
}
const rejectsWith = (code: string) => (e: unknown) => e instanceof LedgerError && e.code === code;

describe('evidence: content-addressed blobs recorded in the ledger', () => {
  const ctx = useLedgerFixture();
  const setup = async (maxBytes = 1024) => {
    const dir = await mkdtemp(join(tmpdir(), 'qledger-evidence-'));
    const blobs = new FsEvidenceStore({ dir, maxBytes });
    const handler = new StoreEvidenceHandler({ writer: ctx.fx.writer } as unknown as Ledger, blobs);
    return { dir, blobs, handler };
  };

  it('stores the bytes under their digest and records EvidenceRecorded once', async () => {
    const { blobs, handler } = await setup();
    const body = 'scan report: 0 findings\n';
    const digest = sha(Buffer.from(body));
    const first = await handler.execute(new StoreEvidenceCommand(digest, 'text/plain', chunks('scan report', ': 0 findings\n'), meta()));
    assert.deepEqual(first, { sha256: digest, bytes: body.length, created: true });
    assert.equal((await readAll(await blobs.open(digest))).toString(), body);

    const again = await handler.execute(new StoreEvidenceCommand(digest, 'text/plain', chunks(body), meta()));
    assert.deepEqual(again, { sha256: digest, bytes: body.length, created: false });
    const events = await ctx.fx.store.readStream(`evidence-${digest}`);
    assert.deepEqual(
      events.map((e) => e.type),
      ['EvidenceRecorded'],
    );
    assert.equal(JSON.parse(events[0]!.data).data.bytes, body.length);
  });

  it('refuses bytes that do not match the digest, and keeps and appends nothing', async () => {
    const { dir, blobs, handler } = await setup();
    const claimed = sha(Buffer.from('the real report'));
    const head = await ctx.fx.store.headPosition();
    await assert.rejects(
      handler.execute(new StoreEvidenceCommand(claimed, 'text/plain', chunks('a forged report'), meta())),
      rejectsWith('EVIDENCE_DIGEST_MISMATCH'),
    );
    assert.equal(await ctx.fx.store.headPosition(), head);
    assert.equal(await blobs.stat(claimed), undefined);
    assert.deepEqual(await files(join(dir, 'tmp')), []);
    assert.deepEqual(await files(join(dir, 'sha256')), []);
  });

  it('refuses a blob over the size limit mid-stream, and keeps and appends nothing', async () => {
    const { dir, handler } = await setup(10);
    const body = '0123456789abcdef';
    const head = await ctx.fx.store.headPosition();
    await assert.rejects(
      handler.execute(new StoreEvidenceCommand(sha(Buffer.from(body)), 'text/plain', chunks('01234567', '89abcdef'), meta())),
      rejectsWith('EVIDENCE_TOO_LARGE'),
    );
    assert.equal(await ctx.fx.store.headPosition(), head);
    assert.deepEqual(await files(join(dir, 'tmp')), []);
  });

  it('refuses a malformed digest before reading anything', async () => {
    const { handler } = await setup();
    let pulled = false;
    async function* body(): AsyncIterable<Uint8Array> {
      pulled = true;
      yield Buffer.from('x');
    }
    await assert.rejects(
      handler.execute(new StoreEvidenceCommand('not-a-digest', 'text/plain', body(), meta())),
      rejectsWith('INVALID_DIGEST'),
    );
    assert.equal(pulled, false);
  });

  it('answers NotFound for an unknown blob', async () => {
    const { blobs } = await setup();
    await assert.rejects(blobs.open('0'.repeat(64)), rejectsWith('EVIDENCE_NOT_FOUND'));
  });
});
