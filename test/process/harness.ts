import type { CommandBus } from '@nestjs/cqrs';
import { ReportCheckErrorCommand } from '../../src/commands/runs/report-check-error.command.js';
import { ReportCheckErrorHandler } from '../../src/commands/runs/report-check-error.handler.js';
import { ReportCheckResultCommand } from '../../src/commands/runs/report-check-result.command.js';
import { ReportCheckResultHandler } from '../../src/commands/runs/report-check-result.handler.js';
import { StartCheckCommand } from '../../src/commands/runs/start-check.command.js';
import { StartCheckHandler } from '../../src/commands/runs/start-check.handler.js';
import { loadBlueprintFile } from '../../src/blueprints/load.js';
import type { CommandMetadata } from '../../src/domain/decider.js';
import { registerBlueprints, setUpProject } from '../support/catalog.js';
import type { Execute } from '../../src/demo/workers.js';
import type { Ledger } from '../../src/ledger/open-ledger.js';
import { ReportCheckCommand } from '../../src/process/commands/report-check.command.js';
import { ReportCheckHandler } from '../../src/process/commands/report-check.handler.js';
import { RequestPipelineRunCommand } from '../../src/process/commands/request-pipeline-run.command.js';
import { RequestPipelineRunHandler } from '../../src/process/commands/request-pipeline-run.handler.js';
import type { useLedgerFixture } from '../support/ledger-fixture.js';
import { meta } from '../support/ledger-fixture.js';

export function ledgerOf(ctx: ReturnType<typeof useLedgerFixture>): Ledger {
  return { store: ctx.fx.store, keyRing: ctx.fx.keyRing, writer: ctx.fx.writer, pool: ctx.db.pool } as unknown as Ledger;
}

/** The command handlers the process manager and the tests dispatch to, without NestJS. */
export function dispatcher(ledger: Ledger): Execute {
  const request = new RequestPipelineRunHandler(ledger);
  const start = new StartCheckHandler(ledger);
  const result = new ReportCheckResultHandler(ledger);
  const error = new ReportCheckErrorHandler(ledger);
  const dispatch = <T>(c: object): Promise<T> => {
    if (c instanceof RequestPipelineRunCommand) return request.execute(c) as Promise<T>;
    if (c instanceof ReportCheckCommand) return report.execute(c) as Promise<T>;
    if (c instanceof StartCheckCommand) return start.execute(c) as Promise<T>;
    if (c instanceof ReportCheckResultCommand) return result.execute(c) as Promise<T>;
    if (c instanceof ReportCheckErrorCommand) return error.execute(c) as Promise<T>;
    throw new Error(`no handler for ${c.constructor.name}`);
  };
  const report = new ReportCheckHandler(ledger, { execute: dispatch } as unknown as CommandBus);
  return dispatch;
}

export const userMeta = (id = 'usr:alice'): CommandMetadata => meta({ actor: { id, kind: 'user' } });

/** Project `fraud` (ml-service): ds-ia-crypto v1 in staging, crypto-lib as its crypto pipeline. */
export async function seedFraudProject(ledger: Ledger): Promise<void> {
  await registerBlueprints(ledger, [
    (await loadBlueprintFile('blueprints/ds-ia-crypto.yaml')).definition,
    (await loadBlueprintFile('blueprints/crypto-lib.yaml')).definition,
  ]);
  await setUpProject(ledger, {
    projectId: 'fraud',
    name: 'Fraud scoring',
    projectType: 'ml-service',
    ownerId: 'team:risk',
    blueprints: { staging: ['ds-ia-crypto', 1] },
    cryptoPipeline: ['crypto-lib', 1],
  });
}
