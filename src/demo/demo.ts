import { CommandBus } from '@nestjs/cqrs';
import { verifyLedger, type EventEnvelope } from 'ledger-verify';
import { RecordBatchManifestCommand } from '../commands/batches/record-batch-manifest.command.js';
import { GrantApprovalCommand } from '../commands/decisions/grant-approval.command.js';
import { GrantWaiverCommand } from '../commands/decisions/grant-waiver.command.js';
import { VetoDecisionCommand } from '../commands/decisions/veto-decision.command.js';
import { RotateSigningKeyCommand } from '../commands/keys/rotate-signing-key.command.js';
import { RegisterManagedKeyCommand } from '../commands/mkeys/register-managed-key.command.js';
import { RotateManagedKeyCommand } from '../commands/mkeys/rotate-managed-key.command.js';
import { RegisterModelVersionCommand } from '../commands/models/register-model-version.command.js';
import type { CommandMetadata } from '../domain/decider.js';
import { approvalsNeeded, runDecision } from '../domain/decision/decision.js';
import { decisionStream } from '../domain/decision/types.js';
import { isLedgerError } from '../domain/errors.js';
import { pipelineRun } from '../domain/run/run.js';
import { runStream, TERMINAL_RUN, type RunStatus } from '../domain/run/types.js';
import { newId } from '../ledger/ids.js';
import type { Ledger } from '../ledger/open-ledger.js';
import { readState } from '../ledger/read-state.js';
import { RequestPipelineRunCommand } from '../process/commands/request-pipeline-run.command.js';
import type { ProcessManager } from '../process/process-manager.js';
import { outcomeFor, triggerFor, vulnerabilityId, type Profile } from './outcomes.js';
import { Random } from './random.js';
import { PROJECTS, setUpCatalog } from './scenario.js';
import { reportScheduled } from './workers.js';

export interface DemoOptions {
  readonly runs: number;
  readonly seed: number;
  readonly trustRoot: string;
  readonly progress?: (line: string) => void;
}

export interface DemoReport {
  readonly events: number;
  readonly runs: { readonly requested: number; readonly succeeded: number; readonly failed: number; readonly byKeyRotation: number };
  readonly rejections: number;
  readonly approvals: number;
  readonly vetoes: number;
  readonly waivers: number;
  readonly managedKeyRotations: number;
  readonly signingKeyRotations: number;
  readonly modelsApproved: number;
  readonly batchManifests: number;
  readonly verified: { readonly ok: boolean; readonly events: number; readonly failures: number };
}

interface Active {
  readonly runId: string;
  readonly profile: Profile;
  readonly failing?: string;
  readonly veto: boolean;
  waived: boolean;
}

const OPERATOR = { id: 'usr:demo-operator', kind: 'user' } as const;
const WORKER = 'wrk:demo-worker-1';
const MODEL = 'fraud-scoring-model';

/**
 * A realistic, reproducible workload through the real commands on the in-process CommandBus, with
 * the process manager doing its job (decision 0044): projects and blueprints, runs with passing and
 * failing checks, policy rejections with explanations, human approvals and a veto, a waiver, managed
 * key rotations (which start crypto pipelines) and a ledger signing key rotation, a model approved by
 * its run and a batch manifest scored with it. Ends by verifying the whole log offline.
 */
