import type { CommandMetadata } from '../../../src/domain/decider.js';
import { blueprintDecider } from '../../../src/domain/blueprint/blueprint.js';
import { compilePlan } from '../../../src/domain/blueprint/compile-plan.js';
import { batchJob } from '../../../src/domain/batch/batch.js';
import { runDecision } from '../../../src/domain/decision/decision.js';
import { evidence } from '../../../src/domain/evidence/evidence.js';
import { managedKey } from '../../../src/domain/mkey/mkey.js';
import { modelRegistry, type GateAnswer } from '../../../src/domain/model/model.js';
import { projectDecider } from '../../../src/domain/project/project.js';
import { nextSteps } from '../../../src/domain/run/next-steps.js';
import type { RunPlan } from '../../../src/domain/run/plan.js';
import { pipelineRun } from '../../../src/domain/run/run.js';
import type { CheckReport, RunCommand, RunInputs, RunTrigger } from '../../../src/domain/run/types.js';
import { foldStream } from '../../../src/commands/runs/load-stream.js';
import { repoBlueprint } from '../../blueprints/fixtures.js';
import { meta, type LedgerFixture } from '../../support/ledger-fixture.js';

/**
 * A governed ML story written through the domain's deciders and the real LedgerWriter: a
 * blueprint, a project, a training run that produces a model, an evaluation run with a failed
 * optional check and its evidence, a decision with policy explanation, a waiver and approvals,
 * the model approved for production, a batch job scored with it, a managed key.
 */
export const DATASET = { id: 'curated/tx_2025', version: '2025-11-12' };
export const MODEL = 'churn';
export const MODEL_DIGEST = `sha256:${'d'.repeat(64)}`;
export const COMMIT = 'a'.repeat(40);
export const FAIRNESS_EVIDENCE = ['e1'.repeat(32), 'e2'.repeat(32)];
export const ADMIN = 'usr:admin-1';
export const DEV = 'usr:dev-1';
export const APPROVERS = ['usr:rm-1', 'usr:rm-2', 'usr:rm-3'];
export const APPROVAL_ROLES = ['release-manager', 'risk-officer'];

let clock = Date.parse('2026-03-01T10:00:00.000Z');
const tick = (): string => new Date((clock += 1000)).toISOString();

function by(id: string): CommandMetadata {
  const kind = id.startsWith('svc:') ? 'service' : id.startsWith('wrk:') ? 'worker' : 'user';
  return meta({ actor: { id, kind: kind as CommandMetadata['actor']['kind'] }, occurredAt: tick() });
}

const pass: CheckReport = { outcome: 'PASS', metrics: { coverage: 0.91, f1_score: 0.86 }, findings: [], evidence: [] };

export async function driveRun(
  fx: LedgerFixture,
  o: {
    runId: string;
    projectId: string;
    plan: RunPlan;
    inputs: RunInputs;
    trigger: RunTrigger;
    environment?: string;
    reports?: Record<string, CheckReport>;
  },
): Promise<void> {
  const stream = `run-${o.runId}`;
  const exec = async (c: RunCommand, m: CommandMetadata): Promise<void> => {
    await fx.writer.execute(stream, pipelineRun, c, m);
  };
  const stamp = (actor: string) => ({ at: new Date(clock + 1000).toISOString(), actor });
  await exec(
    {
      type: 'RequestRun',
      ...stamp(DEV),
      runId: o.runId,
      projectId: o.projectId,
      environment: o.environment ?? 'production',
      plan: o.plan,
      trigger: o.trigger,
      inputs: o.inputs,
    },
    by(DEV),
  );
  await exec({ type: 'QueueRun', ...stamp('svc:orchestrator') }, by('svc:orchestrator'));
  for (let round = 0; round < 20; round++) {
    const { state } = await foldStream(fx.store, stream, pipelineRun);
    const next = nextSteps(state, new Date(clock).toISOString());
    if (next.awaitingDecision) return;
    for (const s of next.stagesToSkip)
      await exec({ type: 'SkipStage', ...stamp('svc:orchestrator'), stageId: s.stageId }, by('svc:orchestrator'));
    for (const stageId of next.stagesToStart) {
      await exec({ type: 'StartStage', ...stamp('svc:orchestrator'), stageId }, by('svc:orchestrator'));
      for (const c of o.plan.stages.find((s) => s.id === stageId)?.checks ?? []) {
        await exec({ type: 'StartCheck', ...stamp('wrk:w1'), checkId: c.id, attempt: 1, workerId: 'wrk:w1' }, by('wrk:w1'));
        const report = o.reports?.[c.id] ?? pass;
        await exec({ type: 'ReportCheckResult', ...stamp('wrk:w1'), checkId: c.id, attempt: 1, workerId: 'wrk:w1', report }, by('wrk:w1'));
      }
    }
  }
  throw new Error(`run ${o.runId} did not reach its decision`);
}

