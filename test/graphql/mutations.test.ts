import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { stringify } from 'yaml';
import { COMMAND_EXPOSURE, EXPOSED_MUTATIONS } from '../../src/graphql/mutations/index.js';
import { ProcessHost } from '../../src/process/process.host.js';
import { PROCESS_ACTOR } from '../../src/process/reactions.js';
import { startTestApp, type TestApp } from '../auth/app-fixture.js';
import { dsIaCrypto, eventually, sha256Hex } from '../e2e/support.js';
import { useLedgerFixture } from '../support/ledger-fixture.js';
import { gql, type GqlResponse } from './client.js';
import { invalidInputs, mutate as mutateOver, reportFor, type Result } from './mutation-support.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const PROJECT = 'gql-service-1';
describe('GraphQL mutations over HTTP', () => {
  let api!: TestApp;
  // Registered before the fixture's hooks: the app (and its process manager) stops before the database goes.
  after(async () => {
    if (api) await api.close();
  });
  const ctx = useLedgerFixture();
  const t: Record<string, string> = {};
  let runId = '';

  const head = () => ctx.fx.store.headPosition();

  /**
   * Events appended from `position` on by anyone but the process manager (which keeps working on
   * runs in the background): a refused or replayed mutation must leave this empty.
   */
  async function writtenSince(position: number): Promise<string[]> {
    const events = await ctx.fx.store.readAll({ fromPosition: position });
    return events
      .map((r) => JSON.parse(r.data) as { type: string; actor: { id: string } })
      .filter((e) => e.actor.id !== PROCESS_ACTOR.id)
      .map((e) => `${e.type} by ${e.actor.id}`);
  }

  const mutate = (token: string, name: string, input: Record<string, unknown> | undefined, key?: string) =>
    mutateOver(api.url, token, name, input, key);

  async function ok(token: string, name: string, input?: Record<string, unknown>, key?: string): Promise<Result> {
    const r = await mutate(token, name, input, key);
    assert.equal(r.errors, undefined, `${name}: ${JSON.stringify(r.errors)}`);
    return r.data![name] as Result;
  }

  /** The mutation is refused with `code`, and the log did not move. */
  async function refused(token: string, name: string, input: Record<string, unknown> | undefined, code: string): Promise<GqlResponse> {
    const before = await head();
    const r = await mutate(token, name, input);
    assert.ok(r.errors?.length, `${name} should be refused with ${code}`);
    assert.equal(r.errors[0]!.extensions?.code, code, `${name}: ${JSON.stringify(r.errors)}`);
    assert.deepEqual(await writtenSince(before), [], `${name} refused with ${code} wrote nothing`);
    return r;
  }

  async function runView(id: string): Promise<{ status: string; checks: { id: string; status: string; attempt: number }[] } | null> {
    const r = await gql(api.url, 'query($id: String!) { run(id: $id) { status checks { id status attempt } } }', { id }, t['admin']);
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    return r.data!['run'] as { status: string; checks: { id: string; status: string; attempt: number }[] } | null;
  }

  before(async () => {
    api = await startTestApp(ctx.db, ctx.fx);
    await api.app.get(ProcessHost).start(); // as qledger serve does
    const issue = (subject: string, role: 'operator' | 'approver' | 'worker' | 'admin', projects: '*' | string[] = [PROJECT]) =>
      api.issuer.issue({ subject, role, projects, ttlSeconds: 600 });
    t['admin'] = await issue('root', 'admin', '*');
    t['operator'] = await issue('alice', 'operator');
    t['operatorAll'] = await issue('olga', 'operator', '*');
    t['aliceApprover'] = await issue('alice', 'approver');
    t['approver'] = await issue('bob', 'approver', '*');
    t['worker'] = await issue('worker-7', 'worker');
    t['otherWorker'] = await issue('worker-8', 'worker');
    t['strangerWorker'] = await issue('worker-9', 'worker', ['another-project']);
  });

  it('exposes exactly the intended mutations, and every command of the domain is a conscious choice', async () => {
    const schema = api.app.get(GraphQLSchemaHost).schema;
    assert.deepEqual(Object.keys(schema.getMutationType()?.getFields() ?? {}).sort(), EXPOSED_MUTATIONS);
    const commands: string[] = [];
    for (const dir of ['src/commands', 'src/process/commands']) {
      for (const f of await readdir(join(ROOT, dir), { recursive: true })) {
        if (!f.endsWith('.command.ts')) continue;
        const text = await readFile(join(ROOT, dir, f), 'utf8');
        commands.push(...[...text.matchAll(/export class (\w+Command)\b/g)].map((m) => m[1]!));
      }
    }
    assert.ok(commands.length >= 30, `found ${commands.length} command classes`);
    assert.deepEqual(commands.sort(), Object.keys(COMMAND_EXPOSURE).sort(), 'a command is missing from COMMAND_EXPOSURE (or gone)');
  });

  it('runs ds-ia-crypto from registerBlueprint to a SUCCEEDED run through mutations only', async () => {
    const { v1, v2 } = await dsIaCrypto();
    for (const d of [v1, v2]) {
      const r = await ok(t['operatorAll']!, 'registerBlueprint', { yaml: stringify(d) });
      assert.equal(r.entityId, `ds-ia-crypto@${d.version}`);
      assert.deepEqual(
        r.events.map((e) => e.type),
        ['BlueprintVersionRegistered'],
      );
      assert.match(r.digest ?? '', /^sha256:[0-9a-f]{64}$/);
    }
    const created = await ok(t['operator']!, 'createProject', {
      projectId: PROJECT,
      name: 'Fraud scoring service',
      projectType: 'ml-service',
      ownerId: 'team:risk-models',
    });
    assert.equal(created.stream, `project-${PROJECT}`);
    await ok(t['operator']!, 'attachBlueprint', {
      projectId: PROJECT,
      environment: 'production',
      blueprintId: 'ds-ia-crypto',
      blueprintVersion: 2,
    });

    const requested = await ok(
      t['operator']!,
      'requestRun',
      { projectId: PROJECT, eventType: 'manual_trigger', parametersJson: JSON.stringify({ branch: 'main' }) },
      'release-1',
    );
    runId = requested.entityId;
    assert.match(runId, /^prun-[0-9a-f]{20}$/);
    assert.equal(requested.stream, `run-${runId}`);
    assert.equal(requested.replayed, false);
    assert.deepEqual(
      requested.events.map((e) => e.type),
      ['RunRequested', 'RunQueued'],
    );

    // Idempotency: the same key answers the first write and writes nothing.
    const before = await head();
    const replay = await ok(
      t['operator']!,
      'requestRun',
      { projectId: PROJECT, eventType: 'manual_trigger', parametersJson: JSON.stringify({ branch: 'main' }) },
      'release-1',
    );
    assert.equal(replay.replayed, true);
    assert.deepEqual({ ...replay, replayed: false }, requested);
    assert.deepEqual(await writtenSince(before), []);
    // The same key with another input is refused (422), and nothing is written.
    const reused = await mutate(
      t['operator']!,
      'requestRun',
      { projectId: PROJECT, eventType: 'manual_trigger', parametersJson: JSON.stringify({ branch: 'hotfix' }) },
      'release-1',
    );
    assert.equal(reused.errors?.[0]?.extensions?.code, 'IDEMPOTENCY_KEY_REUSED', JSON.stringify(reused.errors));
    assert.equal((reused.errors?.[0]?.extensions as { status?: unknown } | undefined)?.status, 422);
    assert.equal(reused.data?.['requestRun'] ?? null, null);
    assert.deepEqual(await writtenSince(before), []);
    // The first input with its key still answers the first write.
    assert.equal(
      (
        await ok(
          t['operator']!,
          'requestRun',
          { parametersJson: JSON.stringify({ branch: 'main' }), eventType: 'manual_trigger', projectId: PROJECT },
          'release-1',
        )
      ).replayed,
      true,
    );

    // Evidence, inline.
    const report = Buffer.from(JSON.stringify({ coverage: 0.85, files: 88 }));
    const digest = sha256Hex(report);
    const stored = await ok(t['worker']!, 'storeEvidence', {
      sha256: digest,
      mediaType: 'application/json',
      contentBase64: report.toString('base64'),
    });
    assert.equal(stored.digest, `sha256:${digest}`);
    assert.deepEqual(
      stored.events.map((e) => e.type),
      ['EvidenceRecorded'],
    );

    // The workers: every scheduled check gets a result, until the run awaits its decision.
    await eventually(`run ${runId} to await its decision`, async () => {
      const run = await runView(runId);
      if (!run || run.status === 'QUEUED' || run.status === 'RUNNING' || run.status === 'REQUESTED') {
        for (const c of run?.checks ?? []) {
          if (c.status !== 'SCHEDULED') continue;
          const r = await mutate(
            t['worker']!,
            'reportCheckResult',
            { runId, checkId: c.id, attempt: c.attempt, ...reportFor(c.id, digest) },
            `${runId}/${c.id}/${c.attempt}`,
          );
          assert.equal(r.errors, undefined, JSON.stringify(r.errors));
        }
        return undefined;
      }
      return run;
    });
    const awaiting = await eventually('the policy evaluation', async () => {
      const r = await gql(
        api.url,
        'query($id: String!) { run(id: $id) { status decision { status verdict } } }',
        { id: runId },
        t['admin'],
      );
      const run = r.data?.['run'] as { status: string; decision: { status: string; verdict: string | null } | null } | null;
      return run?.decision?.verdict ? run : undefined;
    });
    assert.equal(awaiting.status, 'AWAITING_DECISION', 'production needs one human approval');
    assert.notEqual(awaiting.decision?.verdict, 'REJECTED');

    // Separation of duties: the initiator may not approve their own run, even as an approver; nothing written.
    const own = await refused(t['aliceApprover']!, 'grantApproval', { runId, role: 'approver', comment: 'lgtm' }, 'SEPARATION_OF_DUTIES');
    assert.equal((own.errors![0]!.extensions as Record<string, unknown>)['status'], 403);

    // A waiver by another approver: granted, its expiry refused before its time, revoked.
    const waiver = await ok(t['approver']!, 'grantWaiver', {
      runId,
      waiverId: 'w-sast-1',
      role: 'approver',
      target: { check: 'sast' },
      justification: 'false positive confirmed by the security team',
      expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    });
    assert.equal(waiver.entityId, 'w-sast-1');
    assert.deepEqual(
      waiver.events.map((e) => e.type),
      ['WaiverGranted'],
    );
    await refused(t['approver']!, 'expireWaiver', { runId, waiverId: 'w-sast-1' }, 'WAIVER_NOT_EXPIRED');
    const revokedWaiver = await ok(t['approver']!, 'revokeWaiver', { runId, waiverId: 'w-sast-1', reason: 'scanner fixed' });
    assert.equal(revokedWaiver.events[0]?.type, 'WaiverRevoked');

    const approved = await ok(t['approver']!, 'grantApproval', { runId, role: 'approver', comment: 'coverage and scans reviewed' });
    assert.equal(approved.stream, `decision-${runId}`);
    // The decision closes with the approval, or with the re-evaluation the waiver changes caused (process manager).
    assert.equal(approved.events[0]?.type, 'ApprovalGranted');
    await eventually('the run to succeed', async () => ((await runView(runId))?.status === 'SUCCEEDED' ? true : undefined));
  });

  it('refuses a worker on a run of a project it was not given, and on an attempt another worker started; nothing written', async () => {
    const r = await ok(t['operator']!, 'requestRun', { projectId: PROJECT, eventType: 'manual_trigger' });
    const id = r.entityId;
    const check = await eventually('a scheduled check', async () => (await runView(id))?.checks.find((c) => c.status === 'SCHEDULED'));
    await refused(t['strangerWorker']!, 'reportCheckResult', { runId: id, checkId: check.id, status: 'PASS' }, 'FORBIDDEN_PROJECT');
    await refused(t['strangerWorker']!, 'startCheck', { runId: id, checkId: check.id }, 'FORBIDDEN_PROJECT');
    // Operators and approvers are held to their projects the same way.
    await refused(
      t['operator']!,
      'createProject',
      { projectId: 'another-project', name: 'x', projectType: 'lib', ownerId: 'team:a' },
      'FORBIDDEN_PROJECT',
    );
    await refused(t['operator']!, 'registerBlueprint', { yaml: 'id: x' }, 'FORBIDDEN_PROJECT');
    await refused(
      t['aliceApprover']!,
      'revokeModelVersion',
      { model: 'm', digest: `sha256:${'d'.repeat(64)}`, reason: 'x' },
      'FORBIDDEN_PROJECT',
    );
    // The same 403 for a run that does not exist: nothing says whether it does.
    await refused(
      t['strangerWorker']!,
      'reportCheckResult',
      { runId: 'prun-none', checkId: check.id, status: 'PASS' },
      'FORBIDDEN_PROJECT',
    );

    const started = await ok(t['worker']!, 'startCheck', { runId: id, checkId: check.id });
    assert.deepEqual(
      started.events.map((e) => e.type),
      ['CheckStarted'],
    );
    await refused(t['otherWorker']!, 'reportCheckResult', { runId: id, checkId: check.id, status: 'PASS' }, 'WORKER_MISMATCH');
    await refused(t['otherWorker']!, 'reportCheckError', { runId: id, checkId: check.id, error: 'runner lost' }, 'WORKER_MISMATCH');
    const error = await ok(t['worker']!, 'reportCheckError', { runId: id, checkId: check.id, error: 'runner lost' });
    assert.equal(error.events[0]?.type, 'CheckErrored');

    const cancelled = await ok(t['operator']!, 'cancelRun', { runId: id, reason: 'superseded by release-2' });
    assert.deepEqual(
      cancelled.events.map((e) => e.type),
      ['RunCancelled'],
    );
  });

  it('projects, managed keys, signing keys, models and batches: one happy path each', async () => {
    await ok(t['operator']!, 'attachBlueprint', {
      projectId: PROJECT,
      environment: 'staging',
      blueprintId: 'ds-ia-crypto',
      blueprintVersion: 1,
    });
    const detached = await ok(t['operator']!, 'detachBlueprint', { projectId: PROJECT, environment: 'staging' });
    assert.equal(detached.events.length, 1);

    const key = {
      keyId: 'gql-key-1',
      projectId: PROJECT,
      kmsRef: 'kms://gql/key-1/1',
      purpose: 'encryption',
      cryptoperiodDays: 90,
      algorithm: 'AES-GCM',
      sizeBits: 256,
    };
    const registered = await ok(t['operator']!, 'registerManagedKey', key);
    assert.equal(registered.stream, 'mkey-gql-key-1');
    const rotated = await ok(t['operator']!, 'rotateManagedKey', {
      keyId: 'gql-key-1',
      kmsRef: 'kms://gql/key-1/2',
      reason: 'scheduled',
      algorithm: 'AES-GCM',
      sizeBits: 256,
    });
    assert.equal(rotated.events.length >= 1, true);
    await ok(t['operator']!, 'reportKeyCompromise', {
      keyId: 'gql-key-1',
      reason: 'leaked in a log',
      compromisedSince: '2026-01-01T00:00:00.000Z',
    });
    await ok(t['operator']!, 'retireManagedKey', { keyId: 'gql-key-1', reason: 'replaced' });
    // A key of another project, named by an operator of this one: the same 403 as a key that does not exist.
    await refused(t['operator']!, 'retireManagedKey', { keyId: 'no-such-key', reason: 'x' }, 'FORBIDDEN_PROJECT');

    const signing = await ok(t['admin']!, 'rotateSigningKey', undefined, 'rotate-2026-11');
    assert.equal(signing.stream, 'ledger-keys');
    assert.ok(signing.entityId.length > 0);
    const again = await ok(t['admin']!, 'rotateSigningKey', undefined, 'rotate-2026-11');
    assert.deepEqual({ ...again, replayed: false }, signing, 'a replay does not rotate again');
    const genesis = (JSON.parse((await ctx.fx.store.readStream('ledger-keys'))[0]!.data) as { data: { kid: string } }).data.kid;
    assert.notEqual(genesis, signing.entityId);
    const revokedKey = await ok(t['admin']!, 'revokeSigningKey', { kid: genesis, reason: 'retired after the rotation test' });
    assert.equal(revokedKey.entityId, genesis);
    assert.deepEqual(
      revokedKey.events.map((e) => e.type),
      ['SigningKeyRevoked'],
    );

    // A model trained by the approved run: the process manager approves it for production, then a batch may use it.
    const digest = `sha256:${sha256Hex('model weights v1')}`;
    const model = await ok(t['worker']!, 'registerModelVersion', {
      model: 'fraud-scorer',
      version: 'v1.0.0',
      digest,
      runId,
      trainedOn: ['curated/tx@2025-06-01'],
    });
    assert.equal(model.entityId, `fraud-scorer@${digest}`);
    const gate = await eventually('the model approval', async () => {
      const r = await gql(
        api.url,
        'query($d: String!) { isModelApproved(model: "fraud-scorer", digest: $d, stage: "production") { approved } }',
        { d: digest },
        t['admin'],
      );
      return (r.data?.['isModelApproved'] as { approved: boolean } | undefined)?.approved ? true : undefined;
    });
    assert.equal(gate, true);
    const batch = await ok(t['worker']!, 'recordBatchManifest', {
      jobId: 'score-2026-11-23',
      partition: 'dt=2026-11-23',
      runId,
      stage: 'production',
      model: { name: 'fraud-scorer', digest },
      dataset: { id: 'curated/tx', version: '2026-11-23' },
      rowsIn: 1000,
      rowsOut: 1000,
      sanityChecks: [{ name: 'row_count', status: 'PASS', value: 1000 }],
      policyDigest: `sha256:${'a'.repeat(64)}`,
      configHash: `sha256:${'b'.repeat(64)}`,
      artifacts: [sha256Hex('scores.parquet')],
    });
    assert.equal(batch.stream, 'batch-score-2026-11-23');
    const revokedApproval = await ok(t['approver']!, 'revokeModelApproval', {
      model: 'fraud-scorer',
      digest,
      stage: 'production',
      reason: 'drift',
    });
    assert.equal(revokedApproval.events[0]?.type, 'ModelApprovalRevoked');
    const revoked = await ok(t['approver']!, 'revokeModelVersion', { model: 'fraud-scorer', digest, reason: 'retrained' });
    assert.equal(revoked.events[0]?.type, 'ModelVersionRevoked');

    const deprecated = await ok(t['operatorAll']!, 'deprecateBlueprint', {
      blueprintId: 'ds-ia-crypto',
      version: 1,
      reason: 'v2 adds approval',
      replacedBy: 2,
    });
    assert.equal(deprecated.entityId, 'ds-ia-crypto@1');
    const archived = await ok(t['operator']!, 'archiveProject', { projectId: PROJECT, reason: 'service retired' });
    assert.equal(archived.events.length, 1);
  });

  it('refuses invalid input with INVALID_INPUT and the field, and writes nothing', async () => {
    const cases = invalidInputs(PROJECT);
    const covered = new Set(cases.map((c) => c[1]));
    for (const m of EXPOSED_MUTATIONS) if (m !== 'rotateSigningKey') assert.ok(covered.has(m), `no invalid-input case for ${m}`);
    for (const [who, name, input, path] of cases) {
      const r = await refused(t[who]!, name, input, 'INVALID_INPUT');
      const fields = (r.errors![0]!.extensions as { fields?: { path: string }[] }).fields ?? [];
      assert.ok(
        fields.some((f) => f.path === path),
        `${name}: expected a problem on ${path}, got ${JSON.stringify(fields)}`,
      );
    }
    // An idempotency key that is not printable ASCII is refused the same way.
    const before = await head();
    const r = await mutate(t['admin']!, 'rotateSigningKey', undefined, 'has a space');
    assert.equal(r.errors?.[0]?.extensions?.code, 'INVALID_INPUT');
    assert.deepEqual(await writtenSince(before), []);
  });

  it('refuses evidence whose bytes do not hash to the named digest, with nothing recorded', async () => {
    const r = await refused(
      t['worker']!,
      'storeEvidence',
      { sha256: sha256Hex('something else'), mediaType: 'text/plain', contentBase64: Buffer.from('hello').toString('base64') },
      'EVIDENCE_DIGEST_MISMATCH',
    );
    assert.match(r.errors![0]!.message, /hash to/);
  });
});