export async function runDemo(ledger: Ledger, bus: CommandBus, pm: ProcessManager, o: DemoOptions): Promise<DemoReport> {
  const rng = new Random(o.seed);
  const tag = Date.now().toString(36);
  const meta = (actor: { id: string; kind: 'user' | 'worker' | 'service' } = OPERATOR): CommandMetadata => {
    const id = newId();
    return { commandId: id, occurredAt: new Date().toISOString(), actor, correlationId: id, causationId: id };
  };
  const startHead = await ledger.store.headPosition();
  const counts = { approvals: 0, vetoes: 0, waivers: 0, managedKeyRotations: 0, signingKeyRotations: 0, manifests: 0 };
  await setUpCatalog(bus, () => meta({ id: 'usr:demo-platform-admin', kind: 'user' }));

  const active: Active[] = [];
  const done = new Map<string, string>();
  const request = async (i: number): Promise<void> => {
    const project = PROJECTS[i % PROJECTS.length]!;
    const picked = rng.pick(Object.keys(project.blueprints));
    const env = i === 0 ? 'prod' : picked; // the waived run needs an environment with approver roles
    const runId = `prun-demo-${o.seed}-${tag}-${i}`;
    const roll = rng.next();
    const profile: Profile =
      i === 0
        ? 'waived-vulnerability'
        : roll < 0.1
          ? 'low-coverage'
          : roll < 0.17
            ? 'high-vulnerability'
            : roll < 0.25
              ? 'failing-check'
              : 'pass';
    await bus.execute(
      new RequestPipelineRunCommand(
        runId,
        project.id,
        env,
        triggerFor(rng, project.id, i),
        { datasets: [], models: [], parameters: {} },
        meta(),
      ),
    );
    if (project.id === 'fraud-scoring' && i < PROJECTS.length) {
      // The training run registers the model it produced; its success approves it for the environment.
      await bus.execute(
        new RegisterModelVersionCommand(
          MODEL,
          { model: MODEL, version: `v3.${i}.0`, digest: `sha256:${rng.hex(64)}`, runId, trainedOn: [`curated/fraud@2026-11-${10 + i}`] },
          meta({ id: 'svc:demo-trainer', kind: 'service' }),
        ),
      );
    }
    active.push({
      runId,
      profile,
      failing: rng.pick(['code_lint', 'schema_validation', 'tls_policy', 'secret_scan']),
      veto: i === 3,
      waived: false,
    });
  };

  let next = 0;
  let cursor = startHead;
  const report = (line: string) => o.progress?.(line);
  for (let round = 0; active.length > 0 || next < o.runs; round++) {
    while (active.length < 8 && next < o.runs) await request(next++);
    if (next >= Math.ceil(o.runs / 2) && counts.signingKeyRotations === 0) {
      await bus.execute(new RotateSigningKeyCommand(meta()));
      counts.signingKeyRotations++;
      counts.managedKeyRotations += await rotateManagedKeys(bus, meta, tag);
    }
    await pm.caughtUp();
    for (const run of [...active]) {
      const state = await act(ledger, bus, run, meta, counts);
      if (TERMINAL_RUN.has(state)) {
        done.set(run.runId, state);
        active.splice(active.indexOf(run), 1);
      }
    }
    const scanned = await keyRotationRuns(ledger, cursor);
    cursor = scanned.next;
    for (const runId of scanned.runIds) {
      if (!done.has(runId) && !active.some((a) => a.runId === runId)) active.push({ runId, profile: 'pass', veto: false, waived: false });
    }
    report(`runs: ${done.size} done, ${active.length} in flight, ${o.runs - next} to start`);
    if (round > 20_000) throw new Error('the demo did not converge: see the process manager log');
  }
  await pm.caughtUp(); // the model approvals follow the runs' success
  counts.manifests += await recordManifest(ledger, bus, meta, rng);
  await pm.caughtUp();
  return summarize(ledger, startHead, done, counts, o.trustRoot);
}

/** One round for a run: workers report, approvers decide. Returns the run's status. */
async function act(
  ledger: Ledger,
  bus: CommandBus,
  run: Active,
  meta: (a?: { id: string; kind: 'user' | 'worker' | 'service' }) => CommandMetadata,
  counts: { approvals: number; vetoes: number; waivers: number },
): Promise<RunStatus> {
  const decision = await readState(ledger.store, decisionStream(run.runId), runDecision);
  if (run.profile === 'waived-vulnerability' && !run.waived && decision.state.status === 'PENDING') {
    const role = decision.state.approval?.requiredRoles[0] ?? 'approver';
    const input = {
      waiverId: `waiver-${run.runId.slice(-6)}`,
      role,
      target: { finding: vulnerabilityId(run.runId) },
      justification: 'false positive: the query is parameterized; scanner rule fixed upstream',
      expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    };
    await bus.execute(new GrantWaiverCommand(run.runId, input, meta({ id: `usr:demo-${role}`, kind: 'user' })));
    run.waived = true;
    counts.waivers++;
  }
  if (run.profile === 'waived-vulnerability' && !run.waived) return 'RUNNING'; // the decision opens first
  const { state } = await reportScheduled(
    ledger,
    (c) => bus.execute(c as never),
    run.runId,
    WORKER,
    outcomeFor(run.profile, run.failing, run.runId),
    () => meta({ id: WORKER, kind: 'worker' }),
  );
  const d = decision.state;
  if (state.status === 'AWAITING_DECISION' && d.status === 'PENDING' && d.evaluation && d.evaluation.verdict !== 'REJECTED') {
    for (const role of d.approval?.requiredRoles ?? []) {
      const approver = { id: `usr:demo-${role}`, kind: 'user' as const };
      if (d.approvals.has(approver.id) || d.approvals.size >= approvalsNeeded(d)) continue;
      try {
        if (run.veto) {
          await bus.execute(
            new VetoDecisionCommand(run.runId, { role, reason: 'rollout freeze: incident review pending' }, meta(approver)),
          );
          counts.vetoes++;
          break;
        }
        await bus.execute(new GrantApprovalCommand(run.runId, { role, comment: 'evidence reviewed' }, meta(approver)));
        counts.approvals++;
      } catch (e) {
        if (!isLedgerError(e) || e.kind === 'Unavailable') throw e;
      }
    }
  }
  return state.status;
}

