import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventEnvelope } from 'ledger-verify';
import { DeprecateBlueprintCommand } from '../../src/commands/blueprints/deprecate-blueprint.command.js';
import { DeprecateBlueprintHandler } from '../../src/commands/blueprints/deprecate-blueprint.handler.js';
import { RegisterBlueprintCommand } from '../../src/commands/blueprints/register-blueprint.command.js';
import { RegisterBlueprintHandler } from '../../src/commands/blueprints/register-blueprint.handler.js';
import { ArchiveProjectCommand } from '../../src/commands/projects/archive-project.command.js';
import { ArchiveProjectHandler } from '../../src/commands/projects/archive-project.handler.js';
import { AttachBlueprintCommand } from '../../src/commands/projects/attach-blueprint.command.js';
import { AttachBlueprintHandler } from '../../src/commands/projects/attach-blueprint.handler.js';
import { CreateProjectCommand } from '../../src/commands/projects/create-project.command.js';
import { CreateProjectHandler } from '../../src/commands/projects/create-project.handler.js';
import { SetCryptoPipelineCommand } from '../../src/commands/projects/set-crypto-pipeline.command.js';
import { SetCryptoPipelineHandler } from '../../src/commands/projects/set-crypto-pipeline.handler.js';
import { LedgerError } from '../../src/domain/errors.js';
import { meta, useLedgerFixture } from '../support/ledger-fixture.js';
import { BLUEPRINT_FILES, repoBlueprint } from './fixtures.js';

