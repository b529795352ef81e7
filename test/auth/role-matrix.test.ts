import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { ROLES, type Role } from '../../src/auth/principal.js';
import { useLedgerFixture } from '../support/ledger-fixture.js';
import { gql, wsClient } from '../graphql/client.js';
import { getJson, startTestApp, type TestApp } from './app-fixture.js';
import { FLOW_ROUTES } from '../rest/routes.js';
import { writeScenario } from '../projections/read-models/scenario.js';

type Access = 'public' | readonly Role[];
const READERS: readonly Role[] = ['admin', 'operator', 'auditor', 'approver'];
const OPS: readonly Role[] = ['admin', 'operator'];

/** Who may call what. Every REST route and every GraphQL root field must be listed here. */
const REST: Record<string, Access> = {
  'GET /health/live': 'public',
  'GET /health/ready': 'public',
  'GET /auth/whoami': ROLES,
  'GET /metrics': OPS,
};
/**
 * A mutation with an input every role that passes the guard gets refused as INVALID_INPUT: the
 * matrix checks who reaches the resolver, and nothing is written.
 */
const mutation = (access: Access, name: string, args: string) => ({
  access,
  operation: `mutation { ${name}(${args}) { entityId } }`,
  allowedOutcome: 'INVALID_INPUT',
});
const HEX = 'c'.repeat(64);
const APPROVERS: readonly Role[] = ['admin', 'approver'];
const WRITERS: readonly Role[] = ['admin', 'operator', 'worker'];