async function rotateManagedKeys(
  bus: CommandBus,
  meta: (a?: { id: string; kind: 'user' }) => CommandMetadata,
  tag: string,
): Promise<number> {
  const admin = { id: 'usr:demo-key-admin', kind: 'user' as const };
  const keys = [
    { keyId: `fraud-scoring-signing-${tag}`, projectId: 'fraud-scoring', purpose: 'signing' as const, algorithm: 'ED25519', sizeBits: 256 },
    { keyId: `payments-dek-${tag}`, projectId: 'payments-crypto', purpose: 'encryption' as const, algorithm: 'AES-GCM', sizeBits: 256 },
  ];
  for (const k of keys) {
    const spec = { algorithm: k.algorithm, sizeBits: k.sizeBits };
    await bus.execute(
      new RegisterManagedKeyCommand(
        { keyId: k.keyId, projectId: k.projectId, kmsRef: `kms://demo/${k.keyId}/1`, purpose: k.purpose, cryptoperiodDays: 365, ...spec },
        meta(admin),
      ),
    );
    await bus.execute(
      new RotateManagedKeyCommand(k.keyId, { kmsRef: `kms://demo/${k.keyId}/2`, reason: 'scheduled rotation', ...spec }, meta(admin)),
    );
  }
  return keys.length;
}

/** Runs the process manager started for key rotations from position `from` on, and where to look next time. */
async function keyRotationRuns(ledger: Ledger, from: number): Promise<{ runIds: string[]; next: number }> {
  const runIds: string[] = [];
  let next = from;
  for (const r of await ledger.store.readAll({ fromPosition: from })) {
    next = r.position + 1;
    if (r.type !== 'RunRequested') continue;
    const e = JSON.parse(r.data) as EventEnvelope;
    if ((e.data as { trigger: { kind: string } }).trigger.kind === 'key_rotation') runIds.push((e.data as { runId: string }).runId);
  }
  return { runIds, next };
}

/** A batch scored with the model its run approved (seed 003): the manifest is accepted only for an approved digest. */
async function recordManifest(
  ledger: Ledger,
  bus: CommandBus,
  meta: (a?: { id: string; kind: 'service' }) => CommandMetadata,
  rng: Random,
): Promise<number> {
  for (const r of await ledger.store.readAll()) {
    if (r.type !== 'ModelApprovedForStage' || r.stream !== `model-${MODEL}`) continue;
    const d = (JSON.parse(r.data) as EventEnvelope).data as { digest: string; stage: string; runId: string };
    const manifest = {
      jobId: `score-${d.runId}`,
      partition: 'dt=2026-11-23',
      runId: d.runId,
      stage: d.stage,
      model: { name: MODEL, digest: d.digest },
      dataset: { id: 'curated/transactions', version: '2026-11-23' },
      rowsIn: 120_000,
      rowsOut: 120_000,
      sanityChecks: [{ name: 'null_rate', status: 'PASS' as const, value: 0.0001 }],
      policyDigest: `sha256:${rng.hex(64)}`,
      configHash: `sha256:${rng.hex(64)}`,
      artifacts: [rng.hex(64)],
    };
    await bus.execute(new RecordBatchManifestCommand(manifest, meta({ id: 'svc:demo-batch-scorer', kind: 'service' })));
    return 1;
  }
  return 0;
}

async function summarize(
  ledger: Ledger,
  startHead: number,
  done: ReadonlyMap<string, string>,
  counts: {
    approvals: number;
    vetoes: number;
    waivers: number;
    managedKeyRotations: number;
    signingKeyRotations: number;
    manifests: number;
  },
  trustRoot: string,
): Promise<DemoReport> {
  const written = await ledger.store.readAll({ fromPosition: startHead });
  const types = (t: string) => written.filter((r) => r.type === t).length;
  const runsByKey = (await keyRotationRuns(ledger, startHead)).runIds.length;
  const states = [...done.values()];
  const source = async function* (): AsyncIterable<string> {
    for (let from = 0; ;) {
      const page = await ledger.store.readAll({ fromPosition: from, maxCount: 1000 });
      if (page.length === 0) return;
      for (const r of page) yield r.data;
      from = (page.at(-1)?.position ?? from) + 1;
    }
  };
  const verified = await verifyLedger(source, { trustRoot });
  const head = await ledger.store.headPosition();
  for (const runId of done.keys()) {
    const { state } = await readState(ledger.store, runStream(runId), pipelineRun);
    if (!TERMINAL_RUN.has(state.status)) throw new Error(`run ${runId} did not end`);
  }
  return {
    events: written.length,
    runs: {
      requested: types('RunRequested'),
      succeeded: states.filter((s) => s === 'SUCCEEDED').length,
      failed: states.filter((s) => s === 'FAILED').length,
      byKeyRotation: runsByKey,
    },
    rejections: types('DecisionRejected'),
    approvals: counts.approvals,
    vetoes: counts.vetoes,
    waivers: counts.waivers,
    managedKeyRotations: counts.managedKeyRotations,
    signingKeyRotations: counts.signingKeyRotations,
    modelsApproved: types('ModelApprovedForStage'),
    batchManifests: types('BatchManifestRecorded'),
    verified: { ok: verified.ok && verified.events === head, events: verified.events, failures: verified.failureCount },
  };
}