describe('blueprint and project commands on a real ledger', () => {
  const t = useLedgerFixture();
  const ledger = () => ({ writer: t.fx.writer, store: t.fx.store });
  const count = async () => (await t.fx.store.readAll()).length;
  /** Runs `fn`, expects a LedgerError with `code`, and that nothing was written. */
  const refusedWithNothingWritten = async (code: string, fn: () => Promise<unknown>) => {
    const before = await count();
    await assert.rejects(fn, (e: unknown) => e instanceof LedgerError && e.code === code);
    assert.equal(await count(), before, 'nothing written');
  };

  it('registers every blueprint of blueprints/ once; registering again writes nothing', async () => {
    const h = new RegisterBlueprintHandler(ledger());
    for (const name of BLUEPRINT_FILES) {
      const b = repoBlueprint(name);
      const r = await h.execute(new RegisterBlueprintCommand(b.definition, meta()));
      assert.deepEqual(r, { blueprintId: name, version: 1, digest: b.digest, recorded: true });
      const [e] = (await t.fx.store.readStream(`blueprint-${name}`)).map((x) => JSON.parse(x.data) as EventEnvelope);
      assert.equal(e?.type, 'BlueprintVersionRegistered');
      assert.deepEqual(e?.data, { blueprintId: name, version: 1, digest: b.digest, definition: b.definition });
    }
    const before = await count();
    for (const name of BLUEPRINT_FILES) {
      const r = await h.execute(new RegisterBlueprintCommand(repoBlueprint(name).definition, meta()));
      assert.equal(r.recorded, false);
    }
    assert.equal(await count(), before);
  });

  it('different content under a registered version: BLUEPRINT_VERSION_CONFLICT, nothing written', async () => {
    const b = repoBlueprint('ds-ia-crypto').definition;
    await refusedWithNothingWritten('BLUEPRINT_VERSION_CONFLICT', () =>
      new RegisterBlueprintHandler(ledger()).execute(new RegisterBlueprintCommand({ ...b, description: 'edited in place' }, meta())),
    );
  });

  it('a definition that does not match the schema (an API caller): INVALID_BLUEPRINT, nothing written', async () => {
    const b = repoBlueprint('crypto-lib').definition;
    const broken = { ...b, version: 2, stages: [{ name: 'build', checks: [{ id: 'x', type: 'LINTT' }] }] };
    await refusedWithNothingWritten('INVALID_BLUEPRINT', () =>
      new RegisterBlueprintHandler(ledger()).execute(new RegisterBlueprintCommand(broken as unknown as typeof b, meta())),
    );
    await refusedWithNothingWritten('INVALID_BLUEPRINT', () =>
      new RegisterBlueprintHandler(ledger()).execute(new RegisterBlueprintCommand({ id: 'crypto-lib' } as unknown as typeof b, meta())),
    );
  });

  it('creates a project, attaches a blueprint per environment with its digest, sets the crypto pipeline, archives', async () => {
    const create = new CreateProjectHandler(ledger());
    assert.deepEqual(
      await create.execute(new CreateProjectCommand('ml-service-123', 'Churn scoring', 'ml-service', null, 'team:risk-models', meta())),
      { recorded: true },
    );
    const attach = new AttachBlueprintHandler(ledger());
    const r = await attach.execute(new AttachBlueprintCommand('ml-service-123', 'prod', 'realtime-ml', 1, meta()));
    assert.deepEqual(r, { recorded: true, digest: repoBlueprint('realtime-ml').digest });
    assert.equal((await attach.execute(new AttachBlueprintCommand('ml-service-123', 'prod', 'realtime-ml', 1, meta()))).recorded, false);
    await new SetCryptoPipelineHandler(ledger()).execute(new SetCryptoPipelineCommand('ml-service-123', 'crypto-lib', 1, meta()));
    const events = (await t.fx.store.readStream('project-ml-service-123')).map((x) => JSON.parse(x.data) as EventEnvelope);
    assert.deepEqual(
      events.map((e) => e.type),
      ['ProjectCreated', 'ProjectBlueprintAttached', 'ProjectCryptoPipelineSet'],
    );
    assert.deepEqual(events[1]?.data, {
      projectId: 'ml-service-123',
      environment: 'prod',
      blueprint: { id: 'realtime-ml', version: 1, digest: repoBlueprint('realtime-ml').digest },
    });
    await new ArchiveProjectHandler(ledger()).execute(new ArchiveProjectCommand('ml-service-123', 'service retired', meta()));
    await refusedWithNothingWritten('PROJECT_ARCHIVED', () =>
      attach.execute(new AttachBlueprintCommand('ml-service-123', 'dev', 'realtime-ml', 1, meta())),
    );
  });

  it('refuses bad input with a typed error and writes nothing', async () => {
    await new CreateProjectHandler(ledger()).execute(
      new CreateProjectCommand('api-7', 'Payments API', 'api', null, 'team:payments', meta()),
    );
    const attach = new AttachBlueprintHandler(ledger());
    await refusedWithNothingWritten('UNKNOWN_BLUEPRINT_VERSION', () =>
      attach.execute(new AttachBlueprintCommand('api-7', 'prod', 'api-secure', 9, meta())),
    );
    await refusedWithNothingWritten('BLUEPRINT_NOT_FOR_PROJECT_TYPE', () =>
      attach.execute(new AttachBlueprintCommand('api-7', 'prod', 'ds-batch', 1, meta())),
    );
    await refusedWithNothingWritten('INVALID_PROJECT_ID', () =>
      attach.execute(new AttachBlueprintCommand('API 7!', 'prod', 'api-secure', 1, meta())),
    );
    await refusedWithNothingWritten('INVALID_PROJECT', () =>
      new CreateProjectHandler(ledger()).execute(new CreateProjectCommand('api-8', 'x', 'api', null, 'alice@example.com', meta())),
    );
    await refusedWithNothingWritten('BLUEPRINT_NOT_FOR_KEY_ROTATION', () =>
      new SetCryptoPipelineHandler(ledger()).execute(new SetCryptoPipelineCommand('api-7', 'api-secure', 1, meta())),
    );
  });

  it('deprecates a blueprint version; a deprecated version can no longer be attached', async () => {
    const r = await new DeprecateBlueprintHandler(ledger()).execute(
      new DeprecateBlueprintCommand('ds-batch', 1, 'superseded by the data contract checks', null, meta()),
    );
    assert.deepEqual(r, { recorded: true });
    await new CreateProjectHandler(ledger()).execute(
      new CreateProjectCommand('etl-1', 'Nightly ETL', 'data-pipeline', null, 'team:data', meta()),
    );
    await refusedWithNothingWritten('BLUEPRINT_DEPRECATED', () =>
      new AttachBlueprintHandler(ledger()).execute(new AttachBlueprintCommand('etl-1', 'prod', 'ds-batch', 1, meta())),
    );
  });
});
