import { gql, type GqlResponse } from './client.js';

/** Helpers of test/graphql/mutations.test.ts: one mutation over HTTP, its answer, worker reports, invalid inputs. */

export const RESULT_FIELDS = 'stream entityId revision replayed digest events { id type revision position }';

export interface Result {
  stream: string;
  entityId: string;
  revision: number;
  replayed: boolean;
  digest: string | null;
  events: { id: string; type: string; revision: number; position: number }[];
}

/** What the workers report, per check of ds-ia-crypto (as test/e2e/pipeline.test.ts). */
export function reportFor(checkId: string, evidence: string): Record<string, unknown> {
  switch (checkId) {
    case 'unit_tests':
      return { status: 'PASS', metrics: [{ name: 'coverage', value: 0.85 }], evidence: [`sha256:${evidence}`], tool: 'pytest@8.3.2' };
    case 'sast':
      return { status: 'PASS', findings: [{ id: 'semgrep-91', severity: 'LOW', category: 'vulnerability' }], tool: 'semgrep@1.90.0' };
    case 'offline_metrics':
      return { status: 'PASS', metrics: [{ name: 'f1_score', value: 0.86 }] };
    case 'fairness_check':
      return { status: 'PASS', metrics: [{ name: 'disparity', value: 0.04 }] };
    case 'perf_test':
      return { status: 'PASS', metrics: [{ name: 'latency_ms_p95', value: 180 }] };
    default:
      return { status: 'PASS' };
  }
}

/** One mutation with its `input` (unless undefined) and `idempotencyKey` (unless undefined), over real HTTP. */
export async function mutate(
  url: string,
  token: string,
  name: string,
  input: Record<string, unknown> | undefined,
  key?: string,
): Promise<GqlResponse> {
  const args = [input !== undefined ? 'input: $input' : '', key !== undefined ? 'idempotencyKey: $key' : ''].filter(Boolean).join(', ');
  const inputType = `${name.charAt(0).toUpperCase()}${name.slice(1)}Input`;
  const vars = [input !== undefined ? `$input: ${TYPE_OF[name] ?? inputType}!` : '', key !== undefined ? '$key: String' : '']
    .filter(Boolean)
    .join(', ');
  const op = `mutation${vars ? `(${vars})` : ''} { ${name}${args ? `(${args})` : ''} { ${RESULT_FIELDS} } }`;
  return gql(url, op, { ...(input !== undefined ? { input } : {}), ...(key !== undefined ? { key } : {}) }, token);
}

