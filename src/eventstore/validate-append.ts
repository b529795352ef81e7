import { ValidationError } from '../domain/errors.js';
import type { EventToAppend, ExpectedRevision, StreamPrecondition } from './port.js';
import { assertKnownStream } from './stream-name.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const EVENT_TYPE = /^[A-Za-z][A-Za-z0-9_.]{0,127}$/;
export const MAX_EVENTS_PER_APPEND = 10_000;

/**
 * A record whose `data` this process wrote itself as canonical JSON (the ledger writer's seal),
 * frozen at construction, so the text the canonicalizer produced is the text appended. Its JSON
 * is not parsed again; every other check still runs.
 */
export class CanonicalRecord implements EventToAppend {
  constructor(
    readonly id: string,
    readonly type: string,
    readonly data: string,
  ) {
    Object.freeze(this);
  }
}

export interface AppendLimits {
  readonly categories: ReadonlySet<string>;
  readonly maxEventBytes: number;
}

/**
 * Everything that can be checked without the database, checked before anything is
 * queued: a rejected append never reaches a transaction.
 */
export function validateAppend(
  stream: string,
  expected: ExpectedRevision,
  events: readonly EventToAppend[],
  preconditions: readonly StreamPrecondition[],
  limits: AppendLimits,
): void {
  assertKnownStream(stream, limits.categories);
  if (expected !== 'any' && expected !== 'no_stream' && !(Number.isSafeInteger(expected) && expected >= 0)) {
    throw new ValidationError(
      'INVALID_EXPECTED_REVISION',
      `expected revision must be "no_stream", "any" or a non-negative integer (got ${String(expected)})`,
    );
  }
  if (events.length === 0) {
    throw new ValidationError('EMPTY_APPEND', `append to "${stream}" has no events: pass at least one event`);
  }
  if (events.length > MAX_EVENTS_PER_APPEND) {
    throw new ValidationError(
      'APPEND_TOO_LARGE',
      `append to "${stream}" has ${events.length} events: at most ${MAX_EVENTS_PER_APPEND} per call`,
    );
  }
  const ids = new Set<string>();
  events.forEach((e, i) => {
    if (typeof e.id !== 'string' || !UUID.test(e.id)) {
      throw new ValidationError('INVALID_EVENT_ID', `event ${i} of "${stream}": id must be a lowercase UUID`, [
        { path: `events/${i}/id`, message: 'expected a lowercase UUID' },
      ]);
    }
    if (ids.has(e.id)) {
      throw new ValidationError('DUPLICATE_EVENT_ID', `event ${i} of "${stream}" repeats id ${e.id} within one append`, [
        { path: `events/${i}/id`, message: 'duplicate id' },
      ]);
    }
    ids.add(e.id);
    if (typeof e.type !== 'string' || !EVENT_TYPE.test(e.type)) {
      throw new ValidationError('INVALID_EVENT_TYPE', `event ${i} of "${stream}": type must match ${EVENT_TYPE.source}`, [
        { path: `events/${i}/type`, message: 'invalid event type name' },
      ]);
    }
    if (typeof e.data !== 'string') {
      throw new ValidationError('INVALID_EVENT_DATA', `event ${i} of "${stream}": data must be JSON text`, [
        { path: `events/${i}/data`, message: 'expected JSON text' },
      ]);
    }
    const bytes = Buffer.byteLength(e.data, 'utf8');
    if (bytes > limits.maxEventBytes) {
      throw new ValidationError(
        'EVENT_TOO_LARGE',
        `event ${i} of "${stream}" is ${bytes} bytes: the limit is ${limits.maxEventBytes} (QLEDGER_MAX_EVENT_BYTES); store large evidence as a blob and reference its digest`,
        [{ path: `events/${i}/data`, message: `${bytes} bytes > ${limits.maxEventBytes}` }],
      );
    }
    try {
      if (!(e instanceof CanonicalRecord)) JSON.parse(e.data);
    } catch {
      throw new ValidationError('INVALID_EVENT_DATA', `event ${i} of "${stream}": data is not valid JSON`, [
        { path: `events/${i}/data`, message: 'not valid JSON' },
      ]);
    }
  });
  for (const p of preconditions) {
    assertKnownStream(p.stream, limits.categories);
    if (!Number.isSafeInteger(p.revision) || p.revision < -1) {
      throw new ValidationError('INVALID_PRECONDITION', `precondition on "${p.stream}": revision must be an integer >= -1`);
    }
  }
}
