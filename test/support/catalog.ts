import { RegisterBlueprintCommand } from '../../src/commands/blueprints/register-blueprint.command.js';
import { RegisterBlueprintHandler } from '../../src/commands/blueprints/register-blueprint.handler.js';
import { AttachBlueprintCommand } from '../../src/commands/projects/attach-blueprint.command.js';
import { AttachBlueprintHandler } from '../../src/commands/projects/attach-blueprint.handler.js';
import { CreateProjectCommand } from '../../src/commands/projects/create-project.command.js';
import { CreateProjectHandler } from '../../src/commands/projects/create-project.handler.js';
import { SetCryptoPipelineCommand } from '../../src/commands/projects/set-crypto-pipeline.command.js';
import { SetCryptoPipelineHandler } from '../../src/commands/projects/set-crypto-pipeline.handler.js';
import type { BlueprintDefinition } from '../../src/domain/blueprint/types.js';
import type { CommandMetadata } from '../../src/domain/decider.js';
import type { Ledger } from '../../src/ledger/open-ledger.js';
import { meta } from './ledger-fixture.js';

const admin = (): CommandMetadata => meta({ actor: { id: 'usr:platform-admin', kind: 'user' } });

/** Registers blueprint versions through their command handler. */
export async function registerBlueprints(ledger: Ledger, definitions: readonly BlueprintDefinition[]): Promise<void> {
  const h = new RegisterBlueprintHandler(ledger);
  for (const d of definitions) await h.execute(new RegisterBlueprintCommand(d, admin()));
}

/** Creates a project and attaches its blueprints (environment → [id, version]) through the project command handlers. */
export async function setUpProject(
  ledger: Ledger,
  p: {
    readonly projectId: string;
    readonly name: string;
    readonly projectType: string;
    readonly ownerId: string;
    readonly blueprints: Readonly<Record<string, readonly [string, number]>>;
    readonly cryptoPipeline?: readonly [string, number];
  },
): Promise<void> {
  await new CreateProjectHandler(ledger).execute(new CreateProjectCommand(p.projectId, p.name, p.projectType, null, p.ownerId, admin()));
  const attach = new AttachBlueprintHandler(ledger);
  for (const [env, [id, version]] of Object.entries(p.blueprints)) {
    await attach.execute(new AttachBlueprintCommand(p.projectId, env, id, version, admin()));
  }
  if (p.cryptoPipeline) {
    const [id, version] = p.cryptoPipeline;
    await new SetCryptoPipelineHandler(ledger).execute(new SetCryptoPipelineCommand(p.projectId, id, version, admin()));
  }
}