/** Opens the decision, records the policy's verdict, optionally a waiver, and grants `approvals` approvals. */
export async function decide(
  fx: LedgerFixture,
  o: { runId: string; plan: RunPlan; approvals: number; waiveCheck?: string; verdict?: 'APPROVED' | 'REJECTED' | 'NEEDS_APPROVAL' },
): Promise<void> {
  const stream = `decision-${o.runId}`;
  const stamp = (actor: string) => ({ at: new Date(clock + 1000).toISOString(), actor });
  await fx.writer.execute(
    stream,
    runDecision,
    (await openCommand(fx, o.runId, o.plan, stamp('svc:orchestrator'))) as never,
    by('svc:orchestrator'),
  );
  const waiverIds: string[] = [];
  if (o.waiveCheck) {
    await fx.writer.execute(
      stream,
      runDecision,
      {
        type: 'GrantWaiver',
        ...stamp(APPROVERS[2]!),
        waiverId: `w-${o.runId}`,
        role: 'risk-officer',
        target: { check: o.waiveCheck },
        justification: 'disparity measured on a 2% sample; full audit scheduled',
        expiresAt: '2026-04-15T00:00:00.000Z',
      },
      by(APPROVERS[2]!),
    );
    waiverIds.push(`w-${o.runId}`);
  }
  await fx.writer.execute(
    stream,
    runDecision,
    {
      type: 'RecordPolicyEvaluation',
      ...stamp('svc:policy'),
      verdict: o.verdict ?? 'NEEDS_APPROVAL',
      explanation: {
        summary: ['all required checks pass', 'coverage 0.91 >= 0.8'],
        conditions: [
          { name: 'all_required_checks_pass', passed: true },
          { name: 'coverage_at_least_80', passed: true, value: 0.91 },
        ],
      },
      blueprintDigest: o.plan.blueprint.digest,
      policyDigest: o.plan.policies[0]?.digest ?? `sha256:${'c'.repeat(64)}`,
      engineVersion: 'cel/1',
      inputsDigest: `sha256:${'f'.repeat(64)}`,
      evaluatedAt: new Date(clock).toISOString(),
      waiverIds,
    },
    by('svc:policy'),
  );
  for (const [i, approver] of APPROVERS.slice(0, o.approvals).entries()) {
    const role = APPROVAL_ROLES[i % APPROVAL_ROLES.length]!;
    await fx.writer.execute(
      stream,
      runDecision,
      { type: 'GrantApproval', ...stamp(approver), role, comment: `reviewed ${o.runId}` },
      by(approver),
    );
  }
}

async function openCommand(fx: LedgerFixture, runId: string, plan: RunPlan, s: { at: string; actor: string }): Promise<object> {
  const { state } = await foldStream(fx.store, `run-${runId}`, pipelineRun);
  return {
    type: 'OpenDecision',
    ...s,
    runId,
    projectId: state.projectId,
    environment: state.environment,
    initiator: state.initiator,
    approval: plan.approval,
    blueprintDigest: plan.blueprint.digest,
  };
}

export interface Scenario {
  readonly plan: RunPlan;
  readonly projectId: string;
  readonly trainRun: string;
  readonly evalRun: string;
}

