import { fileChunks } from '../io/files.js';
import { splitLines } from '../io/lines.js';
import { InputError, type LineSource } from './ledger.js';

/** A longer line is refused rather than buffered without bound. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/**
 * NDJSON lines of a file, streamed in constant memory (one chunk plus the current line).
 * Every line must end with "\n": a last line without one is a truncated write
 * (INPUT_TRUNCATED). Lines must be UTF-8 (INVALID_UTF8) and at most MAX_LINE_BYTES. The
 * file's SHA-256 is compared between passes (INPUT_CHANGED).
 */
export function ndjsonFileSource(path: string, maxLineBytes = MAX_LINE_BYTES): LineSource {
  let firstDigest: string | undefined;
  return async function* lines(): AsyncGenerator<string> {
    let digest: string | undefined;
    yield* splitLines(fileChunks(path), '', (d) => (digest = d.sha256), maxLineBytes);
    if (firstDigest === undefined) firstDigest = digest;
    else if (digest !== firstDigest) throw new InputError('INPUT_CHANGED', `${path} changed while it was being verified`);
  };
}