const GRAPHQL: Record<string, { access: Access; operation: string; allowedOutcome?: string }> = {
  'Query.auditTrail': { access: READERS, operation: '{ auditTrail(first: 1) { items { position } } }' },
  'Query.signingKeys': { access: READERS, operation: '{ signingKeys { kid } }' },
  'Query.projections': { access: ['admin', 'operator', 'auditor'], operation: '{ projections { name lag } }' },
  // Read models (issue 4): auditor queries.
  'Query.projects': { access: READERS, operation: '{ projects { id } }' },
  'Query.runs': { access: READERS, operation: '{ runs(first: 1) { items { id } } }' },
  'Query.run': { access: READERS, operation: '{ run(id: "r-none") { id } }' },
  'Query.decision': { access: READERS, operation: '{ decision(runId: "r-none") { runId } }' },
  'Query.decisions': { access: READERS, operation: '{ decisions(first: 1) { runId } }' },
  'Query.lineage': { access: READERS, operation: '{ lineage(node: "run:r-none", depth: 1) { truncated } }' },
  'Query.impactAnalysis': { access: READERS, operation: '{ impactAnalysis(node: "run:r-none") { severity } }' },
  'Query.evidence': { access: READERS, operation: `{ evidence(sha256: "${'0'.repeat(64)}") { bytes } }` },
  'Query.modelVersions': { access: READERS, operation: '{ modelVersions { digest } }' },
  'Query.isModelApproved': {
    access: READERS,
    operation: `{ isModelApproved(model: "m", digest: "sha256:${'0'.repeat(64)}", stage: "production") { approved } }`,
  },
  'Query.batchManifests': { access: READERS, operation: '{ batchManifests(first: 1) { jobId } }' },
  // Mutations (decision 0050): the same roles as the REST route of the same command, where there is one.
  'Mutation.createProject': mutation(
    OPS,
    'createProject',
    'input: { projectId: "Bad Id", name: "x", projectType: "lib", ownerId: "team:a" }',
  ),
  'Mutation.archiveProject': mutation(OPS, 'archiveProject', 'input: { projectId: "p1", reason: "" }'),
  'Mutation.attachBlueprint': mutation(
    OPS,
    'attachBlueprint',
    'input: { projectId: "p1", environment: "Prod!", blueprintId: "b", blueprintVersion: 1 }',
  ),
  'Mutation.detachBlueprint': mutation(OPS, 'detachBlueprint', 'input: { projectId: "p1", environment: "" }'),
  'Mutation.setCryptoPipeline': mutation(OPS, 'setCryptoPipeline', 'input: { projectId: "p1", blueprintId: "b", blueprintVersion: 0 }'),
  'Mutation.registerBlueprint': mutation(OPS, 'registerBlueprint', 'input: { yaml: "" }'),
  'Mutation.deprecateBlueprint': mutation(OPS, 'deprecateBlueprint', 'input: { blueprintId: "b", version: 1, reason: "" }'),
  'Mutation.requestRun': mutation(OPS, 'requestRun', 'input: { projectId: "p1", eventType: "push" }'),
  'Mutation.cancelRun': mutation(OPS, 'cancelRun', 'input: { runId: "r 1", reason: "x" }'),
  'Mutation.startCheck': mutation(['worker'], 'startCheck', 'input: { runId: "r1", checkId: "Bad Check" }'),
  'Mutation.reportCheckResult': mutation(['worker'], 'reportCheckResult', 'input: { runId: "r1", checkId: "sast", status: "ERROR" }'),
  'Mutation.reportCheckError': mutation(['worker'], 'reportCheckError', 'input: { runId: "r1", checkId: "sast", error: "" }'),
  'Mutation.grantApproval': mutation(APPROVERS, 'grantApproval', 'input: { runId: "r1", role: "Approver!" }'),
  'Mutation.vetoRun': mutation(APPROVERS, 'vetoRun', 'input: { runId: "r1", role: "approver", reason: "" }'),
  'Mutation.grantWaiver': mutation(
    APPROVERS,
    'grantWaiver',
    'input: { runId: "r1", waiverId: "w", role: "approver", target: { check: "a" }, justification: "short", expiresAt: "2099-01-01" }',
  ),
  'Mutation.revokeWaiver': mutation(APPROVERS, 'revokeWaiver', 'input: { runId: "r1", waiverId: "w", reason: "" }'),
  'Mutation.expireWaiver': mutation(['admin', 'approver', 'operator'], 'expireWaiver', 'input: { runId: "r1", waiverId: "w w" }'),
  'Mutation.registerManagedKey': mutation(
    OPS,
    'registerManagedKey',
    'input: { keyId: "k", projectId: "p1", kmsRef: "kms://k", purpose: "fun", cryptoperiodDays: 90, algorithm: "AES-GCM", sizeBits: 256 }',
  ),
  'Mutation.rotateManagedKey': mutation(
    OPS,
    'rotateManagedKey',
    'input: { keyId: "k", kmsRef: "kms://k", reason: "", algorithm: "AES-GCM", sizeBits: 256 }',
  ),
  'Mutation.retireManagedKey': mutation(OPS, 'retireManagedKey', 'input: { keyId: "k k", reason: "x" }'),
  'Mutation.reportKeyCompromise': mutation(OPS, 'reportKeyCompromise', 'input: { keyId: "k", reason: "x", compromisedSince: "yesterday" }'),
  'Mutation.rotateSigningKey': mutation(['admin'], 'rotateSigningKey', 'idempotencyKey: "has a space"'),
  'Mutation.revokeSigningKey': mutation(['admin'], 'revokeSigningKey', 'input: { kid: "k", reason: "" }'),
  'Mutation.registerModelVersion': mutation(
    WRITERS,
    'registerModelVersion',
    `input: { model: "Fraud", version: "v1", digest: "sha256:${HEX}" }`,
  ),
  'Mutation.revokeModelApproval': mutation(
    APPROVERS,
    'revokeModelApproval',
    `input: { model: "m", digest: "sha256:${HEX}", stage: "Prod", reason: "x" }`,
  ),
  'Mutation.revokeModelVersion': mutation(APPROVERS, 'revokeModelVersion', 'input: { model: "m", digest: "sha256:1", reason: "x" }'),
  'Mutation.recordBatchManifest': mutation(
    WRITERS,
    'recordBatchManifest',
    `input: { jobId: "j", partition: "p", runId: "r1", stage: "production", model: { name: "m", digest: "sha256:${HEX}" }, ` +
      `dataset: { id: "d", version: "1" }, rowsIn: -1, rowsOut: 0, sanityChecks: [], policyDigest: "sha256:${HEX}", ` +
      `configHash: "sha256:${HEX}", artifacts: [] }`,
  ),
  'Mutation.storeEvidence': mutation(
    WRITERS,
    'storeEvidence',
    `input: { sha256: "${HEX}", mediaType: "application/json", contentBase64: "not base64!" }`,
  ),
  'Subscription.ledgerEvents': {
    access: ['admin', 'operator', 'auditor'],
    operation: 'subscription { ledgerEvents(fromPosition: 0) { position } }',
  },
  // Blueprints, managed keys, live run and decision views (issue 4, decision 0053).
  'Query.blueprints': { access: READERS, operation: '{ blueprints { id attachedTo { projectId } } }' },
  'Query.blueprint': { access: READERS, operation: '{ blueprint(id: "bp-none") { id } }' },
  'Query.managedKeys': { access: READERS, operation: '{ managedKeys { id history { version } } }' },
  'Query.managedKey': { access: READERS, operation: '{ managedKey(id: "k-none") { id } }' },
  'Subscription.runUpdates': { access: READERS, operation: 'subscription { runUpdates(fromPosition: 0) { position } }' },
  'Subscription.decisionUpdates': { access: READERS, operation: 'subscription { decisionUpdates(fromPosition: 0) { position } }' },
};

function allowed(access: Access, role: Role): boolean {
  return access === 'public' || access.includes(role);
}

