// Projection lag at a paced append rate: the run and decision streams of `qledger demo` appended
// again through the real ledger writer (signed, chained, group-committed), each copy under a renamed
// run id, at RATE events/s over LANES streams at a time, while the service's projection runners
// (startProjections: every read model) follow the log. A poller reads the checkpoints every few ms;
// the lag of an event is when the slowest read model's checkpoint passed its position minus its
// commit time (recorded_at, the append transaction's time: a commit is never earlier). The metric
// the service exposes (ProjectionService.status(), GET /metrics) is sampled alongside.
import type { EventEnvelope } from 'ledger-verify';
import pg from 'pg';
import type { CommandMetadata, Decider, DomainEvent } from '../../src/domain/decider.js';
import { newId } from '../../src/ledger/ids.js';
import type { Ledger } from '../../src/ledger/open-ledger.js';
import { prometheusText } from '../../src/projections/projection-service.js';
import { ProjectionsHost, startProjections } from '../../src/projections/projections.host.js';
import { clusterCpu, ownCpuMs } from './cpu.js';
import { pct } from './load.js';

export interface LagOptions {
  readonly rate: number;
  readonly seconds: number;
  readonly lanes: number;
  readonly pollMs: number;
  readonly connectionString: string;
  /** The runners' linger (ms); unset: the service's default. */
  readonly lingerMs?: number;
  readonly log: (line: string) => void;
}

export interface LagReport {
  readonly events: number;
  readonly appendRate: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  /** p99 of each read model's own lag. */
  readonly perProjection: Record<string, number>;
  /** Largest qledger_projection_lag_seconds (x 1000) the service reported while the load ran. */
  readonly metricMaxMs: number;
  readonly metricSample: string;
  /** CPU ms per event from the first append until every read model had applied the last one. */
  readonly cpuPerEvent: { readonly bench: number; readonly postgres: number };
}

interface Template {
  readonly stream: string;
  readonly type: string;
  readonly data: string;
  readonly actor: CommandMetadata['actor'];
}

/** Appends the event it is given (a copy of a recorded one): the ledger writer seals and chains it. */
const replay: Decider<DomainEvent, DomainEvent, null> = { initialState: null, evolve: (s) => s, decide: (c) => [c] };

/** Resolves at `t` on the performance.now() clock. */
const sleepUntil = (t: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, t - performance.now())));

