// lineBatches (undecoded batches, for the export verifier) must read exactly what splitLines
// reads: the same lines, the same digest, and the same InputError (code, message, line) on
// invalid UTF-8, an over-long line or a missing final newline, however the bytes are chunked.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InputError } from '../src/index.js';
import { lineBatches, splitLines, type ByteDigest } from '../src/io/lines.js';
import { indexOfBytes } from '../src/encoding.js';
import { rng } from './helpers/random.js';

type Outcome = { lines: string[]; digest: ByteDigest | undefined; error: string | undefined };

async function* chunked(bytes: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const n = Math.max(1, sizes[i % sizes.length] as number);
    yield bytes.slice(at, at + n);
    at += n;
  }
}

async function viaSplit(bytes: Uint8Array, sizes: number[], max: number): Promise<Outcome> {
  const lines: string[] = [];
  let digest: ByteDigest | undefined;
  try {
    for await (const l of splitLines(chunked(bytes, sizes), 'f', (d) => (digest = d), max)) lines.push(l);
    return { lines, digest, error: undefined };
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { lines, digest, error: `${e.code} ${e.message} ${String(e.line)}` };
  }
}

async function viaBatches(bytes: Uint8Array, sizes: number[], max: number, perBatch: number): Promise<Outcome> {
  const lines: string[] = [];
  let digest: ByteDigest | undefined;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const b of lineBatches(chunked(bytes, sizes), 'f', perBatch, (d) => (digest = d), max)) {
      assert.ok(b.ends.length >= 1 && b.ends.length <= perBatch);
      assert.equal(b.firstLine, lines.length + 1);
      assert.equal(b.bytes.byteOffset, 0, 'a batch owns its buffer (it is transferred)');
      assert.equal(b.bytes.byteLength, b.bytes.buffer.byteLength);
      assert.equal(b.bytes[b.bytes.length - 1], 10);
      let start = 0;
      for (const end of b.ends) {
        assert.equal(b.bytes[end], 10);
        lines.push(decoder.decode(b.bytes.subarray(start, end)));
        start = end + 1;
      }
      assert.equal(start, b.bytes.length);
    }
    return { lines, digest, error: undefined };
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { lines, digest, error: `${e.code} ${e.message} ${String(e.line)}` };
  }
}

const PIECES = ['a', '{"k":1}', 'é', '😀', '\n', '\n', '\n', 'xyz', '"ledger-keys"'];

function sample(r: () => number): Uint8Array {
  const parts: number[] = [];
  const n = Math.floor(r() * 60);
  for (let i = 0; i < n; i++) {
    const p = r();
    if (p < 0.03)
      parts.push(0xff); // never valid in UTF-8
    else if (p < 0.05)
      parts.push(0xe2, 0x82); // a cut sequence
    else parts.push(...new TextEncoder().encode(PIECES[Math.floor(r() * PIECES.length)] as string));
  }
  return Uint8Array.from(parts);
}

describe('lineBatches', () => {
  test('given random inputs (invalid UTF-8, long lines, no final newline) in random chunks, then lines, digest and error are those of splitLines', async () => {
    const r = rng(20261123);
    for (let i = 0; i < 1500; i++) {
      const bytes = sample(r);
      const sizes = [1 + Math.floor(r() * 9), 1 + Math.floor(r() * 40), 1 + Math.floor(r() * 3)];
      const max = 4 + Math.floor(r() * 30);
      const perBatch = 1 + Math.floor(r() * 5);
      const a = await viaSplit(bytes, sizes, max);
      const b = await viaBatches(bytes, sizes, max, perBatch);
      assert.deepEqual(b, a, `case ${i}: ${Buffer.from(bytes).toString('hex')} chunks ${sizes.join(',')} max ${max} batch ${perBatch}`);
    }
  });

  test('indexOfBytes finds a byte string like Buffer#indexOf does', () => {
    const hay = new TextEncoder().encode('xx"ledger-keys" "ledger-keys"');
    const needle = new TextEncoder().encode('"ledger-keys"');
    assert.equal(indexOfBytes(hay, needle, 0), 2);
    assert.equal(indexOfBytes(hay, needle, 3), 16);
    assert.equal(indexOfBytes(hay, needle, 17), -1);
    assert.equal(indexOfBytes(hay, needle, 100), -1);
  });
});
