// Splits a byte stream into NDJSON lines in constant memory, strictly: every line ends with
// "\n" (a last line without one is a truncated write), lines are UTF-8 and bounded in length.
// The SHA-256 and length of the bytes are computed on the way, for the manifest's digests.

import { nodeCrypto } from '../crypto/platform.js';
import { bytesToHex, concatBytes } from '../encoding.js';
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
