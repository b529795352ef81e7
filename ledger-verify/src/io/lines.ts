// Splits a byte stream into NDJSON lines in constant memory, strictly: every line ends with
// "\n" (a last line without one is a truncated write), lines are UTF-8 and bounded in length.
// The SHA-256 and length of the bytes are computed on the way, for the manifest's digests.

import { nodeCrypto } from '../crypto/platform.js';
import { byteSearch, bytesToHex, concatBytes } from '../encoding.js';
import { InputError } from '../verify/ledger.js';

/** A longer line is refused rather than buffered without bound. */
export const MAX_EXPORT_LINE_BYTES = 16 * 1024 * 1024;

export interface ByteDigest {
  sha256: string;
  bytes: number;
}

/**
 * Lines (without their "\n") of `chunks`. `file` names the input in error messages ('' for a
 * single input, whose messages then start at "line N"). When the iteration completes, `digest`
 * (if given) receives the SHA-256 and byte count of all bytes.
 */
export async function* splitLines(
  chunks: AsyncIterable<Uint8Array>,
  file: string,
  digest?: (d: ByteDigest) => void,
  maxLineBytes = MAX_EXPORT_LINE_BYTES,
): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const hash = digest ? nodeCrypto?.createHash('sha256') : undefined;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let line = 0;
  let total = 0;
  const where = file === '' ? '' : `${file} `;
  const decode = (bytes: Uint8Array): string => {
    line++;
    try {
      return decoder.decode(bytes);
    } catch {
      throw new InputError('INVALID_UTF8', `${where}line ${line}: not valid UTF-8`, line);
    }
  };
  for await (const chunk of chunks) {
    hash?.update(chunk);
    total += chunk.length;
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
    if (start < chunk.length) {
      pending.push(chunk.slice(start)); // copy: the producer may reuse its buffer
      pendingBytes += chunk.length - start;
      if (pendingBytes > maxLineBytes)
        throw new InputError('LINE_TOO_LONG', `${where}line ${line + 1}: longer than ${maxLineBytes} bytes`, line + 1);
    }
  }
  if (pendingBytes > 0) {
    throw new InputError('INPUT_TRUNCATED', `${where}line ${line + 1}: the last line has no final newline (truncated file?)`, line + 1);
  }
  if (digest) digest({ sha256: hash ? bytesToHex(hash.digest()) : '', bytes: total });
}

/** Complete NDJSON lines in one buffer of their own (transferable), each with its final "\n". */
export interface LineBatch {
  /** The bytes of the lines, every one ending with "\n". */
  readonly bytes: Uint8Array;
  /** Offset in `bytes` of each line's "\n". */
  readonly ends: readonly number[];
  /** 1-based number of the first line. */
  readonly firstLine: number;
}

interface NodeBufferModule {
  readonly isUtf8?: (input: Uint8Array) => boolean;
}

const isUtf8: ((input: Uint8Array) => boolean) | undefined = (() => {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = proc?.getBuiltinModule?.('node:buffer') as NodeBufferModule | undefined;
  return typeof mod?.isUtf8 === 'function' ? mod.isUtf8 : undefined;
})();

const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function validUtf8(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return true;
  if (isUtf8) return isUtf8(bytes);
  try {
    strictDecoder.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * As {@link splitLines}, with the same rules and errors, but in batches of up to `maxLines`
 * lines in fresh buffers, without decoding them: UTF-8 is checked on the whole batch
 * (node:buffer isUtf8 where available), and a failure names the first bad line. A newline byte
 * never occurs inside a UTF-8 sequence, so checking line by line or batch by batch agree.
 */
export async function* lineBatches(
  chunks: AsyncIterable<Uint8Array>,
  file: string,
  maxLines: number,
  digest?: (d: ByteDigest) => void,
  maxLineBytes = MAX_EXPORT_LINE_BYTES,
): AsyncGenerator<LineBatch> {
  const hash = digest ? nodeCrypto?.createHash('sha256') : undefined;
  const where = file === '' ? '' : `${file} `;
  let parts: Uint8Array[] = []; // bytes since the end of the last batch
  let partsBytes = 0;
  let ends: number[] = [];
  let firstLine = 1;
  let total = 0;
  let lineStart = 0; // offset (within the pending bytes) where the current line starts
  /** The pending lines as a batch; when one is not UTF-8, the lines before it and the error (splitLines yields those lines first). */
  const take = (): { batch: LineBatch | undefined; error: InputError | undefined } => {
    let bytes = parts.length === 1 ? (parts[0] as Uint8Array) : concatBytes(...parts);
    let good = ends;
    let error: InputError | undefined;
    if (!validUtf8(bytes)) {
      let start = 0;
      for (let i = 0; i < ends.length; i++) {
        const end = ends[i] as number;
        if (!validUtf8(bytes.subarray(start, end))) {
          const n = firstLine + i;
          error = new InputError('INVALID_UTF8', `${where}line ${n}: not valid UTF-8`, n);
          good = ends.slice(0, i);
          bytes = bytes.slice(0, start);
          break;
        }
        start = end + 1;
      }
    }
    const batch: LineBatch | undefined = good.length > 0 ? { bytes, ends: good, firstLine } : undefined;
    firstLine += ends.length;
    parts = [];
    partsBytes = 0;
    ends = [];
    lineStart = 0;
    return { batch, error };
  };
  for await (const chunk of chunks) {
    hash?.update(chunk);
    total += chunk.length;
    let start = 0; // start in chunk of the bytes not yet in parts
    const search = byteSearch(chunk);
    for (let nl = search.indexOf(10, 0); nl !== -1; nl = search.indexOf(10, nl + 1)) {
      ends.push(partsBytes + (nl - start));
      lineStart = partsBytes + (nl - start) + 1;
      if (ends.length === maxLines) {
        parts.push(chunk.slice(start, nl + 1)); // copy: the producer may reuse its buffer
        partsBytes += nl + 1 - start;
        start = nl + 1;
        const t = take();
        if (t.batch) yield t.batch;
        if (t.error) throw t.error;
      }
    }
    if (start < chunk.length) {
      parts.push(chunk.slice(start));
      partsBytes += chunk.length - start;
      if (partsBytes - lineStart > maxLineBytes) {
        const n = firstLine + ends.length;
        if (ends.length > 0) yield* complete();
        throw new InputError('LINE_TOO_LONG', `${where}line ${n}: longer than ${maxLineBytes} bytes`, n);
      }
    }
  }
  if (partsBytes > lineStart) {
    const n = firstLine + ends.length;
    if (ends.length > 0) yield* complete();
    throw new InputError('INPUT_TRUNCATED', `${where}line ${n}: the last line has no final newline (truncated file?)`, n);
  }
  if (ends.length > 0) {
    const t = take();
    if (t.batch) yield t.batch;
    if (t.error) throw t.error;
  }
  if (digest) digest({ sha256: hash ? bytesToHex(hash.digest()) : '', bytes: total });

  /** Before an error about the line being read, the complete lines before it (checked first, as splitLines yields them first). */
  function* complete(): Generator<LineBatch> {
    const all = concatBytes(...parts).subarray(0, lineStart);
    parts = [all.slice()];
    partsBytes = all.length;
    const t = take();
    if (t.batch) yield t.batch;
    if (t.error) throw t.error;
  }
}
