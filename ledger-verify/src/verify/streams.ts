import type { EventEnvelope } from '../envelope/types.js';
import type { FailureLog, PendingFailure, Where } from './report.js';

/** A run of missing revisions, kept open in case the events show up later (a reordering). */
interface Gap {
  /** First and last missing revision. */
  from: number;
  readonly to: number;
  /** Hash of revision from - 1 (null when from is 0). */
  prevHash: string | null;
  /** The event right after the gap, and its prev. */
  readonly after: Where;
  readonly afterPrev: string | null;
  readonly failure: PendingFailure;
}

interface StreamState {
  revision: number;
  hash: string;
  id: string;
  gap: Gap | undefined;
}

const short = (h: string | null): string => (h === null ? 'null' : `${h.slice(0, 12)}…`);

/** What the chain rule reads of an event (the caller's object is not kept). */
export type ChainedEvent = Pick<EventEnvelope, 'stream' | 'revision' | 'prev' | 'hash' | 'id'>;

/** Where an event is, or a function computing it: called only when a failure is recorded. */
export type LazyWhere = Where | (() => Where);

const at = (w: LazyWhere): Where => (typeof w === 'function' ? w() : w);

/**
 * The per-stream hash chain rule: revisions 0, 1, 2, ... in global order, each event's prev
 * equal to the hash of the stream's previous event (null at 0). Memory is one small record
 * per stream, not per event. Each anomaly gets its own code:
 *   STREAM_REVISION_GAP         revisions missing (deleted events), reported at the next event
 *   STREAM_REORDERED            the missing revisions show up later: both sides are reported
 *   STREAM_PREV_MISMATCH        the next revision does not chain to the previous hash (inserted,
 *                               replaced or re-chained event)
 *   STREAM_DUPLICATE_EVENT      the stream's latest event again (same id or hash)
 *   STREAM_REVISION_CONFLICT    a different event with the same revision as the latest (fork)
 *   STREAM_REVISION_REGRESSION  an older revision again (duplicated or out-of-order event)
 * A deleted tail of a stream cannot be seen here; checkpoints cover it.
 */
export class StreamChains {
  private readonly states = new Map<string, StreamState>();

  constructor(private readonly log: FailureLog) {}

  get count(): number {
    return this.states.size;
  }

  check(e: ChainedEvent, lazyWhere: LazyWhere): void {
    const s = this.states.get(e.stream);
    // The usual case first, with nothing allocated: the next revision, chained, no open gap.
    if (s && s.gap === undefined && e.revision === s.revision + 1 && e.prev === s.hash) {
      this.advance(s, e);
      return;
    }
    const where = at(lazyWhere);
    if (!s) {
      const state: StreamState = { revision: e.revision, hash: e.hash, id: e.id, gap: undefined };
      if (e.revision > 0) {
        const f = this.fail(
          'STREAM_REVISION_GAP',
          where,
          `stream starts at revision ${e.revision}: revisions 0..${e.revision - 1} are missing`,
        );
        state.gap = { from: 0, to: e.revision - 1, prevHash: null, after: where, afterPrev: e.prev, failure: f };
      }
      this.states.set(e.stream, state);
      return;
    }
    const expected = s.revision + 1;
    if (s.gap && e.revision >= s.gap.from && e.revision <= s.gap.to) {
      this.late(s, s.gap, e, where);
    } else if (e.revision === expected) {
      if (e.prev !== s.hash) {
        this.fail(
          'STREAM_PREV_MISMATCH',
          where,
          `prev ${short(e.prev)} is not the hash ${short(s.hash)} of revision ${s.revision} (event ${s.id})`,
        );
      }
      this.advance(s, e);
    } else if (e.revision > expected) {
      const missing =
        expected === e.revision - 1 ? `revision ${expected} is missing` : `revisions ${expected}..${e.revision - 1} are missing`;
      const f = this.fail('STREAM_REVISION_GAP', where, `revision ${e.revision} follows revision ${s.revision}: ${missing}`);
      s.gap ??= { from: expected, to: e.revision - 1, prevHash: s.hash, after: where, afterPrev: e.prev, failure: f };
      this.advance(s, e);
    } else if (e.revision === s.revision) {
      if (e.id === s.id || e.hash === s.hash) {
        this.fail('STREAM_DUPLICATE_EVENT', where, `duplicate of revision ${s.revision} (event ${s.id})`);
      } else {
        this.fail('STREAM_REVISION_CONFLICT', where, `a second event claims revision ${e.revision}, already held by event ${s.id}`);
      }
    } else {
      this.fail(
        'STREAM_REVISION_REGRESSION',
        where,
        `revision ${e.revision} comes after revision ${s.revision}: a duplicated or out-of-order event`,
      );
    }
  }

  private advance(s: StreamState, e: ChainedEvent): void {
    s.revision = e.revision;
    s.hash = e.hash;
    s.id = e.id;
  }

  /** An event that belongs in the open gap: the gap was a reordering, not a deletion. */
  private late(s: StreamState, g: Gap, e: ChainedEvent, where: Where): void {
    const afterRevision = g.after.revision ?? g.to + 1;
    this.log.reclassify(
      g.failure,
      'STREAM_REORDERED',
      `stream ${e.stream}: revision ${afterRevision} appears before revision ${e.revision} (line ${where.line ?? '?'})`,
    );
    this.fail('STREAM_REORDERED', where, `revision ${e.revision} appears after revision ${afterRevision} (line ${g.after.line ?? '?'})`);
    if (e.revision !== g.from) return;
    if (e.prev !== g.prevHash)
      this.fail('STREAM_PREV_MISMATCH', where, `prev ${short(e.prev)} is not the hash ${short(g.prevHash)} of revision ${e.revision - 1}`);
    g.from++;
    g.prevHash = e.hash;
    if (g.from <= g.to) return;
    s.gap = undefined;
    if (g.afterPrev !== g.prevHash) {
      this.fail('STREAM_PREV_MISMATCH', g.after, `prev ${short(g.afterPrev)} is not the hash ${short(g.prevHash)} of revision ${g.to}`);
    }
  }

  private fail(code: Parameters<FailureLog['add']>[0], where: Where, message: string): PendingFailure {
    return this.log.add(code, 'stream', where, `stream ${where.stream ?? '?'}: ${message}`);
  }
}