describe('role x operation matrix', () => {
  let api!: TestApp;
  // Registered before the fixture's hooks: the app (and its projection runners) stops before the database goes.
  after(async () => {
    if (api) await api.close();
  });
  const ctx = useLedgerFixture();
  const tokens = new Map<Role, string>();

  before(async () => {
    api = await startTestApp(ctx.db, ctx.fx);
    for (const r of ROLES) tokens.set(r, await api.token(r));
    // Runs and decisions of project p-1, so that the run and decision subscriptions have something to send.
    await writeScenario(ctx.fx, '1');
  });

  it('lists every REST route and GraphQL root field the service has', () => {
    const router = (
      api.app.getHttpAdapter().getInstance() as { router: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> } }
    ).router;
    const routes = router.stack
      .filter((l) => l.route)
      .flatMap((l) => Object.keys(l.route!.methods).map((m) => `${m.toUpperCase()} ${l.route!.path}`))
      .filter((r) => !r.endsWith(' /graphql'));
    // The flow routes (src/rest/) have their own matrix in test/rest/role-matrix.test.ts.
    assert.deepEqual(
      routes.sort(),
      [...Object.keys(REST), ...Object.keys(FLOW_ROUTES)].sort(),
      'a REST route is missing from the matrix (or gone): add it to REST here',
    );
    const schema = api.app.get(GraphQLSchemaHost).schema;
    const fields = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((t) =>
      t ? Object.keys(t.getFields()).map((f) => `${t.name}.${f}`) : [],
    );
    assert.deepEqual(
      fields.sort(),
      Object.keys(GRAPHQL).sort(),
      'a GraphQL root field is missing from the matrix (or gone): add it to GRAPHQL here',
    );
  });

  for (const [route, access] of Object.entries(REST)) {
    const path = route.split(' ')[1]!;
    it(`${route}: ${access === 'public' ? 'public' : access.join(', ')}`, async () => {
      const anonymous = await getJson(`${api.url}${path}`);
      assert.equal(anonymous.status === 401, access !== 'public', `anonymous got ${anonymous.status}`);
      for (const role of ROLES) {
        const r = await getJson(`${api.url}${path}`, tokens.get(role));
        if (allowed(access, role)) assert.equal(r.status, 200, `${role} should be allowed: ${JSON.stringify(r.body)}`);
        else {
          assert.equal(r.status, 403, `${role} should get 403`);
          assert.equal(r.body.error?.code, 'FORBIDDEN_ROLE');
        }
      }
    });
  }

  for (const [field, { access, operation, allowedOutcome = 'ok' }] of Object.entries(GRAPHQL)) {
    it(`${field}: ${access === 'public' ? 'public' : access.join(', ')}`, async () => {
      const run = field.startsWith('Subscription.') ? subscribeOnce : (op: string, token?: string) => queryOnce(op, token);
      const head = await ctx.fx.store.headPosition();
      const anonymous = await run(operation, undefined);
      assert.equal(anonymous, 'UNAUTHENTICATED');
      for (const role of ROLES) {
        const outcome = await run(operation, tokens.get(role));
        assert.equal(outcome, allowed(access, role) ? allowedOutcome : 'FORBIDDEN_ROLE', `${role} on ${field}`);
      }
      assert.equal(await ctx.fx.store.headPosition(), head, `${field}: the matrix wrote nothing`);
    });
  }

  it('ledger-wide reads need the scope of all projects', async () => {
    const scoped = await api.token('auditor', ['p1']);
    assert.equal(await queryOnce('{ auditTrail { items { position } } }', scoped), 'FORBIDDEN_PROJECT');
    assert.equal(await subscribeOnce('subscription { ledgerEvents(fromPosition: 0) { position } }', scoped), 'FORBIDDEN_PROJECT');
    assert.equal(await queryOnce('{ signingKeys { kid } }', scoped), 'ok');
  });

  it('project-scoped reads and subscriptions refuse a project outside the scope', async () => {
    const scoped = await api.token('auditor', ['p-1']);
    for (const op of ['ledgerEvents', 'runUpdates', 'decisionUpdates']) {
      const sub = (p: string) => `subscription { ${op}(fromPosition: 0, filter: { projectId: "${p}" }) { position } }`;
      assert.equal(await subscribeOnce(sub('p2'), scoped), 'FORBIDDEN_PROJECT', op);
      assert.equal(await subscribeOnce(sub('p-1'), scoped), 'ok', op);
    }
    assert.equal(await queryOnce('{ managedKeys(projectId: "p2") { id } }', scoped), 'FORBIDDEN_PROJECT');
    assert.equal(await queryOnce('{ managedKeys(projectId: "p-1") { id } }', scoped), 'ok');
  });

  async function queryOnce(operation: string, token?: string): Promise<string> {
    const r = await gql(api.url, operation, {}, token);
    if (r.errors?.length) {
      const code = r.errors[0]!.extensions?.code ?? 'NO_CODE';
      if (code === 'UNAUTHENTICATED') assert.equal(r.status, 401);
      return code;
    }
    return 'ok';
  }

  async function subscribeOnce(operation: string, token?: string): Promise<string> {
    let closedWith = 0;
    const client = wsClient(api.url, token, (c) => (closedWith = c));
    try {
      const first = await client.iterate({ query: operation }).next();
      const errors = (first.value as { errors?: Array<{ extensions?: { code?: string } }> } | undefined)?.errors;
      return errors?.length ? (errors[0]!.extensions?.code ?? 'NO_CODE') : 'ok';
    } catch {
      return closedWith === 4403 ? 'UNAUTHENTICATED' : `closed ${closedWith}`;
    } finally {
      await client.dispose();
    }
  }
});