export async function writeScenario(fx: LedgerFixture, prefix = 'a'): Promise<Scenario> {
  const projectId = `p-${prefix}`;
  const bp = repoBlueprint('ds-ia-crypto');
  await fx.writer.execute(
    `blueprint-${bp.definition.id}`,
    blueprintDecider,
    { type: 'RegisterBlueprintVersion', definition: bp.definition },
    by(ADMIN),
  );
  // ds-ia-crypto names no human approvers: this story's plan adds release managers (quorum 2 in production) and a risk officer.
  const plan: RunPlan = {
    ...compilePlan(bp.definition),
    approval: { requiredRoles: ['release-manager', 'risk-officer'], quorumByEnvironment: { production: 2 }, defaultQuorum: 1 },
  };
  await fx.writer.execute(
    `project-${projectId}`,
    projectDecider,
    {
      type: 'CreateProject',
      projectId,
      name: `Churn ${prefix}`,
      projectType: 'ds',
      repository: 'https://git.example.org/ml/churn.git',
      ownerId: 'team:risk-models',
    },
    by(ADMIN),
  );
  await fx.writer.execute(
    `project-${projectId}`,
    projectDecider,
    {
      type: 'AttachBlueprint',
      environment: 'production',
      blueprint: {
        id: plan.blueprint.id,
        version: plan.blueprint.version,
        digest: plan.blueprint.digest,
        projectTypes: ['ds'],
        triggers: [],
        deprecated: false,
      },
    },
    by(ADMIN),
  );
  for (const sha of FAIRNESS_EVIDENCE) {
    await fx.writer.execute(
      `evidence-${sha}`,
      evidence,
      { type: 'RecordEvidence', sha256: sha, bytes: 2048, mediaType: 'application/json' },
      by('wrk:w1'),
    );
  }
  const trigger: RunTrigger = { kind: 'commit', repository: 'git@example.org:ml/churn.git', ref: 'refs/heads/main', commit: COMMIT };
  const trainRun = `${prefix}-train`;
  await driveRun(fx, {
    runId: trainRun,
    projectId,
    plan,
    trigger,
    inputs: { commit: COMMIT, datasets: [DATASET], models: [], parameters: {} },
  });
  await decide(fx, { runId: trainRun, plan, approvals: 2 });
  await fx.writer.execute(
    `run-${trainRun}`,
    pipelineRun,
    { type: 'CompleteRun', at: tick(), actor: 'svc:orchestrator', outcome: 'APPROVED', reasons: ['approved by usr:rm-1, usr:rm-2'] },
    by('svc:orchestrator'),
  );
  await fx.writer.execute(
    `model-${MODEL}`,
    modelRegistry,
    {
      type: 'RegisterModelVersion',
      model: MODEL,
      version: '2.3.1',
      digest: MODEL_DIGEST,
      runId: trainRun,
      trainedOn: [`${DATASET.id}@${DATASET.version}`],
    },
    by('svc:orchestrator'),
  );

  const evalRun = `${prefix}-eval`;
  await driveRun(fx, {
    runId: evalRun,
    projectId,
    plan,
    trigger: { kind: 'model_registered', model: MODEL, version: '2.3.1', digest: MODEL_DIGEST },
    inputs: { commit: COMMIT, datasets: [DATASET], models: [{ name: MODEL, version: '2.3.1', digest: MODEL_DIGEST }], parameters: {} },
    reports: {
      fairness_check: {
        outcome: 'FAIL',
        metrics: { disparity: 0.14 },
        findings: [{ id: 'fair-1', severity: 'MEDIUM', rule: 'max_disparity', message: 'disparity 0.14 > 0.10' }],
        evidence: FAIRNESS_EVIDENCE.map((h) => `sha256:${h}`),
        tool: 'fairlearn@0.10',
      },
    },
  });
  await decide(fx, { runId: evalRun, plan, approvals: 2, waiveCheck: 'fairness_check' });
  await fx.writer.execute(
    `run-${evalRun}`,
    pipelineRun,
    { type: 'CompleteRun', at: tick(), actor: 'svc:orchestrator', outcome: 'APPROVED', reasons: ['approved by usr:rm-1, usr:rm-2'] },
    by('svc:orchestrator'),
  );
  await fx.writer.execute(
    `model-${MODEL}`,
    modelRegistry,
    { type: 'ApproveModelForStage', digest: MODEL_DIGEST, stage: 'production', decisionId: evalRun, runId: evalRun },
    by('svc:orchestrator'),
  );

  const gate: GateAnswer = {
    approved: true,
    verdict: 'APPROVED',
    model: MODEL,
    digest: MODEL_DIGEST,
    stage: 'production',
    version: '2.3.1',
    decisionId: evalRun,
    runId: evalRun,
  };
  await fx.writer.execute(
    `batch-${prefix}-job-1`,
    batchJob,
    {
      type: 'RecordBatchManifest',
      gate,
      manifest: {
        jobId: `${prefix}-job-1`,
        partition: 'dt=2026-03-01',
        runId: `${prefix}-batch`,
        stage: 'production',
        model: { name: MODEL, digest: MODEL_DIGEST },
        dataset: { id: 'raw/tx_daily', version: '2026-03-01' },
        rowsIn: 1000,
        rowsOut: 1000,
        sanityChecks: [{ name: 'score_range', status: 'PASS', value: 1 }],
        policyDigest: `sha256:${'a'.repeat(64)}`,
        configHash: `sha256:${'b'.repeat(64)}`,
        artifacts: [FAIRNESS_EVIDENCE[0]!],
      },
    },
    by('svc:batch'),
  );
  await fx.writer.execute(
    `mkey-${prefix}-k1`,
    managedKey,
    {
      type: 'RegisterKey',
      at: tick(),
      actor: ADMIN,
      keyId: `${prefix}-k1`,
      projectId,
      algorithm: 'AES-GCM',
      sizeBits: 256,
      kmsRef: 'vault://transit/keys/k1-v1',
      purpose: 'encryption',
      cryptoperiodDays: 90,
    },
    by(ADMIN),
  );
  return { plan, projectId, trainRun, evalRun };
}
