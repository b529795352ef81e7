import type pg from 'pg';
import { NotFound } from '../domain/errors.js';
import type { EventStore } from '../eventstore/port.js';
import { readCheckpoints } from './checkpoints.js';
import { SharedLogReader } from './log-reader.js';
import type { Projection } from './projection.js';
import { migrateProjections, ProjectionRunner, type RunnerOptions } from './runner.js';

export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  /** Next position to apply (= events applied). */
  readonly position: number;
  /** Position the next appended event will get. */
  readonly head: number;
  readonly lagEvents: number;
  /** How long ago the oldest event not yet applied was recorded (0 when caught up). */
  readonly lagMs: number;
  /** True when this process runs the projection (holds its lease). */
  readonly leader: boolean;
  readonly lastError: string | null;
}

/** The read side of one process: migrates, runs and reports every projection. */
export class ProjectionService {
  private readonly runners: ReadonlyMap<string, ProjectionRunner>;
  /** The one live reader of the log every runner of this service takes its events from (decision 0063). */
  readonly reader: SharedLogReader;

  constructor(
    private readonly pool: pg.Pool,
    private readonly store: EventStore,
    readonly projections: readonly Projection[],
    options: RunnerOptions = {},
  ) {
    this.reader = new SharedLogReader(store);
    const source = options.source ?? this.reader;
    this.runners = new Map(projections.map((p) => [p.name, new ProjectionRunner(pool, store, p, { ...options, source })]));
  }

  migrate(): Promise<void> {
    return migrateProjections(this.pool, this.projections);
  }

  start(): void {
    for (const r of this.runners.values()) r.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.runners.values()].map((r) => r.stop()));
    this.reader.close();
  }

  runner(name: string): ProjectionRunner {
    const r = this.runners.get(name);
    if (!r) throw new NotFound('UNKNOWN_PROJECTION', `no projection "${name}": use one of ${[...this.runners.keys()].join(', ')}`);
    return r;
  }

  /** Applies everything up to the head now, in this process (no service may be running them). */
  async catchUp(names: readonly string[] = [...this.runners.keys()], options: { fromZero?: boolean } = {}): Promise<void> {
    for (const n of names) await this.runner(n).catchUp(options);
  }

  async status(now: Date = new Date()): Promise<ProjectionStatus[]> {
    const head = await this.store.headPosition();
    const checkpoints = await readCheckpoints(this.pool, [...this.runners.keys()]);
    // The oldest event not yet applied, once per distinct position (runners at the head share one).
    const oldest = new Map<number, Promise<Date | undefined>>();
    const recordedAt = (position: number): Promise<Date | undefined> => {
      let at = oldest.get(position);
      if (!at) {
        at = this.store.readAll({ fromPosition: position, maxCount: 1 }).then((es) => es[0]?.recordedAt);
        oldest.set(position, at);
      }
      return at;
    };
    const out: ProjectionStatus[] = [];
    for (const [name, runner] of this.runners) {
      const cp = checkpoints.get(name);
      const position = cp?.version === runner.projection.version ? cp.position : 0;
      const lagEvents = Math.max(0, head - position);
      let lagMs = 0;
      if (lagEvents > 0) {
        const at = await recordedAt(position);
        lagMs = at ? Math.max(0, now.getTime() - at.getTime()) : 0;
      }
      out.push({
        name,
        version: runner.projection.version,
        position,
        head,
        lagEvents,
        lagMs,
        leader: runner.state.leader,
        lastError: runner.state.lastError ?? null,
      });
    }
    return out;
  }
}

/** Prometheus text exposition (version 0.0.4) of the projections' positions and lag. */
export function prometheusText(status: readonly ProjectionStatus[]): string {
  const lines: string[] = [];
  const metric = (name: string, help: string, type: string, value: (s: ProjectionStatus) => number): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const s of status) lines.push(`${name}{projection="${s.name}"} ${value(s)}`);
  };
  lines.push('# HELP qledger_log_head_position Position the next appended event will get.', '# TYPE qledger_log_head_position gauge');
  lines.push(`qledger_log_head_position ${status[0]?.head ?? 0}`);
  metric('qledger_projection_position', 'Next global position the projection will apply.', 'gauge', (s) => s.position);
  metric('qledger_projection_lag_events', 'Events recorded but not yet applied by the projection.', 'gauge', (s) => s.lagEvents);
  metric('qledger_projection_lag_seconds', 'Age of the oldest event not yet applied (0 when caught up).', 'gauge', (s) => s.lagMs / 1000);
  metric('qledger_projection_leader', '1 when this process runs the projection.', 'gauge', (s) => (s.leader ? 1 : 0));
  return `${lines.join('\n')}\n`;
}
