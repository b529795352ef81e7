import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ConcurrencyError, LedgerError, ValidationError } from '../../src/domain/errors.js';
import type { EventStore, EventToAppend, RecordedEvent } from '../../src/eventstore/port.js';

/** A store under test, opened on an empty database, and a way to tear it down. */
export interface StoreFixture {
  readonly store: EventStore;
  close(): Promise<void>;
}

const ev = (n: number | string = 0, extra: Partial<EventToAppend> = {}): EventToAppend => ({
  id: randomUUID(),
  type: 'Tested',
  data: JSON.stringify({ n }),
  ...extra,
});
const stream = (category = 'run'): string => `${category}-${randomUUID()}`;

async function expectRejected(p: Promise<unknown>, kind: new (...a: never[]) => LedgerError, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof kind, `expected ${kind.name}, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    assert.equal((e as LedgerError).code, code);
    return true;
  });
}

/**
 * The event store contract. Every adapter runs it: PostgreSQL on the embedded server
 * always and on QLEDGER_PG_URL when given; EventStoreDB when its adapter lands.
 */
export function eventStoreContract(name: string, open: () => Promise<StoreFixture>): void {
  describe(`event store contract: ${name}`, () => {
    let fx: StoreFixture;
    let store: EventStore;
    before(async () => {
      fx = await open();
      store = fx.store;
    });
    after(async () => fx.close());

    describe('append and read a stream', () => {
      it('given no stream, when appending with no_stream, then the events get revisions 0.. and dense positions', async () => {
        const s = stream();
        const head = await store.headPosition();
        const r = await store.append(s, 'no_stream', [ev(1), ev(2)]);
        assert.equal(r.nextExpectedRevision, 1);
        assert.equal(r.firstPosition, head);
        assert.equal(r.idempotent, false);
        const read = await store.readStream(s);
        assert.deepEqual(
          read.map((e) => [e.revision, e.position, JSON.parse(e.data).n]),
          [
            [0, head, 1],
            [1, head + 1, 2],
          ],
        );
        assert.equal(await store.streamRevision(s), 1);
      });

      it('given a stream at revision 1, when appending at exact revision 1, then it continues at 2', async () => {
        const s = stream();
        await store.append(s, 'no_stream', [ev(), ev()]);
        const r = await store.append(s, 1, [ev(3)]);
        assert.equal(r.nextExpectedRevision, 2);
        assert.deepEqual(
          (await store.readStream(s, { fromRevision: 2 })).map((e) => e.revision),
          [2],
        );
      });

      it('given any stream state, when appending with any, then it appends', async () => {
        const s = stream();
        await store.append(s, 'any', [ev()]);
        const r = await store.append(s, 'any', [ev()]);
        assert.equal(r.nextExpectedRevision, 1);
      });

      it('given a stream, when the expected revision is wrong, then a ConcurrencyError and nothing is written', async () => {
        const s = stream();
        await store.append(s, 'no_stream', [ev()]);
        const head = await store.headPosition();
        await expectRejected(store.append(s, 'no_stream', [ev()]), ConcurrencyError, 'WRONG_EXPECTED_REVISION');
        await expectRejected(store.append(s, 5, [ev()]), ConcurrencyError, 'WRONG_EXPECTED_REVISION');
        await expectRejected(store.append(stream(), 0, [ev()]), ConcurrencyError, 'WRONG_EXPECTED_REVISION');
        assert.equal(await store.headPosition(), head);
        assert.equal((await store.readStream(s)).length, 1);
      });

      it('given a precondition on another stream, when it does not hold, then nothing is written', async () => {
        const s = stream();
        const other = stream();
        await store.append(other, 'no_stream', [ev()]);
        const head = await store.headPosition();
        await expectRejected(
          store.append(s, 'no_stream', [ev()], { preconditions: [{ stream: other, revision: 3 }] }),
          ConcurrencyError,
          'PRECONDITION_FAILED',
        );
        assert.equal(await store.headPosition(), head);
        const ok = await store.append(s, 'no_stream', [ev()], { preconditions: [{ stream: other, revision: 0 }] });
        assert.equal(ok.nextExpectedRevision, 0);
      });
    });

    describe('idempotency on event id', () => {
      it('given an append, when the same events are appended again the same way, then it succeeds without writing twice', async () => {
        const s = stream();
        const events = [ev(1), ev(2)];
        const first = await store.append(s, 'no_stream', events);
        const head = await store.headPosition();
        const again = await store.append(s, 'no_stream', events);
        assert.deepEqual(again, { ...first, idempotent: true });
        assert.equal(await store.headPosition(), head);
        assert.equal((await store.readStream(s)).length, 2);
      });

      it('given a stored event, when its id is reused elsewhere or with other content, then EVENT_ID_CONFLICT and nothing is written', async () => {
        const e = ev(1);
        await store.append(stream(), 'no_stream', [e]);
        const head = await store.headPosition();
        await expectRejected(store.append(stream(), 'no_stream', [e]), ConcurrencyError, 'EVENT_ID_CONFLICT');
        await expectRejected(store.append(stream(), 'no_stream', [{ ...e, data: '{"n":2}' }]), ConcurrencyError, 'EVENT_ID_CONFLICT');
        assert.equal(await store.headPosition(), head);
      });
    });

    describe('bad input gets a typed error and writes nothing', () => {
      const cases: Array<[string, () => Promise<unknown>, string]> = [
        [
          'an unknown stream category',
          () => store.append(`nosuchcategory-${randomUUID()}`, 'no_stream', [ev()]),
          'UNKNOWN_STREAM_CATEGORY',
        ],
        ['a malformed stream name', () => store.append('Run 1', 'no_stream', [ev()]), 'INVALID_STREAM_NAME'],
        ['an oversized event', () => store.append(stream(), 'no_stream', [ev('x'.repeat(2 * 1024 * 1024))]), 'EVENT_TOO_LARGE'],
        ['data that is not JSON', () => store.append(stream(), 'no_stream', [ev(0, { data: '{"n":' })]), 'INVALID_EVENT_DATA'],
        ['an id that is not a UUID', () => store.append(stream(), 'no_stream', [ev(0, { id: 'x' })]), 'INVALID_EVENT_ID'],
        ['no events', () => store.append(stream(), 'no_stream', []), 'EMPTY_APPEND'],
        ['a negative expected revision', () => store.append(stream(), -3, [ev()]), 'INVALID_EXPECTED_REVISION'],
        [
          'one id twice in an append',
          () => {
            const e = ev();
            return store.append(stream(), 'no_stream', [e, e]);
          },
          'DUPLICATE_EVENT_ID',
        ],
        [
          'a precondition on an unknown category',
          () => store.append(stream(), 'no_stream', [ev()], { preconditions: [{ stream: 'zz-1', revision: 0 }] }),
          'UNKNOWN_STREAM_CATEGORY',
        ],
      ];
      for (const [what, act, code] of cases) {
        it(`given ${what}, then ValidationError ${code} and the log is unchanged`, async () => {
          const head = await store.headPosition();
          await expectRejected(act(), ValidationError, code);
          assert.equal(await store.headPosition(), head);
        });
      }
    });

    describe('global log', () => {
      it('reads in commit order from a position, with a page size', async () => {
        const head = await store.headPosition();
        const s1 = stream();
        const s2 = stream();
        await store.append(s1, 'no_stream', [ev('a')]);
        await store.append(s2, 'no_stream', [ev('b')]);
        await store.append(s1, 0, [ev('c')]);
        const all = await store.readAll({ fromPosition: head });
        assert.deepEqual(
          all.map((e) => [e.position, e.stream, JSON.parse(e.data).n]),
          [
            [head, s1, 'a'],
            [head + 1, s2, 'b'],
            [head + 2, s1, 'c'],
          ],
        );
        assert.deepEqual(
          (await store.readAll({ fromPosition: head + 1, maxCount: 1 })).map((e) => e.position),
          [head + 1],
        );
      });

      it('given concurrent appends to one stream at the same revision, exactly one wins per revision', async () => {
        const s = stream();
        await store.append(s, 'no_stream', [ev()]);
        for (let revision = 0; revision < 5; revision++) {
          const results = await Promise.allSettled(Array.from({ length: 16 }, (_, i) => store.append(s, revision, [ev(i)])));
          const won = results.filter((r) => r.status === 'fulfilled');
          assert.equal(won.length, 1, `revision ${revision}: ${won.length} winners`);
          for (const r of results) {
            if (r.status === 'rejected') assert.equal((r.reason as LedgerError).code, 'WRONG_EXPECTED_REVISION');
          }
        }
        assert.deepEqual(
          (await store.readStream(s)).map((e) => e.revision),
          [0, 1, 2, 3, 4, 5],
        );
      });

      it('given many writers on many streams and a live reader, the reader sees every event exactly once, in order', async () => {
        const from = await store.headPosition();
        const writers = 8;
        const streams = Array.from({ length: 40 }, () => stream());
        const perWriter = 60;
        const controller = new AbortController();
        const seen: RecordedEvent[] = [];
        const expected = writers * perWriter;
        const reader = (async () => {
          for await (const e of store.subscribeToAll({ fromPosition: from, signal: controller.signal })) {
            seen.push(e);
            if (seen.length >= expected) break;
          }
        })();
        await Promise.all(
          Array.from({ length: writers }, async (_, w) => {
            for (let i = 0; i < perWriter; i++) {
              const s = streams[(w * 7 + i) % streams.length] as string;
              await store.append(s, 'any', [ev(`${w}:${i}`)]);
            }
          }),
        );
        const timer = setTimeout(() => controller.abort(), 30_000);
        await reader;
        clearTimeout(timer);
        assert.equal(seen.length, expected, 'the reader missed events');
        assert.deepEqual(
          seen.map((e) => e.position),
          Array.from({ length: expected }, (_, i) => from + i),
          'positions are not dense, ordered and unique',
        );
        assert.equal(new Set(seen.map((e) => e.id)).size, expected, 'an event was delivered twice');
        const perStream = new Map<string, number[]>();
        for (const e of seen) perStream.set(e.stream, [...(perStream.get(e.stream) ?? []), e.revision]);
        for (const [s, revs] of perStream)
          assert.deepEqual(
            revs,
            revs.map((_, i) => i),
            `stream ${s} revisions`,
          );
      });

      it('catches up, then follows live appends, and ends when aborted', async () => {
        const s = stream();
        await store.append(s, 'no_stream', [ev('old')]);
        const from = (await store.readStream(s))[0]!.position;
        const controller = new AbortController();
        const got: string[] = [];
        const done = (async () => {
          for await (const e of store.subscribeToAll({ fromPosition: from, signal: controller.signal })) {
            if (e.stream === s) got.push(JSON.parse(e.data).n);
            if (got.length === 3) controller.abort();
          }
        })();
        await new Promise((r) => setTimeout(r, 50));
        await store.append(s, 0, [ev('live1')]);
        await store.append(s, 1, [ev('live2')]);
        const timer = setTimeout(() => controller.abort(), 10_000);
        await done;
        clearTimeout(timer);
        assert.deepEqual(got, ['old', 'live1', 'live2']);
      });
    });
  });
}
