import type { JsonObject } from '../domain/run/plan.js';
import type { RunInputs, RunTrigger } from '../domain/run/types.js';
import type { PipelineRunDto } from './dto/runs.dto.js';

/**
 * The seed's request body (`event_type`, `parameters`) to the run's trigger and pinned inputs.
 * Missing trigger fields are left empty so the run's own validation names them (400, fields).
 */
export function triggerOf(b: PipelineRunDto): RunTrigger {
  const t = b.trigger ?? {};
  const s = (v: string | undefined): string => v ?? '';
  const n = (v: number | undefined): number => v ?? 0;
  switch (b.event_type) {
    case 'manual':
    case 'manual_trigger':
      return { kind: 'manual', reason: t.reason ?? 'manual trigger' };
    case 'commit':
      return { kind: 'commit', repository: s(t.repository), ref: s(t.ref), commit: s(t.commit) };
    case 'pull_request':
      return {
        kind: 'pull_request',
        repository: s(t.repository),
        number: n(t.number),
        headCommit: s(t.head_commit),
        baseRef: s(t.base_ref),
      };
    case 'dataset_version':
      return { kind: 'dataset_version', dataset: s(t.dataset), version: s(t.version) };
    case 'model_registered':
      return { kind: 'model_registered', model: s(t.model), version: s(t.version), digest: s(t.digest) };
    case 'key_rotation':
      return { kind: 'key_rotation', keyId: s(t.key_id), keyVersion: n(t.key_version) };
    case 'schedule':
      return { kind: 'schedule', scheduleId: s(t.schedule_id), cron: s(t.cron), fireTime: s(t.fire_time) };
  }
}

export function inputsOf(b: PipelineRunDto): RunInputs {
  const i = b.inputs ?? {};
  const trigger = b.trigger ?? {};
  const commit = i.commit ?? trigger.commit ?? trigger.head_commit;
  return {
    ...(commit !== undefined ? { commit } : {}),
    datasets: (i.datasets ?? []).map((d) => ({ id: d.id, version: d.version })),
    models: (i.models ?? []).map((m) => ({ name: m.name, digest: m.digest, ...(m.version !== undefined ? { version: m.version } : {}) })),
    parameters: (b.parameters ?? {}) as JsonObject,
  };
}