/** For every mutation with an input: an input the edge refuses, and the field it names (`project` is a project of the caller). */
export function invalidInputs(project: string): [string, string, Record<string, unknown> | undefined, string][] {
  const hex = 'c'.repeat(64);
  return [
    ['operator', 'createProject', { projectId: 'Bad Id', name: 'x', projectType: 'lib', ownerId: 'team:a' }, 'projectId'],
    ['operator', 'createProject', { projectId: 'ok-id', name: 'x', projectType: 'lib', ownerId: 'alice@example.com' }, 'ownerId'],
    ['operator', 'archiveProject', { projectId: project, reason: '' }, 'reason'],
    ['operator', 'attachBlueprint', { projectId: project, environment: 'Prod!', blueprintId: 'b', blueprintVersion: 1 }, 'environment'],
    ['operator', 'detachBlueprint', { projectId: project, environment: '' }, 'environment'],
    ['operator', 'setCryptoPipeline', { projectId: project, blueprintId: 'b', blueprintVersion: 0 }, 'blueprintVersion'],
    ['operatorAll', 'registerBlueprint', { yaml: '' }, 'yaml'],
    ['operatorAll', 'deprecateBlueprint', { blueprintId: 'b', version: 1, reason: '' }, 'reason'],
    ['operator', 'requestRun', { projectId: project, eventType: 'push' }, 'eventType'],
    ['operator', 'requestRun', { projectId: project, eventType: 'commit', trigger: { commit: 'xyz' } }, 'trigger.commit'],
    ['operator', 'requestRun', { projectId: project, eventType: 'manual', parametersJson: '[1]' }, 'parametersJson'],
    ['operator', 'cancelRun', { runId: 'r 1', reason: 'x' }, 'runId'],
    ['worker', 'startCheck', { runId: 'r1', checkId: 'Bad Check' }, 'checkId'],
    ['worker', 'reportCheckResult', { runId: 'r1', checkId: 'sast', status: 'ERROR' }, 'status'],
    ['worker', 'reportCheckResult', { runId: 'r1', checkId: 'sast', status: 'PASS', evidence: ['md5:1'] }, 'evidence'],
    [
      'worker',
      'reportCheckResult',
      { runId: 'r1', checkId: 'sast', status: 'PASS', metrics: [{ name: '1x', value: 1 }] },
      'metrics[0].name',
    ],
    ['worker', 'reportCheckError', { runId: 'r1', checkId: 'sast', error: '' }, 'error'],
    ['approver', 'grantApproval', { runId: 'r1', role: 'Approver!' }, 'role'],
    ['approver', 'vetoRun', { runId: 'r1', role: 'approver', reason: '' }, 'reason'],
    [
      'approver',
      'grantWaiver',
      {
        runId: 'r1',
        waiverId: 'w',
        role: 'approver',
        target: { check: 'a', finding: 'b' },
        justification: 'long enough reason',
        expiresAt: '2099-01-01T00:00:00.000Z',
      },
      'target',
    ],
    [
      'approver',
      'grantWaiver',
      { runId: 'r1', waiverId: 'w', role: 'approver', target: { check: 'a' }, justification: 'short', expiresAt: '2099-01-01' },
      'justification',
    ],
    ['approver', 'revokeWaiver', { runId: 'r1', waiverId: 'w', reason: '' }, 'reason'],
    ['approver', 'expireWaiver', { runId: 'r1', waiverId: 'w w' }, 'waiverId'],
    [
      'operator',
      'registerManagedKey',
      { keyId: 'k', projectId: project, kmsRef: 'kms://k', purpose: 'fun', cryptoperiodDays: 90, algorithm: 'AES-GCM', sizeBits: 256 },
      'purpose',
    ],
    ['operator', 'rotateManagedKey', { keyId: 'k', kmsRef: 'kms://k', reason: '', algorithm: 'AES-GCM', sizeBits: 256 }, 'reason'],
    ['operator', 'retireManagedKey', { keyId: 'k k', reason: 'x' }, 'keyId'],
    ['operator', 'reportKeyCompromise', { keyId: 'k', reason: 'x', compromisedSince: 'yesterday' }, 'compromisedSince'],
    ['admin', 'revokeSigningKey', { kid: 'k', reason: '' }, 'reason'],
    ['worker', 'registerModelVersion', { model: 'Fraud', version: 'v1', digest: `sha256:${hex}` }, 'model'],
    ['approver', 'revokeModelApproval', { model: 'm', digest: `sha256:${hex}`, stage: 'Prod', reason: 'x' }, 'stage'],
    ['approver', 'revokeModelVersion', { model: 'm', digest: 'sha256:1', reason: 'x' }, 'digest'],
    [
      'worker',
      'recordBatchManifest',
      {
        jobId: 'j',
        partition: 'p',
        runId: 'r1',
        stage: 'production',
        model: { name: 'm', digest: `sha256:${hex}` },
        dataset: { id: 'd', version: '1' },
        rowsIn: -1,
        rowsOut: 0,
        sanityChecks: [],
        policyDigest: `sha256:${hex}`,
        configHash: `sha256:${hex}`,
        artifacts: [],
      },
      'rowsIn',
    ],
    ['worker', 'storeEvidence', { sha256: hex, mediaType: 'application/json', contentBase64: 'not base64!' }, 'contentBase64'],
  ];
}

/** Mutations without an `<Name>Input` type of their own name. */
const TYPE_OF: Record<string, string> = {
  reportCheckResult: 'CheckResultInput',
  reportCheckError: 'CheckErrorInput',
  recordBatchManifest: 'BatchManifestInput',
};
