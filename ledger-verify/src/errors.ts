/** Stable codes of {@link FormatError}: part of the public API, never renamed. */
export type FormatErrorCode =
  | 'NOT_I_JSON'
  | 'NESTING_TOO_DEEP'
  | 'MALFORMED_JSON'
  | 'MALFORMED_ENVELOPE'
  | 'BAD_HASH'
  | 'BAD_KID'
  | 'BAD_KEY'
  | 'BAD_SIGNATURE_BYTES'
  | 'BAD_ORIGIN'
  | 'BAD_KEY_EVENT_DATA'
  | 'HASH_MISMATCH'
  | 'MALFORMED_NOTE'
  | 'MALFORMED_CHECKPOINT';

/**
 * A value that does not follow the ledger format. `path` is an RFC 6901 JSON pointer into the
 * value that was checked ('' for the value itself), e.g. `/data/items/3/x`.
 */
export class FormatError extends Error {
  override readonly name = 'FormatError';

  constructor(
    readonly code: FormatErrorCode,
    message: string,
    readonly path: string = '',
  ) {
    super(message);
  }
}

/** RFC 6901: `~` becomes `~0`, `/` becomes `~1`. */
export function jsonPointer(segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) {
    out += '/' + (typeof s === 'number' ? String(s) : s.replace(/~/g, '~0').replace(/\//g, '~1'));
  }
  return out;
}

/** Shortens untrusted text for an error message: one line, bounded length, no control characters. */
export function excerpt(text: string, max = 80): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}
