import { ValidationError } from '../domain/errors.js';

/** `<category>-<id>`: a lowercase category, a dash, then an id of 1-200 safe characters. */
const STREAM_NAME = /^([a-z][a-z0-9]{0,31})-([A-Za-z0-9._:-]{1,200})$/;

export function streamCategory(stream: string): string {
  const m = STREAM_NAME.exec(stream);
  if (!m) {
    throw new ValidationError(
      'INVALID_STREAM_NAME',
      `stream name "${truncate(stream)}" is invalid: expected <category>-<id>, e.g. run-01J9..., with a lowercase category`,
      [{ path: 'stream', message: 'expected <category>-<id>' }],
    );
  }
  return m[1] as string;
}

/** Throws unless the stream name is well formed and its category is known. */
export function assertKnownStream(stream: string, categories: ReadonlySet<string>): void {
  const category = streamCategory(stream);
  if (!categories.has(category)) {
    throw new ValidationError(
      'UNKNOWN_STREAM_CATEGORY',
      `stream "${truncate(stream)}" has unknown category "${category}": known categories are ${[...categories].sort().join(', ')}`,
      [{ path: 'stream', message: `unknown category "${category}"` }],
    );
  }
}

function truncate(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
