import type { EventToAppend, ExpectedRevision, StreamPrecondition } from '../port.js';

export interface PendingAppend {
  readonly stream: string;
  readonly expected: ExpectedRevision;
  readonly events: readonly EventToAppend[];
  readonly preconditions: readonly StreamPrecondition[];
}

/**
 * Takes the next batch from the queue (removing what it takes, keeping the rest in order).
 * Within a batch no stream is appended twice, no append depends on a stream another member
 * appends, and no event id repeats: every member can be checked on its own against the
 * state before the batch, in one SQL statement (`ql_append_batch`).
 */
export function takeBatch<P extends PendingAppend>(queue: P[], maxEvents: number): P[] {
  const batch: P[] = [];
  const appended = new Set<string>();
  const referenced = new Set<string>();
  const ids = new Set<string>();
  let count = 0;
  for (let i = 0; i < queue.length;) {
    const p = queue[i] as P;
    if (batch.length > 0 && count + p.events.length > maxEvents) break;
    const conflicts =
      appended.has(p.stream) ||
      referenced.has(p.stream) ||
      p.preconditions.some((c) => appended.has(c.stream)) ||
      p.events.some((e) => ids.has(e.id));
    if (conflicts) {
      i++;
      continue;
    }
    batch.push(p);
    queue.splice(i, 1);
    count += p.events.length;
    appended.add(p.stream);
    for (const c of p.preconditions) referenced.add(c.stream);
    for (const e of p.events) ids.add(e.id);
  }
  return batch;
}

export type BatchStatus = 'ok' | 'rev' | 'pre' | 'dup';

export interface BatchRow {
  readonly idx: number;
  readonly status: BatchStatus;
  /** The stream's revision before the batch (-1: no stream). */
  readonly current: number;
  readonly firstPosition: number | null;
  /** `<stream> <actual revision>` of the first failed precondition. */
  readonly preconditionFailure: string | null;
  readonly newHead: number;
}

const NO_STREAM = -1;
const ANY = -2;

export const APPEND_BATCH_SQL = 'SELECT * FROM ql_append_batch($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)';

// A control character, or (with the u flag, surrogate pairs being one code point) a lone surrogate.
// eslint-disable-next-line no-control-regex
const NOT_PLAIN = /[\u0000-\u001f\ud800-\udfff]/u;

/**
 * A PostgreSQL text[] literal, as node-postgres would write it (each element in double quotes,
 * `\` and `"` escaped with a backslash), but escaped natively by JSON.stringify, which writes
 * exactly that for a well-formed string without control characters. Any other string (JSON
 * would write `\n` or `\udc00`, which PostgreSQL reads differently) leaves the array to
 * node-postgres: the result is then the array itself.
 */
export function textArray(values: readonly string[]): string | readonly string[] {
  for (const v of values) if (NOT_PLAIN.test(v)) return values;
  return `{${JSON.stringify(values).slice(1, -1)}}`;
}

/** Separates the events' JSON texts in one parameter: never in a JSON text (validateAppend). */
const DATA_SEPARATOR = '\u0001';

function joinedData(data: readonly string[]): string {
  for (const d of data) {
    if (d.includes(DATA_SEPARATOR)) throw new Error('an event data text holds U+0001: it is not JSON text (validateAppend refuses it)');
  }
  return data.join(DATA_SEPARATOR);
}

/** An int[] / bigint[] / uuid[] literal of values that need no quoting (integers, validated UUIDs). */
const plainArray = (values: readonly (number | string)[]): string => `{${values.join(',')}}`;

/**
 * The parameters of `ql_append_batch` (migration eventstore/3) for a batch, built in one pass,
 * every array already a literal: integers and event ids (lowercase UUIDs, checked by
 * validateAppend) need no quoting, the short text arrays go through `textArray`, and the
 * events' JSON texts are joined by U+0001 into one text (split by the function).
 */
export function batchParams(batch: readonly PendingAppend[], channel: string): unknown[] {
  const reqStream: string[] = [];
  const reqExpected: number[] = [];
  const reqCnt: number[] = [];
  const preIdx: number[] = [];
  const preStream: string[] = [];
  const preRev: number[] = [];
  const evIdx: number[] = [];
  const evI: number[] = [];
  const evId: string[] = [];
  const evType: string[] = [];
  const evData: string[] = [];
  for (let idx = 0; idx < batch.length; idx++) {
    const p = batch[idx] as PendingAppend;
    reqStream.push(p.stream);
    reqExpected.push(p.expected === 'no_stream' ? NO_STREAM : p.expected === 'any' ? ANY : p.expected);
    reqCnt.push(p.events.length);
    for (const c of p.preconditions) {
      preIdx.push(idx);
      preStream.push(c.stream);
      preRev.push(c.revision);
    }
    for (let i = 0; i < p.events.length; i++) {
      const e = p.events[i] as EventToAppend;
      evIdx.push(idx);
      evI.push(i);
      evId.push(e.id);
      evType.push(e.type);
      evData.push(e.data);
    }
  }
  return [
    textArray(reqStream),
    plainArray(reqExpected),
    plainArray(reqCnt),
    plainArray(preIdx),
    textArray(preStream),
    plainArray(preRev),
    plainArray(evIdx),
    plainArray(evI),
    plainArray(evId),
    textArray(evType),
    joinedData(evData),
    channel,
  ];
}

interface RawRow {
  idx: number;
  status: BatchStatus;
  cur: string;
  first_pos: string | null;
  pre_fail: string | null;
  new_head: string;
}

export function parseBatchRows(rows: readonly RawRow[]): BatchRow[] {
  return rows.map((r) => ({
    idx: Number(r.idx),
    status: r.status,
    current: Number(r.cur),
    firstPosition: r.first_pos === null ? null : Number(r.first_pos),
    preconditionFailure: r.pre_fail,
    newHead: Number(r.new_head),
  }));
}