export async function projectionLag(ledger: Ledger, o: LagOptions): Promise<LagReport> {
  // The demo's runs and decisions, event by event, grouped by run.
  const byRun = new Map<string, Template[]>();
  for (const r of await ledger.store.readAll()) {
    const m = /^(run|decision)-(.+)$/.exec(r.stream);
    if (!m) continue;
    const env = JSON.parse(r.data) as EventEnvelope;
    const list = byRun.get(m[2]!) ?? [];
    list.push({ stream: r.stream, type: env.type, data: JSON.stringify(env.data), actor: env.actor as CommandMetadata['actor'] });
    byRun.set(m[2]!, list);
  }
  const runs = [...byRun.entries()];
  const total = Math.round(o.rate * o.seconds);
  // Lane w appends copies w, w + lanes, ... one event after the other; global slot i = j * lanes + w.
  const lanes: Array<Array<{ stream: string; event: DomainEvent; actor: CommandMetadata['actor'] }>> = Array.from(
    { length: o.lanes },
    () => [],
  );
  for (let copy = 0, n = 0; n < total; copy++) {
    const [runId, events] = runs[copy % runs.length]!;
    const copyId = `${runId}-l${copy}`;
    const lane = lanes[copy % o.lanes]!;
    for (const t of events) {
      if (n++ >= total) break;
      lane.push({
        stream: t.stream.replace(runId, copyId),
        event: { type: t.type, data: JSON.parse(t.data.split(runId).join(copyId)) as Record<string, unknown> },
        actor: t.actor,
      });
    }
  }

  const service = await startProjections(ledger.pool, ledger.store, o.log, o.lingerMs === undefined ? {} : { lingerMs: o.lingerMs });
  const status = async (): Promise<{ behind: boolean; lagMs: number; text: string }> => {
    const s = await service.status();
    return { behind: s.some((p) => p.lagEvents > 0), lagMs: Math.max(...s.map((p) => p.lagMs)), text: prometheusText(s) };
  };
  while ((await status()).behind) await new Promise((r) => setTimeout(r, 50)); // the demo itself first
  const start = await ledger.store.headPosition();

  // The checkpoint poller: (time, position) of every projection whenever it moved.
  const poller = new pg.Client({ connectionString: o.connectionString });
  await poller.connect();
  const samples = new Map<string, Array<[number, number]>>();
  let polling = true;
  const poll = (async () => {
    while (polling) {
      const { rows } = await poller.query<{ name: string; position: string; t: Date }>(
        'SELECT name, position, clock_timestamp() AS t FROM ql_projection_checkpoints',
      );
      for (const r of rows) {
        const list = samples.get(r.name) ?? [];
        const pos = Number(r.position);
        if (list.at(-1)?.[1] !== pos) list.push([r.t.getTime(), pos]);
        samples.set(r.name, list);
      }
      await new Promise((r) => setTimeout(r, o.pollMs));
    }
  })();
  let metricMaxMs = 0;
  let metricSample = '';
  let sampling = true;
  const metrics = (async () => {
    while (sampling) {
      const s = await status();
      if (s.lagMs >= metricMaxMs) [metricMaxMs, metricSample] = [s.lagMs, s.text];
      await new Promise((r) => setTimeout(r, 250));
    }
  })();

  const { rows: backend } = await poller.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const pgBefore = clusterCpu(backend[0]!.pid);
  const ownBefore = ownCpuMs();
  const t0 = performance.now() + 50;
  const slotMs = 1000 / o.rate;
  await Promise.all(
    lanes.map(async (lane, w) => {
      for (let j = 0; j < lane.length; j++) {
        await sleepUntil(t0 + (j * o.lanes + w) * slotMs);
        const e = lane[j]!;
        const id = newId();
        await ledger.writer.execute(e.stream, replay, e.event, {
          commandId: id,
          occurredAt: new Date().toISOString(),
          actor: e.actor,
          correlationId: id,
          causationId: id,
        });
      }
    }),
  );
  const appendSeconds = (performance.now() - t0) / 1000;
  const head = await ledger.store.headPosition();
  const until = Date.now() + 120_000;
  while ((await status()).behind && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  const ownCpu = ownCpuMs() - ownBefore;
  const pgCpu = clusterCpu(backend[0]!.pid) - pgBefore;
  await new Promise((r) => setTimeout(r, 3 * o.pollMs));
  polling = false;
  sampling = false;
  await Promise.all([poll, metrics]);
  await poller.end();
  await new ProjectionsHost(service).onModuleDestroy(); // stops the runners and ends their pool, as the service does

  const committed = (await ledger.store.readAll({ fromPosition: start })).filter((e) => e.position < head);
  const lagOf = new Map<string, number[]>();
  const worst = committed.map(() => 0);
  for (const [name, list] of samples) {
    const lags: number[] = [];
    let k = 0;
    committed.forEach((e, i) => {
      while (k < list.length && list[k]![1] <= e.position) k++;
      const lag = k < list.length ? list[k]![0] - e.recordedAt.getTime() : Infinity;
      lags.push(lag);
      worst[i] = Math.max(worst[i]!, lag);
    });
    lagOf.set(name, lags);
  }
  return {
    events: committed.length,
    appendRate: committed.length / appendSeconds,
    p50: pct(worst, 0.5),
    p95: pct(worst, 0.95),
    p99: pct(worst, 0.99),
    max: pct(worst, 1),
    perProjection: Object.fromEntries([...lagOf].map(([n, l]) => [n, pct(l, 0.99)])),
    metricMaxMs,
    metricSample,
    cpuPerEvent: { bench: ownCpu / committed.length, postgres: pgCpu / committed.length },
  };
}
